// ONLYOFFICE binding: what JSON.parse and URLSearchParams hid from the stub (docs/fidelity.md, ONLYOFFICE: Binding).
// Each name cites the real code: Json.NET (JamesNK/Newtonsoft.Json, Src/Newtonsoft.Json/JsonTextReader.cs,
// Src/Newtonsoft.Json/Converters/XmlNodeConverter.cs), ASP.NET (microsoft/referencesource, System.Web/HttpRequest.cs,
// System.Web/HttpCookie.cs, System.Web/Util/HttpEncoder.cs) and ONLYOFFICE (ONLYOFFICE/CommunityServer,
// module/ASC.Api/ASC.Api/Impl/ApiArgumentBuilder.cs, Impl/ApiManager.cs, web/studio/ASC.Web.Studio/web.autofac.config).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonBody } from '../src/apis/onlyoffice/collect.js';
import { xmlConvertDouble } from '../src/apis/onlyoffice/json-source.js';
import { collectForm, cookieValue, isUrlEncodedForm, urlDecode } from '../src/apis/onlyoffice/request-values.js';
import { OnlyofficeError } from '../src/apis/onlyoffice/errors.js';
import { validateRequestBody } from '../src/validate.js';
import { agent, TOKEN, VALID } from './helpers.js';

const PATH = '/api/2.0/crm/task';
const json = (fields: string): string => `{"title":"T","deadline":"2026-12-01T09:00:00.000Z",${fields}}`;
const postJson = (text: string) => agent().post(PATH).set(TOKEN).set('Content-Type', 'application/json').send(text);
const thrown = (fn: () => unknown): OnlyofficeError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OnlyofficeError) return error;
    throw error;
  }
  throw new Error('no error');
};

describe('numbers as Json.NET reads them (JsonTextReader.cs, ParseReadNumber) and XmlConvert writes them (XmlNodeConverter.cs, ConvertTokenToXmlValue)', () => {
  const table: [source: string, text: string, why: string][] = [
    ['1', '1', 'a single digit: Int64'],
    ['4294967297', '4294967297', 'Int64 digits'],
    ['9007199254740993', '9007199254740993', '2^53 + 1: Int64 keeps it, JSON.parse would round it to ...992'],
    ['-9223372036854775808', '-9223372036854775808', 'Int64.MinValue'],
    ['12345678901234567890', '12345678901234567890', 'past Int64: BigInteger, exact digits'],
    ['-0', '0', 'Int64TryParse reads -0 as 0'],
    ['-0.0', '-0', 'a Double: XmlConvert.ToString(double) writes negative zero as -0'],
    ['1.0', '1', 'a Double, written by "R"'],
    ['1e2', '100', 'a Double'],
    ['1E+2', '100', 'a Double'],
    ['1000000000000000', '1000000000000000', 'Int64 digits'],
    ['1e15', '1E+15', 'a Double from 15 integer digits: exponent form [inferred: "R" layout]'],
    ['0.1000000000000000055511151231257827', '0.1', 'the same Double as 0.1'],
    ['1.5e-7', '1.5E-07', 'a Double below 1e-5 [inferred: "R" layout]'],
    ['0.30000000000000004', '0.30000000000000004', '17 digits round-trip'],
    ['0.7999999999999999', '0.79999999999999993', '16 shortest digits: "R" falls back to 17 [inferred: .NET Framework "R" is G15 or G17]'],
  ];
  for (const [source, text, why] of table) {
    it(`${source} is written ${text} (${why})`, () => {
      assert.deepEqual(readJsonBody(`{"description":${source}}`).get('description'), [text]);
    });
  }
  it('xmlConvertDouble (XmlConvert.ToString(double)): fixed layout between 1e-5 and 1e15; 15 digits when they round-trip, so 5e-324 keeps them [inferred: .NET Framework "R"]', () => {
    assert.deepEqual([123.456, 0.0001, 1e14, -2.5, 5e-324].map(xmlConvertDouble), ['123.456', '0.0001', '100000000000000', '-2.5', '4.94065645841247E-324']);
  });
  it('a number inside an array or a nested object is read the same way', () => {
    assert.deepEqual(readJsonBody('{"description":[12345678901234567890, 1e15]}').get('description'), ['12345678901234567890', '1E+15']);
  });
  it('1e400 fails double.TryParse: JsonReaderException "Input string ... is not a valid number." with the path [inferred: .NET Framework refuses an overflow]', () => {
    const error = thrown(() => readJsonBody('{"title":"x","categoryId":1e400}'));
    assert.equal(error.message, "Input string '1e400' is not a valid number. Path 'categoryId', line 1, position 31.");
  });
  it('an integer of more than 380 characters: "JSON integer ... is too large to parse." (MaximumJavascriptIntegerCharacterLength)', () => {
    const big = '9'.repeat(381);
    assert.equal(thrown(() => readJsonBody(`{"a":{"b":${big}}}`)).message, `JSON integer ${big} is too large to parse. Path 'a.b', line 1, position ${10 + 381}.`);
    assert.deepEqual(readJsonBody(`{"description":${'9'.repeat(380)}}`).get('description'), ['9'.repeat(380)]);
  });
  it('end to end: categoryId 4294967297 is Int32Converter\'s overflow, not a rounded number (ConvertUtils.GetConverted)', async () => {
    const res = await postJson(json('"categoryId":4294967297'));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Value was either too large or too small for an Int32.');
    assert.equal(res.body.error.hresult, -2146233066);
  });
  it('end to end: categoryId 1.0 binds, because XmlConvert writes the Double 1.0 as "1", which Int32 parses; 1.5 does not', async () => {
    const one = await postJson(json('"categoryId":1.0'));
    assert.equal(one.status, 201);
    assert.equal(one.body.response.category.id, 1);
    const half = await postJson(json('"categoryId":1.5'));
    assert.equal(half.status, 400);
    assert.equal(half.body.error.message, 'Input string was not in a correct format.');
  });
  it('end to end: a description of 9007199254740993 comes back with all its digits; 1e400 is 400 with hresult -2146233088', async () => {
    const exact = await postJson(json('"categoryId":1,"description":9007199254740993'));
    assert.equal(exact.body.response.description, '9007199254740993');
    const overflow = await postJson(json('"categoryId":1e400'));
    assert.equal(overflow.status, 400);
    assert.equal(overflow.body.error.hresult, -2146233088);
  });
  it('taskstub validate reports the same overflow the server answers with (src/validate.ts)', () => {
    const errors = validateRequestBody('onlyoffice', json('"categoryId":4294967297'), 'json');
    assert.deepEqual(errors.find((e) => e.path === '/categoryId')?.message, 'Value was either too large or too small for an Int32.');
  });
});

