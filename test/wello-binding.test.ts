// How Wello's formatters refuse bodies in the wrong encoding or with what the XML reader
// does not take, each case against the real class and method it follows
// (docs/fidelity.md, Wello: Route and format, Validation errors and Serialization).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decoderFallbackMessage, firstInvalidUtf8 } from '../src/apis/wello/encoding.js';
import { firstContentProblem } from '../src/apis/wello/xml-content.js';
import { contentTypeFor, negotiate } from '../src/apis/wello/negotiate.js';
import { createStub } from '../src/stub.js';
import { validateRequest } from '../src/validate.js';
import { runCli } from './cli-helpers.js';
import { agent, FIXED, WELLO_AUTH } from './helpers.js';

interface Answer {
  status: number;
  body: { subject?: string; remark?: string | null; ModelState?: Record<string, string[]> };
}

/** A create through stub.handle with these exact bytes. */
function create(contentType: string, body: Buffer | string): Answer {
  const result = createStub(FIXED).handle({
    method: 'POST',
    path: '/api/Task',
    query: {},
    headers: { 'content-type': contentType, accept: 'application/json', authorization: WELLO_AUTH.Authorization },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  });
  assert.ok(result);
  return { status: result.response.status, body: JSON.parse(result.response.body) as Answer['body'] };
}

const utf16 = (text: string, bom = false) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const XML = 'application/xml';
const JSON_TYPE = 'application/json';
const WRAP = 'There was an error deserializing the object of type task. ';

describe('Wello JSON bytes the encoding refuses: UTF8Encoding(false, true) / UnicodeEncoding(false, true, true) in StreamReader (AspNetWebStack src/System.Net.Http.Formatting/Formatting/BaseJsonMediaTypeFormatter.cs constructor and ReadFromStream; dotnet/runtime DecoderExceptionFallbackBuffer.Throw)', () => {
  const table: [name: string, contentType: string, body: Buffer, message: string][] = [
    ['a lone continuation byte', JSON_TYPE, bytes('{"subject":"a', [0x80], '"}'), 'Unable to translate bytes [80] at index 13 from specified code page to Unicode.'],
    ['0xFF, never in UTF-8', JSON_TYPE, bytes('{"subject":"', [0xff], '"}'), 'Unable to translate bytes [FF] at index 12 from specified code page to Unicode.'],
    ['[inferred] a sequence cut short: its maximal start is named', JSON_TYPE, bytes('{"subject":"', [0xe2, 0x82], 'x"}'), 'Unable to translate bytes [E2][82] at index 12 from specified code page to Unicode.'],
    ['an overlong form (C0 80)', JSON_TYPE, bytes('{"subject":"', [0xc0, 0x80], '"}'), 'Unable to translate bytes [C0] at index 12 from specified code page to Unicode.'],
    ['an encoded surrogate (ED A0 80)', JSON_TYPE, bytes('{"subject":"', [0xed, 0xa0, 0x80], '"}'), 'Unable to translate bytes [ED] at index 12 from specified code page to Unicode.'],
    ['after a UTF-8 byte order mark, the index counts from after it (StreamReader.DetectEncoding compresses the buffer)', JSON_TYPE, bytes([0xef, 0xbb, 0xbf], '{"subject":"', [0xff], '"}'), 'Unable to translate bytes [FF] at index 12 from specified code page to Unicode.'],
    ['UTF-16: a lone low surrogate', `${JSON_TYPE}; charset=utf-16`, Buffer.concat([utf16('{"subject":"'), Buffer.from([0x00, 0xdc]), utf16('"}')]), 'Unable to translate bytes [00][DC] at index 24 from specified code page to Unicode.'],
    ['UTF-16: a high surrogate followed by a letter', `${JSON_TYPE}; charset=utf-16`, Buffer.concat([utf16('{"subject":"'), Buffer.from([0x3d, 0xd8]), utf16('x"}')]), 'Unable to translate bytes [3D][D8] at index 24 from specified code page to Unicode.'],
  ];
  for (const [name, contentType, body, message] of table) {
    it(`${name}: 400 under task, DecoderFallbackException's message`, () => {
      const res = create(contentType, body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.ModelState, { task: [message] });
    });
  }

  it('DecoderExceptionFallbackBuffer.Throw shows at most 20 bytes, then " ..."', () => {
    assert.equal(decoderFallbackMessage(Buffer.alloc(21, 0xff), 0), `Unable to translate bytes ${'[FF]'.repeat(20)} ... at index 0 from specified code page to Unicode.`);
  });

  it('firstInvalidUtf8 agrees with TextDecoder on where the first replacement character goes', () => {
    for (const sample of [[0x61, 0xf0, 0x9f, 0x98], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0x80], [0x61, 0xc3, 0xa9, 0xff]]) {
      const body = Buffer.from(sample);
      const invalid = firstInvalidUtf8(body);
      assert.ok(invalid);
      const valid = new TextDecoder().decode(body.subarray(0, invalid.at));
      assert.equal(new TextDecoder().decode(body).indexOf('\uFFFD'), valid.length);
    }
  });
});

