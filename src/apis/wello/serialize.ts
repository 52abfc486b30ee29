// The created task as the real server writes it (API-NOTES API 2, Serialization):
// JSON by Json.NET (keys in the contract's order, nulls written, dates with up
// to 7 digits); XML by DataContractSerializer in the seed's form.
import { create } from 'xmlbuilder2';
import { formatJsonNetDate, formatXmlDate } from '../../core/dotnet-datetime.js';
import { type Field, isDate, type Task } from './fields.js';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export function taskJson(task: Task, fields: readonly Field[]): string {
  const out: Record<string, unknown> = {};
  for (const { name } of fields) {
    const value = task[name] ?? null;
    out[name] = isDate(value) ? formatJsonNetDate(value) : value;
  }
  return JSON.stringify(out);
}

/** `<task xmlns:i="…">`, no default namespace, elements in alphabetical order, nulls as i:nil. */
export function taskXml(task: Task, fields: readonly Field[]): string {
  const root = create().ele('task', { 'xmlns:i': XSI });
  for (const { name } of [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const value = task[name] ?? null;
    if (value === null) root.ele(name, { 'i:nil': 'true' });
    else root.ele(name).txt(isDate(value) ? formatXmlDate(value) : String(value));
  }
  return root.end({ headless: true });
}
