// Turns request bytes into values. Each parser reports failure as data (a
// BodyError) so that each API can answer in its own error shape.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PREDEFINED_ENTITIES, readFlatXml, readFlatXmlElements, type XmlElement, type XmlElements } from './flat-xml.js';

export class BodyError extends Error {
  constructor(
    readonly kind: 'encoding' | 'json' | 'xml' | 'dtd' | 'depth',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a body nests deeper than its reader allows: the first container (or
 * element) past the limit, by line and 1-based position (JSON: of its bracket,
 * as Json.NET counts the characters read; XML: of the element's name), and
 * for JSON the reader's path to it. Each API words it its own way; this
 * message is the stub's generic one.
 */
export class NestingError extends BodyError {
  constructor(
    readonly limit: number,
    readonly line: number,
    readonly position: number,
    readonly path = '',
  ) {
    super('depth', `The body is nested more than ${limit} levels deep. Line ${line}, position ${position}.`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: invalid bytes are the client's error, not something to guess at. */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body).replace(/^\uFEFF/, '');
  } catch {
    throw new BodyError('encoding', 'The request body is not valid UTF-8.');
  }
}

// Depth limits are checked before anything that builds or walks a tree sees
// the body: V8's JSON.parse reads any depth, but JSON.stringify, ajv and every
// recursive walk after it overflow the stack somewhere past a few thousand.

/** Whether `text` holds more than `limit` of `a` and `b` together ('{' and '[', or '<'): a body with no more cannot nest deeper, whatever it holds. */
function moreThan(text: string, a: string, b: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (let i = text.indexOf(a); i !== -1; i = text.indexOf(a, i + 1)) if (++count > limit) return true;
  if (b !== a) for (let i = text.indexOf(b); i !== -1; i = text.indexOf(b, i + 1)) if (++count > limit) return true;
  return false;
}

// Json.NET's JsonPosition.BuildPath: a property name holding one of these is written ['name'].
const PATH_SPECIAL = /[. '/"[\]()\t\n\r\f\b\\\u0085\u2028\u2029]/;
const SHORT_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b' };
/** A name inside ['…'], escaped as JavaScriptUtils.WriteEscapedJavaScriptString does for a single quote. */
function escapePathName(name: string): string {
  let out = '';
  for (const c of name) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || c === '\u0085' || c === '\u2028' || c === '\u2029';
    out += SHORT_ESCAPES[c] ?? (control ? `\\u${code.toString(16).padStart(4, '0')}` : c);
  }
  return out;
}

const UNESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

interface Frame {
  object: boolean;
  /** The property being read (objects), or the index of the item being read (arrays; -1 before the first). */
  name: string;
  index: number;
}

function jsonPath(stack: readonly Frame[]): string {
  let path = '';
  for (const frame of stack) {
    if (!frame.object) path += `[${frame.index}]`;
    else if (PATH_SPECIAL.test(frame.name)) path += `['${escapePathName(frame.name)}']`;
    else path += path ? `.${frame.name}` : frame.name;
  }
  return path;
}

/**
 * The first JSON container nested deeper than `limit`, counted as Json.NET's
 * JsonReader counts (JsonReader.Push: the root is depth 1; the container that
 * would make depth limit + 1 is refused), with Json.NET's path to it and its
 * line and position. Reads strings (either quote), comments and unquoted
 * names as Json.NET does; anything else is left to the parser. Linear, no
 * recursion; the common flat body is answered by two indexOf scans.
 */
export function jsonNesting(text: string, limit: number): NestingError | undefined {
  if (!moreThan(text, '{', '[', limit)) return undefined;
  const stack: Frame[] = [];
  let line = 1;
  let lineStart = 0;
  let expectName = false;
  /** A value starts: in an array, it is the next item. */
  const valueStarts = () => {
    const top = stack[stack.length - 1];
    if (top && !top.object) top.index++;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === ':') {
      // nothing to count
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      for (; j < text.length && text[j] !== c; j++) {
        let char = text[j]!;
        if (char === '\\') {
          const escaped = text[++j] ?? '';
          char = escaped === 'u' ? String.fromCharCode(parseInt(text.slice(j + 1, (j += 4) + 1), 16) || 0) : (UNESCAPES[escaped] ?? escaped);
        } else if (char === '\n') {
          line++;
          lineStart = j + 1;
        }
        if (expectName) value += char;
      }
      if (expectName) stack[stack.length - 1]!.name = value;
      else valueStarts();
      expectName = false;
      i = j;
    } else if (c === '{' || c === '[') {
      valueStarts();
      if (stack.length >= limit) return new NestingError(limit, line, i - lineStart + 1, jsonPath(stack));
      stack.push({ object: c === '{', name: '', index: -1 });
      expectName = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = stack[stack.length - 1]?.object ?? false;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      for (let k = i; k < end; k++) {
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else {
      // A number, a literal or an unquoted name: read to its end.
      let j = i;
      while (j + 1 < text.length && !' \t\r\n,:]}[{"\'/'.includes(text[j + 1]!)) j++;
      if (expectName) stack[stack.length - 1]!.name = text.slice(i, j + 1);
      else valueStarts();
      expectName = false;
      i = j;
    }
  }
  return undefined;
}

function positionOf(text: string, index: number): { line: number; position: number } {
  const before = text.slice(0, index);
  return { line: before.split('\n').length, position: index - before.lastIndexOf('\n') };
}

/**
 * The first XML element nested deeper than `limit` (the root is depth 1, as
 * XmlBaseReader.EnterScope counts), with the line and position of its name.
 * Skips comments, CDATA sections, processing instructions and quoted
 * attribute values; well-formedness is left to the parser.
 */
export function xmlNesting(text: string, limit: number): NestingError | undefined {
  if (!moreThan(text, '<', '<', limit)) return undefined;
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const next = text[i + 1];
    if (next === '!') {
      const close = text.startsWith('<!--', i) ? '-->' : text.startsWith('<![CDATA[', i) ? ']]>' : '>';
      const end = text.indexOf(close, i + 2);
      if (end < 0) return undefined;
      i = end;
    } else if (next === '?') {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return undefined;
      i = end;
    } else if (next === '/') {
      depth--;
    } else {
      if (++depth > limit) {
        const { line, position } = positionOf(text, i + 1);
        return new NestingError(limit, line, position);
      }
      // To the end of the start tag, past quoted attribute values (which may hold '>').
      let j = i + 1;
      for (let quote = ''; j < text.length; j++) {
        const c = text[j]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (text[j - 1] === '/') depth--;
      i = j;
    }
  }
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError('json', (error as Error).message);
  }
}

export function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of new URLSearchParams(text)) if (!(name in fields)) fields[name] = value;
  return fields;
}

/** Same words as .NET's XmlReader with DtdProcessing.Prohibit, the ASP.NET default. */
export const DTD_PROHIBITED =
  'For security reasons DTD is prohibited in this XML document. To enable DTD processing set the DtdProcessing property on XmlReaderSettings to Parse and pass the settings into XmlReader.Create method.';

// fast-xml-parser throws on names like __proto__ (prototype pollution); to .NET
// they are just unknown elements, ignored. Renamed so no field can match them.
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const safeName = (name: string) => (UNSAFE_NAMES.has(name) ? `#unsafe:${name}` : name);

/** How both XML parsers read: values as text, nothing resolved beyond the predefined entities. */
const XML_READING = {
  transformTagName: safeName,
  transformAttributeName: safeName,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Decodes character references (&#233; &#x41;) in one pass with the five
  // predefined entities; any other named entity was refused before parsing.
  htmlEntities: true,
  // Above both APIs' own limits (checked first, by xmlNesting, with their own
  // words); the parser's default of 100 refused Wello documents that
  // DataContractSerializer reads (its MaxDepth is 256).
  maxNestedTags: 1000,
} as const;

const xmlParser = new XMLParser({ ...XML_READING, removeNSPrefix: true });

/** References outside CDATA sections and comments, where & is only text. */
const REFERENCE = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);/g;

/** XML 1.0's Char production: what a character reference may name. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function lineAndPosition(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `Line ${line}, position ${index - before.lastIndexOf('\n')}.`;
}

/**
 * What XmlReader refuses and fast-xml-parser would let through: a named
 * entity other than the five predefined ones (there is no DTD to declare it),
 * and a character reference to something that is not an XML character.
 * The wording is .NET's; the position is [inferred].
 */
function checkReferences(text: string): void {
  if (!text.includes('&')) return;
  for (const m of text.matchAll(REFERENCE)) {
    const reference = m[1];
    if (reference === undefined) continue;
    const at = lineAndPosition(text, m.index + 1);
    if (reference.startsWith('#')) {
      const code = reference[1] === 'x' ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
      if (!isXmlChar(code)) {
        // The character itself cannot be shown: it is not one an XML (or JSON) answer can carry.
        throw new BodyError('xml', `'.', hexadecimal value 0x${code.toString(16).toUpperCase().padStart(2, '0')}, is an invalid character. ${at}`);
      }
    } else if (!Object.hasOwn(PREDEFINED_ENTITIES, reference)) {
      throw new BodyError('xml', `Reference to undeclared entity '${reference}'. ${at}`);
    }
  }
}

export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };

/** A DOCTYPE or ENTITY is refused before anything is read: no external entity (XXE), no entity expansion. */
function refuseDtd(text: string): void {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new BodyError('dtd', DTD_PROHIBITED);
}

/**
 * Parses an XML document into { rootName, root }. A DOCTYPE is refused before
 * anything is read, so neither external entities (XXE) nor entity expansion
 * can happen. Flat documents (what clients send) take the fast scanner; the
 * rest the validator and the full parser, with the same result.
 */
export function parseXml(text: string, maxDepth?: number): { rootName: string; root: XmlNode } {
  refuseDtd(text);
  const flat = readFlatXml(text, safeName);
  if (flat) {
    checkReferences(text);
    return flat;
  }
  return parseXmlFully(text, maxDepth);
}

/**
 * The slow way, for every document: the depth check (a NestingError past
 * `maxDepth`), fast-xml-parser's validator, the reference check, its parser.
 */
export function parseXmlFully(text: string, maxDepth?: number): { rootName: string; root: XmlNode } {
  const deep = maxDepth === undefined ? undefined : xmlNesting(text, maxDepth);
  if (deep) throw deep;
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new BodyError('xml', `${msg} Line ${line}, position ${col}.`);
  }
  checkReferences(text);
  let document: Record<string, XmlNode>;
  try {
    document = xmlParser.parse(text) as Record<string, XmlNode>;
  } catch (error) {
    // Whatever else the parser refuses is the client's bad XML, not a 500.
    throw new BodyError('xml', (error as Error).message);
  }
  const names = Object.keys(document);
  if (names.length !== 1) throw new BodyError('xml', 'Root element is missing.');
  const rootName = names[0]!;
  return { rootName, root: document[rootName]! };
}