describe('Wello XML byte order marks and declarations: XmlDictionaryReader.CreateTextReader(stream, encoding, …) through EncodingStreamWrapper (dotnet/runtime src/libraries/System.Private.DataContractSerialization/src/System/Xml/EncodingStreamWrapper.cs: reading constructor, ReadBOMEncoding, CheckUTF8DeclarationEncoding; XmlMediaTypeFormatter.CreateXmlReader)', () => {
  const task = '<task><subject>s</subject></task>';
  const table: [name: string, contentType: string, body: Buffer, message: string | undefined][] = [
    ['a UTF-16 byte order mark on a body the charset does not name: the charset (UTF-8) is the expected encoding', XML, utf16(task, true), "The expected encoding 'utf-8' does not match the actual encoding 'utf-16LE'."],
    ['UTF-16 without a mark (`<` then 00) declared UTF-8', XML, utf16(task), "The expected encoding 'utf-8' does not match the actual encoding 'utf-16LE'."],
    ['a UTF-8 byte order mark on a body declared charset=utf-16', `${XML}; charset=utf-16`, bytes([0xef, 0xbb, 0xbf], task), "The expected encoding 'utf-16LE' does not match the actual encoding 'utf-8'."],
    ['UTF-8 text declared charset=utf-16', `${XML}; charset=utf-16`, bytes(task), "The expected encoding 'utf-16LE' does not match the actual encoding 'utf-8'."],
    ['big-endian UTF-16 (FE FF): never one of the formatter\'s encodings', `${XML}; charset=utf-16`, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(task, 'utf16le').swap16()]), "The expected encoding 'utf-16LE' does not match the actual encoding 'utf-16BE'."],
    ['encoding="utf-16" in a UTF-8 body', XML, bytes(`<?xml version="1.0" encoding="utf-16"?>${task}`), "The encoding in the declaration 'utf-16' does not match the encoding of the document 'utf-8'."],
    ['encoding="ISO-8859-1" in a UTF-8 body: the name as written', XML, bytes(`<?xml version="1.0" encoding="ISO-8859-1"?>${task}`), "The encoding in the declaration 'ISO-8859-1' does not match the encoding of the document 'utf-8'."],
    ['encoding="utf-8" in a UTF-16 body', `${XML}; charset=utf-16`, utf16(`<?xml version="1.0" encoding="utf-8"?>${task}`, true), "The encoding in the declaration 'utf-8' does not match the encoding of the document 'utf-16LE'."],
    ['encoding="UTF-8" in a UTF-8 body: compared in any letter case', XML, bytes(`<?xml version="1.0" encoding="UTF-8"?>${task}`), undefined],
    ['encoding="utf-16" in a UTF-16 body: names either UTF-16', `${XML}; charset=utf-16`, utf16(`<?xml version="1.0" encoding="utf-16"?>${task}`), undefined],
    ['a declaration without encoding', XML, bytes(`<?xml version="1.0"?>${task}`), undefined],
    ['a declaration whose second "=" comes before the 28th byte', XML, bytes(`<?xml version="1" encoding="utf-8"?>${task}`), 'Malformed XML declaration.'],
    ['fewer than 4 bytes: ReadBOMEncoding reads four', XML, bytes('<a/'), 'Unexpected end of file.'],
    ['UTF-16 with an odd number of bytes (CleanupCharBreak)', `${XML}; charset=utf-16`, Buffer.concat([utf16(task), Buffer.from([0x20])]), 'Unexpected end of file.'],
    ['a lone surrogate in the first UTF-16 read: the constructor throws SR.XmlInvalidBytes, unwrapped', `${XML}; charset=utf-16`, Buffer.concat([utf16('<task><subject>'), Buffer.from([0x00, 0xdc]), utf16('</subject></task>')]), 'Invalid byte encoding.'],
    [
      'a lone surrogate past the first 254 bytes: Read() throws while ReadObject reads, so the serializer wraps it',
      `${XML}; charset=utf-16`,
      Buffer.concat([utf16(`<task><remark>${'r'.repeat(200)}</remark><subject>`), Buffer.from([0x00, 0xdc]), utf16('</subject></task>')]),
      `${WRAP}Invalid byte encoding.`,
    ],
  ];
  for (const [name, contentType, body, message] of table) {
    it(`${name}: ${message ?? '201'}`, () => {
      const res = create(contentType, body);
      if (message === undefined) {
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.subject, 's');
      } else {
        assert.equal(res.status, 400);
        assert.deepEqual(res.body.ModelState, { task: [message] });
      }
    });
  }
});

