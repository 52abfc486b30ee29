// The Wello request pipeline, stage by stage, each against the real class it follows
// (docs/fidelity.md, Wello): content negotiation (DefaultContentNegotiator), the body's
// character encoding (MediaTypeFormatter.SelectCharacterEncoding), the XML data contract
// (DataContractSerializer) and Json.NET's date strings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseXmlElements } from '../src/core/body.js';
import { formatJsonNetDate, parseJsonNetDateTime } from '../src/core/dotnet-datetime.js';
import { contractOrder, readDataContract, XSI } from '../src/apis/wello/data-contract.js';
import { decodeJsonBody, decodeXmlBody, selectCharacterEncoding } from '../src/apis/wello/encoding.js';
import { negotiate } from '../src/apis/wello/negotiate.js';
import { createStub } from '../src/stub.js';
import { readFileSync } from 'node:fs';
import { taskFields } from '../src/apis/wello/fields.js';
import { readXmlTask } from '../src/apis/wello/read-task.js';
import type { JsonSchema } from '../src/core/schemas.js';
import { agent, FIXED, WELLO_AUTH, welloSeedXml } from './helpers.js';

const PATH = '/api/Task';

/** A create through stub.handle with these exact bytes (supertest would re-serialize a Buffer sent as JSON). */
function createWith(contentType: string, body: Buffer): { status: number; json: { subject?: string; ModelState?: unknown } } {
  const result = createStub(FIXED).handle({ method: 'POST', path: PATH, query: {}, headers: { 'content-type': contentType, accept: 'application/json', authorization: WELLO_AUTH.Authorization }, body });
  assert.ok(result);
  return { status: result.response.status, json: JSON.parse(result.response.body) as { subject?: string; ModelState?: unknown } };
}

describe('Wello content negotiation as DefaultContentNegotiator does it (AspNetWebStack src/System.Net.Http.Formatting/Formatting/DefaultContentNegotiator.cs; docs/fidelity.md, Wello: Content negotiation)', () => {
  const table: [accept: string | undefined, contentType: string | undefined, expected: string, why: string][] = [
    [undefined, undefined, 'application/json', 'no Accept, no body type: MatchType, the first formatter (JSON)'],
    [undefined, 'text/xml', 'text/xml', 'no Accept: MatchRequestMediaType'],
    ['*/*, application/xml', undefined, 'application/xml', 'equal q: the literal match beats */* (SelectResponseMediaTypeFormatter ranks literal, then type/*, then */*)'],
    ['application/xml, */*', undefined, 'application/xml', 'the same in the other order'],
    ['application/xml;q=0.9, application/json;q=0.9', undefined, 'application/json', 'equal q and rank: the formatter registered first (JSON) wins (UpdateBestMatch replaces only on a higher q)'],
    ['application/json;q=0.9, application/xml;q=0.9', undefined, 'application/json', 'the same whatever the header order'],
    ['text/*', undefined, 'text/json', 'text/*: both formatters match by subtype range, JSON first, with its first text/ type'],
    ['application/*', 'text/xml', 'application/json', 'an Accept match beats the request media type'],
    ['*/*', 'application/xml', 'application/json', '*/* matches JSON first: the request media type is never looked at'],
    ['application/xml;q=0.5, */*;q=0.4', undefined, 'application/xml', 'a higher q wins across ranks'],
    ['application/xml;q=0.4, */*;q=0.5', undefined, 'application/json', '*/* with the higher q wins over a literal'],
    ['application/json;q=0.5, */*', undefined, 'application/json', 'JSON takes */* (q=1), sorted before its own literal'],
    ['application/xml;q=0.5, text/*', undefined, 'text/json', 'text/* at q=1: the subtype rank beats the literal at 0.5'],
    ['application/json;q=0, application/xml', undefined, 'application/xml', 'q=0 never matches'],
    ['application/json;q=0, */*', undefined, 'application/json', 'q=0 on JSON, but */* still matches it (MatchAcceptHeader skips only the q=0 range)'],
    ['text/html', 'application/xml', 'application/xml', 'no Accept match: the request media type'],
    ['text/html', 'text/plain', 'application/json', 'no match at all: JSON, never a 406'],
    ['APPLICATION/XML', undefined, 'application/xml', 'media types compare in any letter case'],
    ['application/xml;q=abc, application/json;q=0.9', undefined, 'application/xml', 'a q that does not parse is 1 (HeaderUtilities.GetQuality: null, then FormattingUtilities.Match)'],
    ['application/json;q=0.8, application/xml;q=1.5', undefined, 'application/xml', 'q is not range-checked when read (q=1.5 is 1.5)'],
    ['application/xml; charset=utf-8', undefined, 'application/xml', 'parameters of the range do not matter (IsSubsetOf checks the formatter media type\'s own)'],
  ];
  for (const [accept, contentType, expected, why] of table) {
    it(`Accept ${accept ?? '(none)'}${contentType ? `, Content-Type ${contentType}` : ''} → ${expected}: ${why}`, () => {
      const headers: Record<string, string> = {};
      if (accept !== undefined) headers.accept = accept;
      if (contentType !== undefined) headers['content-type'] = contentType;
      assert.equal(negotiate(headers).mediaType, expected);
    });
  }

  it('answers over HTTP in the negotiated type: Accept */*, application/xml gives XML', async () => {
    const res = await agent().post(PATH).set(WELLO_AUTH).set('Accept', '*/*, application/xml').type('application/json').send('{"subject":"s"}');
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    assert.match(res.text, /^<task /);
  });
});

