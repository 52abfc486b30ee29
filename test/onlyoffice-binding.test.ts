// ONLYOFFICE's binding pipeline, stage by stage (docs/fidelity.md, ONLYOFFICE: Binding):
// collect (ApiArgumentBuilder.GetRequestParams + JsonConvert.DeserializeXNode + FillCollectionFromXElement),
// convert (ConvertUtils.GetConverted: the .NET TypeConverters), and binding before the method body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { collectRequest, jsonNetString, jsonToXNodeValues, xmlConvertNumber } from '../src/apis/onlyoffice/collect.js';
import { toApiDateTime, toBoolean, toGuid, toInt32 } from '../src/apis/onlyoffice/convert.js';
import { isApiDateTime } from '../src/apis/onlyoffice/api-datetime.js';
import { agent, TOKEN, VALID } from './helpers.js';

const PATH = '/api/2.0/crm/task';
const entries = (m: Map<string, string[]>): [string, string[]][] => [...m];

describe('collect: Json.NET reader dates written back by XmlConvert (DateTimeUtils.TryParseDateTime, XmlNodeConverter.ConvertTokenToXmlValue)', () => {
  const table: [string, string][] = [
    ['2025-12-01T10:00:00.100Z', '2025-12-01T10:00:00.1Z'], // trailing zeros dropped (XmlConvert, FFFFFFF)
    ['2025-12-01T10:00:00.000Z', '2025-12-01T10:00:00Z'], // no fraction left: no dot
    ['2025-12-01T10:00:00.1234567Z', '2025-12-01T10:00:00.1234567Z'],
    ['2025-12-01T10:00:00.12345678Z', '2025-12-01T10:00:00.12345678Z'], // an 8th digit: DateTimeParser fails, the text stays
    ['2025-12-01T10:00:00', '2025-12-01T10:00:00'], // Unspecified: no suffix
    ['2025-12-01T10:00:00.500', '2025-12-01T10:00:00.5'],
    ['2025-12-01T10:00:00z', '2025-12-01T10:00:00Z'],
    ['2025-12-01T12:00:00+02:00', '2025-12-01T10:00:00+00:00'], // to the server's local time, UTC [inferred]
    ['2025-12-01T12:00:00+0200', '2025-12-01T10:00:00+00:00'],
    ['2025-12-01T12:00:00+02', '2025-12-01T10:00:00+00:00'],
    ['2025-12-01T24:00:00Z', '2025-12-02T00:00:00Z'], // hour 24 is the next day (DateTimeParser.ParseTime, CreateDateTime)
    ['2025-12-01T10-00-00.000Z', '2025-12-01T10-00-00.000Z'], // the seed's hyphen form is no date for Json.NET
    ['2025-02-29T10:00:00Z', '2025-02-29T10:00:00Z'], // not a day of 2025: stays text
    ['2025-12-01 10:00:00Z', '2025-12-01 10:00:00Z'], // no 'T' at index 10
    ['/Date(1764583200000)/', '2025-12-01T10:00:00Z'], // the Microsoft form (TryParseDateTimeMicrosoft)
    ['/Date(1764583200123)/', '2025-12-01T10:00:00.123Z'],
    ['/Date(1764583200000+0100)/', '2025-12-01T10:00:00+00:00'], // an offset makes it local; the instant is kept
    ['/Date(abc)/', '/Date(abc)/'],
    ['2025-12-01', '2025-12-01'], // under 19 characters
  ];
  for (const [input, written] of table) it(`${JSON.stringify(input)} → ${JSON.stringify(written)}`, () => assert.equal(jsonNetString(input), written));
});

