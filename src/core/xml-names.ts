// .NET's XmlConvert.EncodeLocalName: how ASP.NET's HttpError writes a
// ModelState key such as "task.subject[0]" as an XML element name. Every
// character an NCName cannot hold becomes _xHHHH_ (8 hex digits beyond the
// BMP), and an underscore that would read as such an escape is escaped too.

const NAME_START = /[A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]/u;
// eslint-disable-next-line no-misleading-character-class -- the combining marks U+0300..U+036F are NameChars by the XML spec, on purpose
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F-\u2040]/u;

const hex = (codePoint: number) => codePoint.toString(16).toUpperCase().padStart(codePoint > 0xffff ? 8 : 4, '0');

export function encodeLocalName(name: string): string {
  let out = '';
  let first = true;
  for (let i = 0; i < name.length; ) {
    const codePoint = name.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    const looksEscaped = char === '_' && /^_x([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})_/.test(name.slice(i));
    const valid = !looksEscaped && (NAME_START.test(char) || (!first && NAME_CHAR.test(char)));
    out += valid ? char : `_x${hex(codePoint)}_`;
    i += char.length;
    first = false;
  }
  return out;
}