describe('Wello XML bytes UTF-8 refuses: EncodingStreamWrapper passes UTF-8 through; XmlBufferReader.GetChars → XmlConverter.ToChars throws SR.XmlInvalidUTF8Bytes when it makes a string (dotnet/runtime XmlBufferReader.cs, XmlConverter.cs, XmlExceptionHelper.CreateEncodingException)', () => {
  const table: [name: string, body: Buffer, expected: string | undefined][] = [
    ['in a member\'s text: the text from its first byte over 0x7F, U+FFFD for the bad byte', bytes('<task><subject>ab', [0xff], 'c</subject></task>'), `${WRAP}'\uFFFDc' contains invalid UTF8 bytes.`],
    ['after a valid é, the quote starts at the é', bytes('<task><subject>caf', [0xc3, 0xa9, 0xff], '</subject></task>'), `${WRAP}'é\uFFFD' contains invalid UTF8 bytes.`],
    ['in an element\'s name, read even when the element is skipped (ReadQualifiedName → VerifyNCName)', bytes('<task><x', [0xff], '>1</x', [0xff], '><subject>s</subject></task>'), `${WRAP}'\uFFFD' contains invalid UTF8 bytes.`],
    ['in a comment or an unknown element\'s text: never made a string, so the task is created', bytes('<task><!-- ', [0xff], ' --><other>', [0xff], '</other><subject>s</subject></task>'), undefined],
  ];
  for (const [name, body, expected] of table) {
    it(`${name}`, () => {
      const res = create(XML, body);
      if (expected === undefined) assert.equal(res.status, 201, JSON.stringify(res.body));
      else assert.deepEqual(res.body.ModelState, { task: [expected] });
    });
  }
});

describe('Wello XML the reader refuses in a well-formed body (dotnet/runtime XmlBaseReader.LookupNamespace → XmlExceptionHelper.ThrowUndefinedPrefix; XmlObjectSerializerReadContext.HandleMemberNotFound → CreateUnexpectedStateException; XmlUTF8TextReader.ReadDeclaration)', () => {
  const table: [name: string, body: string, expected: Record<string, string[]> | string][] = [
    ['an element prefix never declared', '<task><a:subject>s</a:subject></task>', { task: [`${WRAP}The prefix 'a' is not defined. Line 1, position 17.`] }],
    ['i:nil without xmlns:i: the attribute\'s prefix', '<task><subject>s</subject><remark i:nil="true"/></task>', { task: [`${WRAP}The prefix 'i' is not defined. Line 1, position 47.`] }],
    ['the root\'s own prefix: before the root name is checked', '<a:task><subject>s</subject></a:task>', { task: [`${WRAP}The prefix 'a' is not defined. Line 1, position 8.`] }],
    ['inside an element that is skipped', '<task><other><a:x/></other><subject>s</subject></task>', { task: [`${WRAP}The prefix 'a' is not defined. Line 1, position 18.`] }],
    ['a prefix declared on the element itself is in scope', '<task><a:other xmlns:a="urn:x" a:b="1"/><subject>s</subject></task>', 's'],
    ['a conversion error in a member before the bad prefix comes first (the members are read in document order; under task, as XmlMediaTypeFormatter.ReadFromStream logs it)', '<task><due_date>nope</due_date><a:subject>s</a:subject></task>', { task: [`${WRAP}The value 'nope' cannot be parsed as the type 'DateTime'.`] }],
    ['text before the first member', '<task>abc<subject>s</subject></task>', { task: ["Error in line 1 position 10. Expecting state 'Element'.. Encountered 'Text'  with name '', namespace ''. "] }],
    ['text between members, on its own line', '<task><remark>r</remark>\n  oops\n<subject>s</subject></task>', { task: ["Error in line 2 position 8. Expecting state 'Element'.. Encountered 'Text'  with name '', namespace ''. "] }],
    ['text after the last member', '<task><remark>r</remark><subject>s</subject>tail</task>', { task: ["Error in line 1 position 49. Expecting state 'Element'.. Encountered 'Text'  with name '', namespace ''. "] }],
    ['a character reference to a letter is text', '<task>&#65;<subject>s</subject></task>', { task: ["Error in line 1 position 12. Expecting state 'Element'.. Encountered 'Text'  with name '', namespace ''. "] }],
    ['CDATA between members', '<task><subject>s</subject><![CDATA[x]]></task>', { task: ["Error in line 1 position 40. Expecting state 'Element'.. Encountered 'CDATA'  with name '', namespace ''. "] }],
    ['a comment between members: MoveToContent steps over it', '<task><remark>r</remark><!-- note --><subject>s</subject></task>', 's'],
    ['whitespace and a reference to a space between members: whitespace', '<task>\n\t&#32;<subject>s</subject>\r\n</task>', 's'],
    ['a processing instruction inside the root', '<task><?pi x?><subject>s</subject></task>', { task: [`${WRAP}Processing instructions (other than the XML declaration) and DTDs are not supported. Line 1, position 8.`] }],
  ];
  for (const [name, body, expected] of table) {
    it(`${name}${typeof expected === 'string' ? ': created' : ''}`, () => {
      const res = create(XML, body);
      if (typeof expected === 'string') {
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.subject, expected);
      } else {
        assert.equal(res.status, 400);
        assert.deepEqual(res.body.ModelState, expected);
      }
    });
  }

  it('the common body needs no walk: the seed-like document has no content problem', () => {
    assert.equal(firstContentProblem('<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\n  <remark i:nil="true"/>\n  <subject>s</subject>\n</task>'), undefined);
  });
});