describe('Wello request encodings (MediaTypeFormatter.SelectCharacterEncoding; SupportedEncodings UTF-8 then UTF-16; docs/fidelity.md, Wello: Route and format)', () => {
  for (const [contentType, expected] of [
    [undefined, 'utf-8'],
    ['application/json', 'utf-8'],
    ['application/json; charset=utf-16', 'utf-16'],
    ['application/json; charset=UTF-16', 'utf-16'],
    ['application/json; charset="utf-16"', 'utf-16'],
    ['application/json; charset=latin1', 'utf-8'],
    ['application/json; charset=utf-16le', 'utf-8'],
    ['application/json; charset=utf8', 'utf-8'],
  ] as const) {
    it(`${contentType ?? '(no Content-Type)'} reads as ${expected}: a charset other than the WebNames utf-8 and utf-16 falls back to the first, UTF-8`, () => {
      assert.equal(selectCharacterEncoding(contentType), expected);
    });
  }

  it('JSON: a byte order mark wins over the charset, as StreamReader detects it (JsonMediaTypeFormatter.CreateJsonReader)', () => {
    const text = '{"subject":"é"}';
    assert.equal(decodeJsonBody(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-8'), text);
    assert.equal(decodeJsonBody(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), 'utf-8'), text);
    assert.equal(decodeJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-16'), text);
    assert.equal(decodeJsonBody(Buffer.from(text, 'utf16le'), 'utf-16'), text);
  });

  it('XML: read in the selected encoding, its own byte order mark dropped (EncodingStreamWrapper.ReadBOMEncoding)', () => {
    const xml = '<task><subject>é</subject></task>';
    assert.equal(decodeXmlBody(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]), 'utf-16').text, xml);
    assert.equal(decodeXmlBody(Buffer.from(xml, 'utf16le'), 'utf-16').text, xml);
    assert.equal(decodeXmlBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]), 'utf-8').text, xml);
  });

  for (const type of ['application/json', 'application/xml']) {
    it(`creates from a UTF-16 ${type} body with and without a byte order mark (charset=utf-16)`, () => {
      const text = type === 'application/json' ? '{"subject":"Grüße 😀"}' : '<task><subject>Grüße 😀</subject></task>';
      for (const body of [Buffer.from(text, 'utf16le'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
        const res = createWith(`${type}; charset=utf-16`, body);
        assert.equal(res.status, 201, JSON.stringify(res.json));
        assert.equal(res.json.subject, 'Grüße 😀');
      }
    });
  }

  it('a latin1 body (charset=latin1) is read as UTF-8, the first supported encoding, so its é is refused with a 400 under task (DecoderExceptionFallbackBuffer.Throw)', () => {
    const res = createWith('application/json; charset=latin1', Buffer.from('{"subject":"caf\u00e9"}', 'latin1'));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.ModelState, { task: ['Unable to translate bytes [E9] at index 15 from specified code page to Unicode.'] });
  });

  it('[inferred] a UTF-16 body with an odd number of bytes is a 400 naming the last byte, not a 500', () => {
    const res = createWith('application/json; charset=utf-16', Buffer.from([0x7b, 0x00, 0x7d]));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.ModelState, { task: ['Unable to translate bytes [7D] at index 2 from specified code page to Unicode.'] });
  });
});