describe('collect: numbers and other JSON values as XML text (XmlNodeConverter, FillCollectionFromXElement)', () => {
  it('writes integers as digits and doubles as Double.ToString("R") [inferred layout past 1e15]; leaves to the source text what JSON.parse cannot tell apart', () => {
    assert.deepEqual([1, -5, 1.5, 2.0, 0.1, 1e-7, 123456789012345].map(xmlConvertNumber), ['1', '-5', '1.5', '2', '0.1', '1E-07', '123456789012345']);
    // 1e21 or 1000000000000000000000, -0 or -0.0, a rounded 2^53 + 1, an overflow: json-source.ts reads the text.
    assert.deepEqual([1e21, 1e15, -0, 2 ** 53 + 2, Infinity].map(xmlConvertNumber), [undefined, undefined, undefined, undefined, undefined]);
  });
  it('null is an empty element, booleans true/false, arrays repeated elements, nested objects no value of their own', () => {
    const c = jsonToXNodeValues({ description: null, isNotify: true, title: ['a', 'b'], entityType: { a: 1 }, alertValue: [], contactId: {}, categoryId: { '@x': '1', '#text': '7' } });
    assert.deepEqual(entries(c), [
      ['description', ['']],
      ['isnotify', ['true']],
      ['title', ['a', 'b']],
      ['contactid', ['']], // {} is an empty element
      ['categoryid', ['7']], // attributes are not elements; #text is the element's text
    ]);
  });
  it('the query string comes first, names in any letter case share one entry (GetRequestParams; NameValueCollection)', () => {
    const c = collectRequest({ Title: 'from query' }, jsonToXNodeValues({ title: 'from body', TITLE: 'again' }));
    assert.deepEqual(entries(c), [['title', ['from query', 'from body', 'again']]]);
  });
});

describe('convert: the .NET TypeConverters (ConvertUtils.GetConverted; innermost exception shown, ErrorWrapper)', () => {
  const ints: [string, number | string][] = [
    ['42', 42],
    [' -7 ', -7],
    ['+3', 3],
    ['0x0A', 10], // BaseNumberConverter.ConvertFrom: 0x, 0X, &h, &H and # prefixes are hexadecimal
    ['#ff', 255],
    ['&H10', 16],
    ['0xFFFFFFFF', -1], // Convert.ToInt32(s, 16) may set the sign bit
    ['0x100000000', 'uint32Overflow'],
    ['0x-1', 'hexMinus'],
    ['0xZZ', 'hexNoDigits'],
    ['0x1G', 'hexJunk'],
    ['0x', 'hexEmpty'],
    ['2147483648', 'intOverflow'],
    ['-2147483648', -2147483648],
    ['1.5', 'notAnInteger'],
    ['1E+15', 'notAnInteger'],
    ['   ', 'indexOutOfRange'], // text[0] of the trimmed text
  ];
  for (const [input, expected] of ints) {
    it(`Int32Converter ${JSON.stringify(input)} → ${expected}`, () => {
      const r = toInt32(input);
      assert.deepEqual(r.ok ? r.value : r.error, expected);
    });
  }
  it('BooleanConverter → Boolean.Parse: true/false in any case, trimmed; 1 and yes refused', () => {
    assert.deepEqual(['True', ' false ', 'TRUE', '1', 'yes'].map((t) => { const r = toBoolean(t); return r.ok ? r.value : r.error; }), [true, false, true, 'notABoolean', 'notABoolean']);
  });
  it('GuidConverter: D, N, B, P and X forms; each failure its own message (Guid.TryParseGuid)', () => {
    const g = (t: string): string => { const r = toGuid(t); return r.ok ? r.value : r.error; };
    assert.equal(g('9924256A-739C-462b-AF15-E652A3B1B6EB'), '9924256a-739c-462b-af15-e652a3b1b6eb');
    assert.equal(g('{0x9924256a,0x739c,0x462b,{0xaf,0x15,0xe6,0x52,0xa3,0xb1,0xb6,0xeb}}'), '9924256a-739c-462b-af15-e652a3b1b6eb');
    assert.equal(g('nope'), 'notAGuid');
    assert.equal(g('9924256A-739C-462b-AF15E-652A3B1B6EB'), 'guidDashes');
    assert.equal(g('9924256Z-739C-462b-AF15-E652A3B1B6EB'), 'guidInvalidChar');
    assert.equal(g('{nope}'), 'guidUnrecognized');
  });
  it('ApiDateTimeTypeConverter → ApiDateTime.Parse: the length check comes first', () => {
    const d = (t: string): string => { const r = toApiDateTime(t, 0); return r.ok ? 'ok' : r.error; };
    assert.deepEqual(['', 'soon', '2008-04-10', '2008-04-10T06:30:00.1Z'].map(d), ['dateNull', 'invalidDateShort', 'ok', 'invalidDate']);
  });
});

