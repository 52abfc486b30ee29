// The fast path for the XML bodies clients send: a root whose children are
// elements holding text (or nothing, or i:nil), with whitespace between them.
// A strict scanner reads exactly that and gives what fast-xml-parser would
// give with our options; anything else (nesting, CDATA, comments, mixed
// content, a name it does not know) returns undefined and goes the slow way,
// through the validator and the full parser. test/flat-xml.test.ts checks
// both ways agree on generated documents. Validating and parsing with
// fast-xml-parser was half of a Wello XML create.
import type { XmlNode } from './body.js';

/** ` name="value"`: the qualified name, its local part, and the value in either quotes. */
const ATTRIBUTE = /\s+((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const DECLARATION = /^\uFEFF?(?:<\?xml\s[^?<>]*\?>)?/y;
/** An element's qualified name: an optional prefix, then the local name. */
const OPEN = /<((?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)/y;
/** The five entities XML predefines: with no DTD, the only named ones there are. */
export const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;

/** Text with its references decoded; the references were checked before (checkReferences). */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (_, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
    name ? PREDEFINED_ENTITIES[name]! : String.fromCodePoint(hex ? parseInt(hex, 16) : parseInt(dec!, 10)),
  );
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

interface Tag {
  qualified: string;
  attributes: Record<string, string>;
  /** Every attribute as written (namespace declarations and prefixes kept), for XmlElement. */
  written: [string, string][];
  selfClosing: boolean;
  end: number;
}

/** `<name attr="v" ...>` or `<name .../>` at `at`; undefined when it is anything else. */
function readOpenTag(text: string, at: number): Tag | undefined {
  OPEN.lastIndex = at;
  const open = OPEN.exec(text);
  if (!open) return undefined;
  let position = OPEN.lastIndex;
  const attributes: Record<string, string> = {};
  const written: [string, string][] = [];
  const seen = new Set<string>();
  for (;;) {
    ATTRIBUTE.lastIndex = position;
    const attribute = ATTRIBUTE.exec(text);
    if (!attribute) break;
    const qualifiedName = attribute[1]!;
    if (seen.has(qualifiedName)) return undefined; // a duplicate attribute: the validator's to report
    seen.add(qualifiedName);
    position = ATTRIBUTE.lastIndex;
    const value = decode(attribute[3] ?? attribute[4] ?? '');
    written.push([qualifiedName, value]);
    // removeNSPrefix: namespace declarations are dropped, prefixes removed.
    if (qualifiedName === 'xmlns' || qualifiedName.startsWith('xmlns:')) continue;
    // The @ prefix keeps any attribute name off the prototype (@__proto__ is a plain key).
    attributes[`@${attribute[2]!}`] = value;
  }
  while (position < text.length && /\s/.test(text[position]!)) position++;
  if (text.startsWith('/>', position)) return { qualified: open[1]!, attributes, written, selfClosing: true, end: position + 2 };
  if (text[position] === '>') return { qualified: open[1]!, attributes, written, selfClosing: false, end: position + 1 };
  return undefined;
}

function withAttributes(text: string, attributes: Record<string, string>): XmlNode {
  if (Object.keys(attributes).length === 0) return text;
  return text === '' ? attributes : { '#text': text, ...attributes };
}

/**
 * One element as an XML reader meets it, in document order: what a
 * DataContract reader needs (names with their prefixes and the namespace
 * declarations, to resolve namespaces; the order, which decides what it reads).
 */
export interface XmlElement {
  /** The name as written: `prefix:local` or `local`. */
  qualified: string;
  /** Every attribute as written, namespace declarations included; values decoded. */
  attributes: readonly (readonly [string, string])[];
  /** The element's text (empty when it has none), or undefined when it holds elements. */
  text: string | undefined;
}

/** A document as a reader meets it: the root, then its child elements in document order. */
export interface XmlElements {
  root: XmlElement;
  children: XmlElement[];
}

/**
 * The document as parseXml would give it, or undefined when it is not a flat
 * document this scanner reads. Call only after the DOCTYPE and reference checks.
 */
export function readFlatXml(text: string, safeName: (name: string) => string): { rootName: string; root: XmlNode } | undefined {
  return scan(text, safeName, undefined);
}

/**
 * The same document as parseXmlElements would give it (the root, then its
 * children in document order), or undefined when it is not flat; the object
 * tree is not built. Call only after the DOCTYPE and reference checks.
 */
export function readFlatXmlElements(text: string, safeName: (name: string) => string): XmlElements | undefined {
  const elements: XmlElement[] = [];
  return scan(text, safeName, elements) ? { root: elements[0]!, children: elements.slice(1) } : undefined;
}

/** Both readers' scan: with `elements`, it fills them instead of building the tree (whose root is then ''). */
function scan(text: string, safeName: (name: string) => string, elements: XmlElement[] | undefined): { rootName: string; root: XmlNode } | undefined {
  // Line ends are normalized to \n by XML parsers; a document with \r is left to the full one.
  if (text.includes('\r')) return undefined;
  DECLARATION.lastIndex = 0;
  DECLARATION.exec(text);
  let position = DECLARATION.lastIndex;
  while (position < text.length && /\s/.test(text[position]!)) position++;
  const root = readOpenTag(text, position);
  if (!root) return undefined;
  const rootName = safeName(localName(root.qualified));
  elements?.push({ qualified: safeName(root.qualified), attributes: root.written, text: undefined });
  const rest = (from: number) => /^\s*$/.test(text.slice(from));
  if (root.selfClosing) return rest(root.end) ? { rootName, root: withAttributes('', root.attributes) } : undefined;

  const children: Record<string, XmlNode | XmlNode[]> = {};
  let whitespace = '';
  position = root.end;
  for (;;) {
    const gap = /^[^<]*/.exec(text.slice(position, position + 4096))![0];
    if (gap.length === 4096 || !/^\s*$/.test(gap)) return undefined; // text beside elements: mixed content
    whitespace += gap;
    position += gap.length;
    if (text.startsWith('</', position)) break;
    const child = readOpenTag(text, position);
    if (!child) return undefined;
    let value: XmlNode;
    let content = '';
    if (child.selfClosing) {
      value = withAttributes('', child.attributes);
      position = child.end;
    } else {
      const close = text.indexOf('<', child.end);
      if (close < 0 || !text.startsWith(`</${child.qualified}`, close)) return undefined;
      const after = close + 2 + child.qualified.length;
      const end = /^\s*>/.exec(text.slice(after, after + 64));
      if (!end) return undefined;
      content = text.slice(child.end, close);
      if (content.includes(']]>')) return undefined;
      content = decode(content);
      value = withAttributes(content, child.attributes);
      position = after + end[0].length;
    }
    if (elements) {
      elements.push({ qualified: safeName(child.qualified), attributes: child.written, text: content });
      continue;
    }
    const name = safeName(localName(child.qualified));
    const existing = children[name];
    if (existing === undefined) children[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else children[name] = [existing, value];
  }
  const close = /^<\/([^\s>]+)\s*>/.exec(text.slice(position, position + 256));
  if (!close || close[1] !== root.qualified || !rest(position + close[0].length)) return undefined;
  const hasChildren = elements ? elements.length > 1 : Object.keys(children).length > 0;
  if (!hasChildren) return undefined; // <task>  </task> and the like: rare, and the slow path knows them
  if (elements) return { rootName, root: '' };
  // Keys in fast-xml-parser's order: the children, the text, the attributes.
  const node: Record<string, XmlNode | XmlNode[]> = { ...children, ...(whitespace === '' ? {} : { '#text': whitespace }), ...root.attributes };
  return { rootName, root: node as XmlNode };
}