describe('Wello XML data contract (DataContractSerializer: XmlObjectSerializerReadContext.GetMemberIndex, DataMemberComparer; docs/fidelity.md, Wello: Serialization)', () => {
  const contract = { name: 'task', namespace: '', members: contractOrder(['subject', 'remark', 'archived', 'due_date']) };
  const read = (xml: string) => {
    const result = readDataContract(parseXmlElements(xml), contract);
    return result.ok ? Object.fromEntries([...result.members].map(([k, v]) => [k, v.nil ? null : v.text])) : result;
  };

  it('orders members by ordinal name comparison when no DataMember Order is given', () => {
    assert.deepEqual(contractOrder(['subject', 'Zeta', 'archived', 'id2', 'id', '_x']), ['Zeta', '_x', 'archived', 'id', 'id2', 'subject']);
  });

  const table: [xml: string, expected: unknown, why: string][] = [
    ['<task><archived>1</archived><remark>r</remark><subject>s</subject></task>', { archived: '1', remark: 'r', subject: 's' }, 'in contract order: all read'],
    ['<task><subject>s</subject><remark>r</remark></task>', { subject: 's' }, 'remark after subject: skipped (the search starts after the last member read)'],
    ['<task><remark>1</remark><remark>2</remark></task>', { remark: '1' }, 'a repeated member: the second is skipped'],
    ['<task><zzz/><archived>a</archived><unknown>u</unknown><subject>s</subject></task>', { archived: 'a', subject: 's' }, 'unknown elements are skipped wherever they are and do not move the position'],
    ['<task><Subject>S</Subject><subject>s</subject></task>', { subject: 's' }, 'names match in exact letter case only'],
    ['<task xmlns:a="urn:a"><a:subject>x</a:subject><remark xmlns="urn:b">y</remark><subject>s</subject></task>', { subject: 's' }, 'members in another namespace are skipped'],
    ['<task><remark xmlns="urn:b"><x/></remark><subject xmlns="">s</subject></task>', { subject: 's' }, 'xmlns="" is the empty namespace again'],
    [`<task xmlns:i="${XSI}"><remark i:nil="true"/><subject i:nil="1"/></task>`, { remark: null, subject: null }, 'i:nil true or 1 in the XSI namespace is null'],
    [`<task xmlns:x="urn:not-xsi"><remark x:nil="true"/></task>`, { remark: '' }, 'nil in another namespace is an ordinary attribute'],
    [`<task xmlns:i="${XSI}"><remark i:nil="false">r</remark></task>`, { remark: 'r' }, 'nil false reads the value'],
    ['<task/>', {}, 'no members'],
    ['<task xmlns="urn:x"><subject>s</subject></task>', { ok: false, localName: 'task', namespace: 'urn:x' }, 'a root in another namespace is refused'],
    ['<Task><subject>s</subject></Task>', { ok: false, localName: 'Task', namespace: '' }, 'the root name matches in exact letter case only'],
    ['<w:task xmlns:w="urn:w"/>', { ok: false, localName: 'task', namespace: 'urn:w' }, 'a prefixed root in its own namespace is refused'],
  ];
  for (const [xml, expected, why] of table) {
    it(`${xml} → ${JSON.stringify(expected)}: ${why}`, () => assert.deepEqual(read(xml), expected));
  }

  it('reads the same members whether the flat scanner or the full parser read the document (a comment turns the full parser on)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('archived', 'remark', 'subject', 'other', 'Subject'), { maxLength: 8 }), (names) => {
        const children = names.map((n, i) => `<${n}>${i}</${n}>`).join('');
        assert.deepEqual(read(`<task>${children}</task>`), read(`<task><!-- c -->${children}</task>`));
        // The reference: the first of each member whose contract position is past the last one read.
        const expected: Record<string, string> = {};
        let last = -1;
        names.forEach((n, i) => {
          const position = contract.members.indexOf(n);
          if (position > last) {
            expected[n] = String(i);
            last = position;
          }
        });
        assert.deepEqual(read(`<task>${children}</task>`), expected);
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });

  it('reads all 23 members of the seed\'s XML sample: the seed writes them in contract order (seed lines 174-198)', () => {
    const fields = taskFields(JSON.parse(readFileSync(new URL('../schemas/wello/task.schema.json', import.meta.url), 'utf8')) as JsonSchema);
    const read = readXmlTask(welloSeedXml(), fields);
    assert.deepEqual(read.modelState, []);
    assert.equal(read.values.size, 23);
  });

  it('over HTTP: a member in a default namespace is not read, so a subject there is missing (400 The subject field is required.)', async () => {
    const res = await agent().post(PATH).set(WELLO_AUTH).type('application/xml').set('Accept', 'application/json').send('<task><subject xmlns="urn:x">s</subject></task>');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.ModelState, { 'task.subject': ['The subject field is required.'] });
  });
});