export type { XmlElement, XmlElements } from './flat-xml.js';

// The same reading as xmlParser, in document order and with prefixes kept: what
// a DataContract reader needs (member order and namespaces decide what it reads).
const orderedParser = new XMLParser({ ...XML_READING, preserveOrder: true, removeNSPrefix: false });

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function orderedElement(node: OrderedNode): { qualified: string; attributes: [string, string][]; children: OrderedNode[] } | undefined {
  const qualified = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
  if (qualified === undefined) return undefined;
  const attributes = Object.entries(node[':@'] ?? {}).map(([name, value]): [string, string] => [name.slice(1), value]);
  return { qualified, attributes, children: node[qualified] as OrderedNode[] };
}

/**
 * The root and its children in document order, with names and namespace
 * declarations as written. Same checks and errors as parseXml (DTD, depth,
 * well-formedness, references); flat documents take the fast scanner.
 */
export function parseXmlElements(text: string, maxDepth?: number): XmlElements {
  refuseDtd(text);
  const flat = readFlatXmlElements(text, safeName);
  if (flat) {
    checkReferences(text);
    return flat;
  }
  return parseXmlElementsFully(text, maxDepth);
}

/** The slow way for parseXmlElements: parseXmlFully's checks, then the ordered parser. */
export function parseXmlElementsFully(text: string, maxDepth?: number): XmlElements {
  parseXmlFully(text, maxDepth);
  let document: OrderedNode[];
  try {
    document = orderedParser.parse(text) as OrderedNode[];
  } catch (error) {
    throw new BodyError('xml', (error as Error).message);
  }
  const root = document.map(orderedElement).find((element) => element !== undefined);
  if (!root) throw new BodyError('xml', 'Root element is missing.');
  const children: XmlElement[] = [];
  for (const node of root.children) {
    const child = orderedElement(node);
    if (!child) continue;
    let text: string | undefined = '';
    for (const inner of child.children) {
      if (typeof inner['#text'] === 'string' && Object.keys(inner).length === 1) text += inner['#text'];
      else text = undefined;
      if (text === undefined) break;
    }
    children.push({ qualified: child.qualified, attributes: child.attributes, text });
  }
  return { root: { qualified: root.qualified, attributes: root.attributes, text: undefined }, children };
}
