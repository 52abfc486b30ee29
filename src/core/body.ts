// Turns request bytes into values. Each parser reports failure as data (a
// BodyError) so that each API can answer in its own error shape.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PREDEFINED_ENTITIES, readFlatXml } from './flat-xml.js';

export class BodyError extends Error {
  constructor(
    readonly kind: 'encoding' | 'json' | 'xml' | 'dtd',
    message: string,
  ) {
    super(message);
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

const xmlParser = new XMLParser({
  transformTagName: safeName,
  transformAttributeName: safeName,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Decodes character references (&#233; &#x41;) in one pass with the five
  // predefined entities; any other named entity was refused before parsing.
  htmlEntities: true,
});

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

/**
 * Parses an XML document into { rootName, root }. A DOCTYPE is refused before
 * anything is read, so neither external entities (XXE) nor entity expansion
 * can happen. Flat documents (what clients send) take the fast scanner; the
 * rest the validator and the full parser, with the same result.
 */
export function parseXml(text: string): { rootName: string; root: XmlNode } {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new BodyError('dtd', DTD_PROHIBITED);
  const flat = readFlatXml(text, safeName);
  if (flat) {
    checkReferences(text);
    return flat;
  }
  return parseXmlFully(text);
}

/** The slow way, for every document: fast-xml-parser's validator, the reference check, its parser. */
export function parseXmlFully(text: string): { rootName: string; root: XmlNode } {
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