describe('Wello response charset: DefaultContentNegotiator.SelectResponseCharacterEncoding (AspNetWebStack src/System.Net.Http.Formatting/Formatting/DefaultContentNegotiator.cs; StringWithQualityHeaderValueComparer.cs; MediaTypeFormatter.SelectCharacterEncoding)', () => {
  const table: [acceptCharset: string | undefined, contentType: string | undefined, expected: 'utf-8' | 'utf-16', why: string][] = [
    [undefined, undefined, 'utf-8', 'nothing asked: the first supported encoding'],
    ['utf-16', undefined, 'utf-16', 'an Accept-Charset WebName'],
    ['UTF-16', undefined, 'utf-16', 'compared in any letter case (OrdinalIgnoreCase)'],
    ['*', 'application/json; charset=utf-16', 'utf-8', '`*` takes the first supported encoding, before the request charset is looked at'],
    ['utf-8;q=0.5, utf-16', undefined, 'utf-16', 'sorted by q, highest first'],
    ['*, utf-16', undefined, 'utf-16', 'on equal q a `*` sorts after any other value'],
    ['utf-16;q=0, *;q=0.1', undefined, 'utf-8', 'q=0 never matches'],
    ['iso-8859-1', 'application/xml; charset=utf-16', 'utf-16', 'no Accept-Charset match: the request\'s charset (SelectCharacterEncoding on its Content-Type)'],
    ['utf-16;q=0', 'application/json', 'utf-8', 'no match: the request has no charset, so the first'],
    [undefined, 'application/json; charset=UTF-16', 'utf-16', 'no Accept-Charset: the request\'s charset'],
    ['[inferred] utf-16;q=2', undefined, 'utf-8', 'a q above 1 makes the value invalid, so it is left out'],
  ];
  for (const [acceptCharset, contentType, expected, why] of table) {
    it(`Accept-Charset ${acceptCharset ?? '(none)'}${contentType ? `, Content-Type ${contentType}` : ''} → ${expected}: ${why}`, () => {
      const headers: Record<string, string> = {};
      if (acceptCharset !== undefined) headers['accept-charset'] = acceptCharset.replace('[inferred] ', '');
      if (contentType !== undefined) headers['content-type'] = contentType;
      assert.equal(negotiate(headers).charset, expected);
      assert.equal(contentTypeFor(negotiate({ ...headers, accept: 'application/xml' })), `application/xml; charset=${expected}`);
    });
  }

  for (const [accept, starts] of [['application/json', '{'], ['application/xml', '<task ']] as const) {
    it(`[inferred: the formatter writes UnicodeEncoding's byte order mark into Web API's fresh buffer] over HTTP, Accept ${accept} with Accept-Charset utf-16: FF FE, then UTF-16LE, with charset=utf-16 and the byte length`, async () => {
      const res = await agent()
        .post('/api/Task')
        .set(WELLO_AUTH)
        .set('Accept', accept)
        .set('Accept-Charset', 'utf-16')
        .type('application/json')
        .send('{"subject":"Grüße"}')
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        });
      assert.equal(res.status, 201);
      assert.equal(res.headers['content-type'], `${accept}; charset=utf-16`);
      const body = res.body as Buffer;
      assert.deepEqual([...body.subarray(0, 2)], [0xff, 0xfe]);
      assert.equal(Number(res.headers['content-length']), body.length);
      const text = body.subarray(2).toString('utf16le');
      assert.ok(text.startsWith(starts), text);
      assert.match(text, /Grüße/);
    });
  }

  it('a UTF-16 request without Accept-Charset is answered in UTF-16, errors too (the same negotiation)', async () => {
    const res = await agent()
      .post('/api/Task')
      .set(WELLO_AUTH)
      .set('Content-Type', 'application/json; charset=utf-16')
      .serialize((body: Buffer) => body as unknown as string) // the bytes as they are (superagent would write a Buffer as JSON)
      .send(Buffer.from('{"subject":""}', 'utf16le'))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-16');
    assert.deepEqual(JSON.parse((res.body as Buffer).subarray(2).toString('utf16le')), { Message: 'The request is invalid.', ModelState: { 'task.subject': ['The subject field is required.'] } });
  });

  it('UTF-8 answers stay as they were: charset=utf-8 and no byte order mark', async () => {
    const res = await agent().post('/api/Task').set(WELLO_AUTH).type('application/json').send('{"subject":"s"}');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.text[0], '{');
  });
});