describe('Wello JSON dates as Json.NET reads them with default settings (JsonReader.ReadDateTimeString, DateTimeUtils.TryParseDateTime; docs/fidelity.md, Wello: Serialization)', () => {
  const table: [text: string, written: string | undefined, why: string][] = [
    ['2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z', 'ISO 8601 (TryParseDateTimeIso)'],
    ['2026-12-01T10:00:00.1234567+02:00', '2026-12-01T08:00:00.1234567+00:00', 'an offset: Local, in the server\'s zone'],
    ['/Date(0)/', '1970-01-01T00:00:00Z', '/Date(ms)/ (TryParseDateTimeMicrosoft): Utc'],
    ['/Date(1764583200000)/', '2025-12-01T10:00:00Z', '/Date(ms)/ with a real timestamp'],
    ['/Date(-86400000)/', '1969-12-31T00:00:00Z', 'negative ms: before the epoch'],
    ['/Date(1764583200000+0100)/', '2025-12-01T10:00:00+00:00', 'an offset makes it Local (ToLocalTime), its value unused'],
    ['/Date(1764583200000-05)/', '2025-12-01T10:00:00+00:00', 'an offset of hours only'],
    ['/Date(abc)/', undefined, 'not a number: refused'],
    ['/Date()/', undefined, 'empty: refused'],
    ['2026-12-01', '2026-12-01T00:00:00', 'date only: DateTime.TryParse, Unspecified'],
    ['2026-12-01 10:30', '2026-12-01T10:30:00', 'a space and no seconds: DateTime.TryParse'],
    ['12/01/2026', '2026-12-01T00:00:00', '[assumption: DateTime.TryParse, invariant culture] MM/dd/yyyy is month first'],
    ['1/2/2026 3:04 PM', '2026-01-02T15:04:00', '[assumption: DateTime.TryParse, invariant culture] M/d/yyyy h:mm tt'],
    ['2026/1/2 10:00:05', '2026-01-02T10:00:05', '[assumption: DateTime.TryParse, invariant culture] yyyy/M/d'],
    ['1/2/29', '2029-01-02T00:00:00', '[assumption: DateTime.TryParse, invariant culture] two-digit years up to 29 are 20xx'],
    ['1/2/30', '1930-01-02T00:00:00', '[assumption: DateTime.TryParse, invariant culture] two-digit years from 30 are 19xx'],
    ['13/01/2026', undefined, '[assumption: DateTime.TryParse, invariant culture] no month 13 (day-first is not the invariant culture)'],
    ['2/29/2025', undefined, 'no 29 February in 2025'],
    ['soon', undefined, 'not a date'],
  ];
  for (const [text, written, why] of table) {
    it(`"${text}" → ${written ?? 'refused'}: ${why}`, () => {
      const date = parseJsonNetDateTime(text);
      assert.equal(date && formatJsonNetDate(date), written);
    });
  }

  it('over HTTP: "\\/Date(ms)\\/" in a JSON body is a date; XML (XmlConvert) still refuses it, under task (XmlMediaTypeFormatter.ReadFromStream)', async () => {
    const json = await agent().post(PATH).set(WELLO_AUTH).type('application/json').send('{"subject":"s","due_date":"\\/Date(1764583200000)\\/"}');
    assert.equal(json.status, 201, json.text);
    assert.equal(json.body.due_date, '2025-12-01T10:00:00Z');
    const xml = await agent().post(PATH).set(WELLO_AUTH).type('application/xml').set('Accept', 'application/json').send('<task><due_date>/Date(1764583200000)/</due_date><subject>s</subject></task>');
    assert.equal(xml.status, 400);
    // Under task alone, wrapped: XmlMediaTypeFormatter.ReadFromStream logs ReadObject's exception with LogError(String.Empty, e).
    assert.deepEqual(xml.body.ModelState, { task: ["There was an error deserializing the object of type task. The value '/Date(1764583200000)/' cannot be parsed as the type 'DateTime'."] });
  });
});
