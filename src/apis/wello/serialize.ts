// The created task as the real server writes it (docs/fidelity.md, Wello: Serialization):
// JSON by Json.NET (keys in the contract's order, nulls written, dates with up
// to 7 digits); XML by DataContractSerializer in the seed's form. Both writers
// are built once from the field list: per request only the values are written.
import { createXml as create } from '../../core/xml-builder.js';
import { formatJsonNetDate, formatXmlDate } from '../../core/dotnet-datetime.js';
import { type Field, isDate, type Task } from './fields.js';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export type TaskWriter = (task: Task) => string;

/**
 * `{"id":…,"task_type_id":…}`: every field in the contract's order, nulls
 * included. A task made by createWelloTask already has that order, so this
 * is JSON.stringify, given the dates as their text: a value with a toJSON
 * method takes JSON.stringify off its fast path (0.55 µs of a create).
 */
export function taskJsonWriter(fields: readonly Field[]): TaskWriter {
  const dates = fields.filter((f) => f.kind === 'date').map((f) => f.name);
  return (task) => {
    const plain: Record<string, unknown> = { ...task };
    for (const name of dates) {
      const value = task[name];
      if (value !== null && value !== undefined && isDate(value)) plain[name] = formatJsonNetDate(value);
    }
    return JSON.stringify(plain);
  };
}

// Text escaped as xmlbuilder2 escapes it.
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const NEEDS_ESCAPE = /[&<>]/;
// Most values have nothing to escape: tested first, no replace (and no new string) then.
const escapeText = (text: string) => (NEEDS_ESCAPE.test(text) ? text.replace(/[&<>]/g, (c) => XML_ESCAPES[c]!) : text);

const MARK = '\u0001';

/**
 * `<task xmlns:i="…">`, no default namespace, elements in alphabetical order,
 * nulls as i:nil. The skeleton comes from xmlbuilder2 once: a document with a
 * marker in every element, cut at the markers, and each field's nil element.
 */
export function taskXmlWriter(fields: readonly Field[]): TaskWriter {
  // Built on the first XML answer: xmlbuilder2 stays unloaded until then.
  let write: TaskWriter | undefined;
  return (task) => (write ??= buildTaskXmlWriter(fields))(task);
}

function buildTaskXmlWriter(fields: readonly Field[]): TaskWriter {
  const sorted = [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const withMarks = create().ele('task', { 'xmlns:i': XSI });
  for (const { name } of sorted) withMarks.ele(name).txt(MARK);
  const parts = withMarks.end({ headless: true }).split(MARK);
  // parts[i] ends with <name_i>; parts[i + 1] starts with </name_i>.
  const nils = sorted.map(({ name }) => {
    const root = create().ele('task', { 'xmlns:i': XSI });
    root.ele(name, { 'i:nil': 'true' });
    const xml = root.end({ headless: true });
    return xml.slice(xml.indexOf('>') + 1, xml.lastIndexOf('</task>'));
  });
  const opens = sorted.map((_, i) => parts[i]!.slice(parts[i]!.lastIndexOf('<')));
  const heads = parts.map((part, i) => (i === 0 ? part.slice(0, part.lastIndexOf('<')) : part.slice(part.indexOf('>') + 1, i < sorted.length ? part.lastIndexOf('<') : undefined)));
  const closes = sorted.map((_, i) => parts[i + 1]!.slice(0, parts[i + 1]!.indexOf('>') + 1));
  // Parts joined once: a flat string, not a rope the journal would keep alive.
  return (task) => {
    const parts: string[] = [heads[0]!];
    for (let i = 0; i < sorted.length; i++) {
      const value = task[sorted[i]!.name] ?? null;
      if (value === null) parts.push(nils[i]!);
      else parts.push(opens[i]!, escapeText(isDate(value) ? formatXmlDate(value) : String(value)), closes[i]!);
      parts.push(heads[i + 1]!);
    }
    return parts.join('');
  };
}