describe('taskstub validate warns of Wello XML members the server skips without a word (XmlObjectSerializerReadContext.GetMemberIndex looks only after the last member read; HandleMemberNotFound → SkipUnknownElement)', () => {
  it('a member after a later one: no error, one warning naming both', () => {
    const { errors, warnings } = validateRequest('wello', '<task><subject>s</subject><remark>r</remark></task>', 'xml');
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, [
      { path: '/remark', message: '<remark> comes after <subject>; DataContractSerializer reads members in alphabetical order and skips one out of order, so the server ignores it (put <remark> before <subject>)' },
    ]);
  });

  it('a member given twice: the second is ignored', () => {
    const { warnings } = validateRequest('wello', '<task><remark>a</remark><remark>b</remark><subject>s</subject></task>', 'xml');
    assert.deepEqual(warnings, [{ path: '/remark', message: '<remark> appears again after <remark>; DataContractSerializer reads a member once, so the server ignores this one' }]);
  });

  it('members in contract order, unknown elements, and JSON bodies give no warning', () => {
    assert.deepEqual(validateRequest('wello', '<task><other/><remark>r</remark><subject>s</subject><zzz/></task>', 'xml').warnings, []);
    assert.deepEqual(validateRequest('wello', '{"subject":"s","remark":"r"}', 'json').warnings, []);
  });

  it('the CLI prints the warning after the verdict and still exits 0', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'taskstub-wello-')), 'task.xml');
    writeFileSync(path, '<task><subject>s</subject><remark>r</remark></task>');
    const run = await runCli(['validate', 'wello', path]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid wello request \(read as XML\)\n {2}warning \/remark: <remark> comes after <subject>/);
  });
});

describe('Wello JSON dates past Json.NET\'s own parsers: JsonReader.ReadDateTimeString falls back to DateTime.TryParse(s, InvariantCulture, DateTimeStyles.RoundtripKind) (Newtonsoft.Json Src/Newtonsoft.Json/JsonReader.cs; .NET DateTimeParse not read here, so these are assumptions)', () => {
  const table: [text: string, written: string | undefined][] = [
    ['2026-12-01 10:00', '2026-12-01T10:00:00'],
    ['12/01/2026', '2026-12-01T00:00:00'],
    ['2026-12-01T10:00:00 +02:00', '2026-12-01T08:00:00+00:00'],
    ['1 Dec 2026', '2026-12-01T00:00:00'],
    ['Dec 1, 2026', '2026-12-01T00:00:00'],
    ['December 1 2026', '2026-12-01T00:00:00'],
    ['dec 1 2026 3:05 PM', '2026-12-01T15:05:00'],
    ['Tue, 01 Dec 2026 10:00:00 GMT', '2026-12-01T10:00:00Z'],
    ['1 Dec 2026 10:00 +0100', '2026-12-01T09:00:00+00:00'],
    ['31 Feb 2026', undefined],
    ['1 Foo 2026', undefined],
  ];
  for (const [text, written] of table) {
    it(`[assumption] "${text}" → ${written ?? 'Could not convert string to DateTime'}`, () => {
      const res = create(JSON_TYPE, JSON.stringify({ subject: 's', due_date: text }));
      if (written === undefined) {
        assert.equal(res.status, 400);
        assert.match(res.body.ModelState?.['task.due_date']?.[0] ?? '', new RegExp(`^Could not convert string to DateTime: ${text}\\.`));
      } else {
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal((res.body as Record<string, unknown>).due_date, written);
      }
    });
  }
});