describe('names and roots DeserializeXNode cannot make an XDocument of (XmlNodeConverter.cs, ReadJson and CreateElement)', () => {
  it('a name that is not an XML name is encoded (XmlConvert.EncodeName), so it binds nothing and fails nothing', async () => {
    const values = readJsonBody('{"my title":"x","1":"y","title":"T"}');
    assert.deepEqual([...values.keys()].sort(), ['1', 'my title', 'title']);
    const res = await postJson(json('"categoryId":1,"my title":"x","1":"y","é":"z"'));
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'T');
  });
  const refused: [name: string, body: string, message: string, hresult: number][] = [
    ['a name with a colon (XName: XmlConvert.VerifyNCName) [inferred wording]', '{"a:b":1}', "The ':' character, hexadecimal value 0x3A, cannot be included in a name.", -2146232000],
    ['a name that starts with a colon [inferred wording]', '{":b":1}', "Name cannot begin with the ':' character, hexadecimal value 0x3A.", -2146232000],
    ['an empty name (XName.Get) [inferred wording]', '{"":1}', "'' is an invalid expanded name.", -2147024809],
    ['a colon name nested where no parameter looks', '{"title":"T","x":{"y":{"a:b":1}}}', "The ':' character, hexadecimal value 0x3A, cannot be included in a name.", -2146232000],
    ['a top-level array (JsonSerializationException)', '[1]', "XmlNodeConverter can only convert JSON that begins with an object. Path '', line 1, position 1.", -2146233088],
    ['a top-level string, position after its token', '"abc"', "XmlNodeConverter can only convert JSON that begins with an object. Path '', line 1, position 5.", -2146233088],
    ['a top-level number on the second line', ' \n 7', "XmlNodeConverter can only convert JSON that begins with an object. Path '', line 2, position 2.", -2146233088],
  ];
  for (const [what, body, message, hresult] of refused) {
    it(`${what}: 400 ${message}`, async () => {
      const res = await postJson(body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { status: 1, statusCode: 400, error: { message, hresult, data: {} } });
    });
  }
  it('null or white space is no document, so no values: CreateTask then refuses categoryId 0 [inferred: ReadJson returns null for a Null token]', async () => {
    for (const body of ['null', '  \n ']) {
      const res = await postJson(body);
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error.message, 'Value does not fall within the expected range.');
    }
  });
});