describe('binding before the method body, end to end (ApiManager.InvokeMethod → BuildCallingArguments → CreateTask)', () => {
  it("refuses a JSON deadline from toISOString() whose milliseconds end in 0: Json.NET writes .100Z back as .1Z", async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, deadline: '2025-12-01T10:00:00.100Z' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'invalid date time format: 2025-12-01T10:00:00.1Z');
  });
  it('accepts the same deadline as a form field: no Json.NET on that path', async () => {
    const res = await agent().post(PATH).set(TOKEN).type('form').send({ ...VALID, deadline: '2025-12-01T10:00:00.100Z' });
    assert.equal(res.status, 201);
  });
  it('a query-string value wins over the body (GetRequestParams adds the query string first)', async () => {
    const res = await agent().post(`${PATH}?title=from%20query`).set(TOKEN).send({ ...VALID, title: 'from body' });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'from query');
  });
  it('an array gives its first item; "description": null comes back as ""', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, title: ['first', 'second'], description: null });
    assert.equal(res.body.response.title, 'first');
    assert.equal(res.body.response.description, '');
  });
  it('a JSON number for a Boolean is text "1", which Boolean.Parse refuses', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, isNotify: 1 });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'String was not recognized as a valid Boolean.');
  });
  it('a hexadecimal alertValue binds (Int32Converter)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, alertValue: '0x0A' });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.alertValue, 10);
  });
  it('an empty integer is the default; a repeated one that fails is retried joined with commas (Binder.Bind)', async () => {
    const empty = await agent().post(PATH).set(TOKEN).send({ ...VALID, alertValue: '' });
    assert.equal(empty.status, 201);
    const repeated = await agent().post(PATH).set(TOKEN).send({ ...VALID, alertValue: ['', '5'] });
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.error.message, 'Input string was not in a correct format.');
  });
});

/** The reference model: Json.NET's date round trip, then ApiDateTime.Parse. */
function modelAccepts(deadline: string): boolean {
  return deadline.length >= 7 && isApiDateTime(jsonNetString(deadline));
}

describe('differential: a JSON deadline of any fraction length and zone (fast-check)', () => {
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const deadline = fc
    .record({
      year: fc.integer({ min: 1990, max: 2040 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      fraction: fc.integer({ min: 0, max: 7 }).chain((n) => digits(n)),
      zone: fc.constantFrom('Z', '', '+02:00', '-05:30', '+0100', 'z'),
    })
    .map(({ year, month, day, hour, fraction, zone }) => {
      const p = (n: number) => String(n).padStart(2, '0');
      return `${year}-${p(month)}-${p(day)}T${p(hour)}:15:30${fraction === '' ? '' : `.${fraction}`}${zone}`;
    });
  it('the stub accepts exactly what the model accepts', async () => {
    const a = agent();
    await fc.assert(
      fc.asyncProperty(deadline, async (d) => {
        const res = await a.post(PATH).set(TOKEN).send({ ...VALID, deadline: d });
        assert.equal(res.status === 201, modelAccepts(d), `${d}: ${res.status} ${res.text}`);
        // And the rule the model implies, stated on its own: once XmlConvert drops the trailing zeros, the
        // fraction must have 0, 3 or 7 digits (ApiDateTime's formats); every zone here survives the trip.
        const kept = (/\.(\d+)/.exec(d)?.[1] ?? '').replace(/0+$/, '').length;
        assert.equal(res.status === 201, [0, 3, 7].includes(kept), d);
      }),
      { numRuns: 150 },
    );
  });
});
