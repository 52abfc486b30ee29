// XML is made from the JSON: root <result>, elements in the JSON key order
// (docs/fidelity.md, ONLYOFFICE: Envelope). The real server turns the JSON text
// into an XDocument with Json.NET and writes it with XDocument.ToString(
// SaveOptions.DisableFormatting) (ASC.Api/Impl/Serializers/JsonNetSerializer.cs,
// RespondTo); this writer gives the same text from the same object.

export const XML_UTF8 = 'text/xml; charset=utf-8';

// XmlWriter escapes these three in text content; quotes and apostrophes stay as they are.
const TEXT_ESCAPES = /[&<>]/g;
const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeText = (text: string): string => (/[&<>]/.test(text) ? text.replace(TEXT_ESCAPES, (c) => ESCAPED[c]!) : text);

/**
 * One element. An element with no content is written self-closed with a space, `<data />`, as XmlWriter
 * writes an XElement that IsEmpty: Json.NET's XmlNodeConverter makes one for JSON `null` (a contact's
 * currency) and for `{}` (an error's data). A string, even "", becomes a text node, so "" is `<x></x>`.
 */
function append(parts: string[], name: string, value: unknown): void {
  if (value === undefined) return;
  if (value === null) {
    parts.push(`<${name} />`);
    return;
  }
  // XmlNodeConverter writes an array as one element per item, each named as the array's member, and nothing for
  // an empty one: a list's `response` is repeated <response> elements under <result> [inferred].
  if (Array.isArray(value)) {
    for (const item of value) append(parts, name, item);
    return;
  }
  if (typeof value === 'object') {
    const open = parts.push(`<${name}>`) - 1;
    for (const key in value) append(parts, key, (value as Record<string, unknown>)[key]);
    if (parts.length === open + 1) parts[open] = `<${name} />`;
    else parts.push(`</${name}>`);
    return;
  }
  parts.push(`<${name}>${escapeText(String(value))}</${name}>`);
}

/** `{"result": body}` as the real server writes it: no XML declaration, no indentation. */
export function renderXmlResult(body: Record<string, unknown>): string {
  const parts: string[] = [];
  append(parts, 'result', body);
  return parts.join('');
}