describe('Request.Form (HttpRequest.cs, FillInFormCollection; HttpValueCollection.FillFromEncodedBytes)', () => {
  it('a repeated name keeps every value and the binder takes the first (ApiArgumentBuilder.cs: values.First())', async () => {
    assert.deepEqual(collectForm('title=a&title=b&TITLE=c').get('title'), ['a', 'b', 'c']);
    const res = await agent().post(PATH).set(TOKEN).type('form').send('title=a&title=b&deadline=2026-12-01T09:00:00Z&categoryId=1');
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'a');
  });
  it('a repeated integer that does not convert is retried joined by commas (Binder.Bind reads values[name]): "abc,1" fails', async () => {
    const res = await agent().post(PATH).set(TOKEN).type('form').send('title=a&deadline=2026-12-01T09:00:00Z&categoryId=abc&categoryId=1');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Input string was not in a correct format.');
  });
  const decoded: [encoded: string, value: string][] = [
    ['a+b', 'a b'],
    ['%41%62', 'Ab'],
    ['%u0041bc', 'Abc'],
    ['100%', '100%'],
    ['%4', '%4'],
    ['%zz', '%zz'],
    ['%C3%A9', 'é'],
    ['%FF', '\uFFFD'],
  ];
  for (const [encoded, value] of decoded) {
    it(`HttpUtility.UrlDecode (HttpEncoder.cs, UrlDecode): ${encoded} is ${JSON.stringify(value)}`, () => {
      assert.equal(urlDecode(encoded), value);
    });
  }
  it('a pair with no "=" has no name, so it binds nothing (title absent, unlike title=)', () => {
    const c = collectForm('title&description=&x=1&');
    assert.equal(c.get('title'), undefined);
    assert.deepEqual(c.get('description'), ['']);
  });
  it('only a Content-Type starting with application/x-www-form-urlencoded, any case, has form fields; text/plain has none', async () => {
    assert.deepEqual(['application/x-www-form-urlencoded; charset=utf-8', 'Application/X-WWW-Form-UrlEncoded', 'text/plain', 'multipart/form-data; boundary=x', undefined].map(isUrlEncodedForm), [true, true, false, false, false]);
    const res = await agent().post(PATH).set(TOKEN).set('Content-Type', 'text/plain').send('title=a&deadline=2026-12-01T09:00:00Z&categoryId=1');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Value does not fall within the expected range.');
  });
});

describe('the Request[name] fallback (ApiArgumentBuilder.cs, BuildCallingArguments; HttpRequest.cs, this[key])', () => {
  const cookies: [header: string, value: string | undefined, why: string][] = [
    ['title=x', 'x', 'a plain cookie'],
    ['a=1; TITLE=x', 'x', 'names in any letter case (HttpCookieCollection: OrdinalIgnoreCase)'],
    ['title=x; title=y', 'x', 'the first of a name (NameObjectCollectionBase.BaseGet)'],
    ['title=x,y', 'x,y', 'only ";" separates cookies'],
    ['title=x%20y', 'x%20y', 'values are not URL-decoded'],
    ['title=a=b', 'a=b', 'a sub-value key=value (CreateCookieFromString)'],
    ['title=a&b=c', 'a&b=c', 'sub-values written back by Values.ToString(false)'],
    ['title=a&c=d&b', 'a&b&c=d', 'sub-values grouped by key, in the order keys first came (HttpValueCollection.ToString)'],
    ['x=1; $Path=/; title=z', 'z', 'a $Path part is the last cookie\'s attribute'],
    ['title', '', 'a name alone has no value'],
    ['other=1', undefined, 'no such cookie'],
  ];
  for (const [header, value, why] of cookies) {
    it(`Cookie: ${header} gives ${JSON.stringify(value)} (${why})`, () => {
      assert.equal(cookieValue(header, 'title'), value);
    });
  }
  it('a cookie gives a parameter that neither the body nor the query has', async () => {
    const res = await agent().post(PATH).set(TOKEN).set('Cookie', 'title=from%20cookie; asc_auth_key=zzz').send({ deadline: VALID.deadline, categoryId: 1 });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'from%20cookie');
  });
  it('the body wins over a cookie: the fallback runs only for a name the collection lacks', async () => {
    const res = await agent().post(PATH).set(TOKEN).set('Cookie', 'title=cookie').send(VALID);
    assert.equal(res.body.response.title, VALID.title);
  });
  it('a cookie value is converted once, with no Binder.Bind retry: categoryId=abc is 400', async () => {
    const res = await agent().post(PATH).set(TOKEN).set('Cookie', 'categoryId=abc').send({ title: 'T', deadline: VALID.deadline });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Input string was not in a correct format.');
  });
  it('no header is a server variable by its own name: a Title header binds nothing (server variables are CGI names and HTTP_<header>)', async () => {
    const res = await agent().post(PATH).set(TOKEN).set('Title', 'from header').send({ deadline: VALID.deadline, categoryId: 1 });
    assert.equal(res.status, 400);
  });
});

describe('no parameter inspector runs on the bound arguments (ApiManager.cs, InvokeMethod; web.autofac.config registers none)', () => {
  it('markup in title and description comes back as sent: AntiXssParamInspector exists but is not in the "api" container', async () => {
    const markup = '<script>alert(1)</script><b onclick="x()">bold</b>';
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, title: markup, description: markup });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, markup);
    assert.equal(res.body.response.description, markup);
  });
});
