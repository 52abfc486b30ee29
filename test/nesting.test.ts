// Deep nesting (hardening issue 14): each API refuses a body nested past its
// reader's limit, where the real server's reader does and in its words
// (docs/fidelity.md, ONLYOFFICE: Errors; Wello: Validation errors), and no
// body, however deep, can break a read of the journal, its file or the process.
// Through the adapter TASKSTUB_ADAPTER picks (npm run test:fast-path runs this
// file again through the CLI's node:http path).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { jsonNesting, xmlNesting } from '../src/core/body.js';
import { showEntry, type StoredEntry } from '../src/journal/entry.js';
import { openJournalFile } from '../src/journal/file.js';
import { createJournal } from '../src/journal/journal.js';
import { createStub, type Stub } from '../src/stub.js';
import { startCli } from './cli-helpers.js';
import { agent, FIXED, TOKEN, WELLO_AUTH } from './helpers.js';

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const elements = (depth: number) => '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);

/** An ONLYOFFICE create that passes every check, with `extra` after its fields: `{…,"x":<extra>}`. */
const ONLYOFFICE_PREFIX = '{"title":"t","deadline":"2026-12-01T09:00:00Z","categoryId":1,"x":';
const WELLO_PREFIX = '{"subject":"s","x":';
const ONLYOFFICE_XML = '<task><title>t</title><deadline>2026-12-01T09:00:00Z</deadline><categoryId>1</categoryId>';
const WELLO_XML = '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>s</subject>';

const postOnlyoffice = (app: ReturnType<typeof agent>, body: string, type = 'application/json', path = '/api/2.0/crm/task') =>
  app.post(path).set(TOKEN).type(type).send(body);
const postWello = (app: ReturnType<typeof agent>, body: string, type = 'application/json', accept = 'application/json') =>
  app.post('/api/Task').set(WELLO_AUTH).set('Accept', accept).type(type).send(body);

/** 20,000 levels, 120 KB: the body from the issue, which made JSON.stringify overflow the stack. */
const ISSUE_BODY = `{"subject":${arrays(20_000)}}`;

describe('jsonNesting counts depth as Json.NET\'s JsonReader does', () => {
  it('gives Json.NET\'s own test answers (JsonTextReaderTests/ExceptionHandlingTests.cs, MaxDepth, MaxDepthDoesNotRecursivelyError)', () => {
    // The root container is depth 1; the one that would be depth MaxDepth + 1 is refused, at the character after it.
    assert.deepEqual(pick(jsonNesting('[[]]', 1)), { path: '[0]', line: 1, position: 2 });
    assert.equal(jsonNesting('[]', 1), undefined);
    assert.deepEqual(pick(jsonNesting('[1,[2]]', 1)), { path: '[1]', line: 1, position: 4 });
  });

  it('names the path as JsonPosition.BuildPath does, counts lines, and skips strings and comments', () => {
    assert.deepEqual(pick(jsonNesting('{"a":{"b c":[0,{"d":{}}]}}', 3)), { path: "a['b c'][1]", line: 1, position: 16 });
    assert.deepEqual(pick(jsonNesting('{\n  "a": [\n    [ ]\n  ]\n}', 2)), { path: 'a[0]', line: 3, position: 5 });
    assert.deepEqual(pick(jsonNesting("{a:{'b':[[]]}}", 3)), { path: 'a.b[0]', line: 1, position: 10 }, 'unquoted names and single quotes, as Json.NET reads them');
    assert.equal(jsonNesting(`{"s":"${'['.repeat(100)}","t":"\\"{{{{"}`, 2), undefined, 'brackets in strings (escaped quotes too) are text');
    assert.equal(jsonNesting(`{/* ${'{'.repeat(100)} */"a":1 // ${'['.repeat(100)}\n}`, 2), undefined, 'and in comments');
  });

  it('answers a flat body from two indexOf scans, whatever its length', () => {
    assert.equal(jsonNesting(JSON.stringify({ subject: 'x'.repeat(100_000) }), 64), undefined);
  });
});

describe('xmlNesting counts elements as XmlBaseReader.EnterScope does (the root is depth 1)', () => {
  it('finds the first element past the limit, by the line and position of its name', () => {
    assert.equal(xmlNesting('<a><b><c/></b></a>', 3), undefined);
    assert.deepEqual(pick(xmlNesting('<a><b><c/></b></a>', 2)), { path: '', line: 1, position: 8 });
    assert.deepEqual(pick(xmlNesting('<a>\n <b>\n  <c>x</c></b></a>', 2)), { path: '', line: 3, position: 4 });
  });

  it('skips comments, CDATA, processing instructions and quoted attribute values; self-closed elements do not nest', () => {
    const text = `<a x="<b><b><b>" y='>'><?pi <b><b>?><!-- <b><b><b> --><![CDATA[<b><b><b>]]>${'<e/>'.repeat(50)}<b/></a>`;
    assert.equal(xmlNesting(text, 2), undefined);
  });
});

describe('ONLYOFFICE: JSON as deep as Json.NET 13 reads (MaxDepth 64; docs/fidelity.md, ONLYOFFICE: Errors)', () => {
  it('creates the task with 64 levels (the root object is the first) and refuses 65 with Json.NET\'s message in the envelope', async () => {
    const app = agent();
    assert.equal((await postOnlyoffice(app, `${ONLYOFFICE_PREFIX}${arrays(63)}}`)).status, 201);
    assert.equal((await postOnlyoffice(app, `${ONLYOFFICE_PREFIX}${objects(63)}}`)).status, 201);

    const res = await postOnlyoffice(app, `${ONLYOFFICE_PREFIX}${arrays(64)}}`);
    assert.equal(res.status, 400);
    const path = `x${'[0]'.repeat(63)}`;
    const position = ONLYOFFICE_PREFIX.length + 64;
    assert.deepEqual(res.body, {
      status: 1,
      statusCode: 400,
      error: { message: `The reader's MaxDepth of 64 has been exceeded. Path '${path}', line 1, position ${position}.`, hresult: -2146233088, data: {} },
    });
    const nestedObjects = await postOnlyoffice(app, `${ONLYOFFICE_PREFIX}${objects(64)}}`);
    assert.match(nestedObjects.body.error.message, new RegExp(`^The reader's MaxDepth of 64 has been exceeded\\. Path 'x(\\.a){63}', line 1, position \\d+\\.$`));
  });

  it('refuses the 20,000-level body (and a root array as deep) with a 400, the same on the .xml route as JSON', async () => {
    const app = agent();
    for (const body of [ISSUE_BODY, arrays(20_000)]) {
      const res = await postOnlyoffice(app, body);
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /^The reader's MaxDepth of 64 has been exceeded\./);
    }
    // JSON in, JSON out on .xml too (docs/fidelity.md, ONLYOFFICE: Routes and format).
    assert.equal((await postOnlyoffice(app, ISSUE_BODY, 'application/json', '/api/2.0/crm/task.xml')).type, 'application/json');
  });

  it('text/xml: creates with 64 levels of elements and refuses 65 (taskstub\'s own limit; XDocument.Load has none), in XML on .xml', async () => {
    const app = agent();
    assert.equal((await postOnlyoffice(app, `${ONLYOFFICE_XML}${elements(63)}</task>`, 'text/xml')).status, 201);
    const body = `${ONLYOFFICE_XML}${elements(64)}</task>`;
    const res = await postOnlyoffice(app, body, 'text/xml', '/api/2.0/crm/task.xml');
    assert.equal(res.status, 400);
    const position = ONLYOFFICE_XML.length + 63 * 3 + 2;
    assert.equal(
      res.text,
      `<result><status>1</status><statusCode>400</statusCode><error><message>The request body could not be read: its elements are nested more than 64 deep. Line 1, position ${position}.</message><hresult>-2146233088</hresult><data /></error></result>`,
    );
  });

  it('form bodies cannot nest: bracketed names are plain names', async () => {
    const res = await postOnlyoffice(agent(), `title=t&deadline=2026-12-01&categoryId=1&${'a['.repeat(5000)}=1`, 'form');
    assert.equal(res.status, 201);
  });
});

describe('Wello: JSON and XML as deep as Web API reads them (MaxDepth 256; docs/fidelity.md, Wello: Validation errors)', () => {
  it('JSON: creates the task with 256 levels and refuses 257 with Json.NET\'s message under the path\'s key', async () => {
    const app = agent();
    assert.equal((await postWello(app, `${WELLO_PREFIX}${arrays(255)}}`)).status, 201);
    const res = await postWello(app, `${WELLO_PREFIX}${arrays(256)}}`);
    assert.equal(res.status, 400);
    const path = `x${'[0]'.repeat(255)}`;
    assert.deepEqual(res.body, {
      Message: 'The request is invalid.',
      ModelState: { [`task.${path}`]: [`The reader's MaxDepth of 256 has been exceeded. Path '${path}', line 1, position ${WELLO_PREFIX.length + 256}.`] },
    });
  });

  it('XML: creates the task with 256 levels of elements (more than the parser\'s own 100) and refuses 257 with DataContractSerializer\'s message', async () => {
    const app = agent();
    const ok = await postWello(app, `${WELLO_XML}<remark>r</remark>${elements(150)}</task>`, 'application/xml');
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await postWello(app, `${WELLO_XML}${elements(255)}</task>`, 'application/xml')).status, 201);
    const res = await postWello(app, `${WELLO_XML}${elements(256)}</task>`, 'application/xml');
    assert.equal(res.status, 400);
    const position = WELLO_XML.length + 255 * 3 + 2;
    assert.deepEqual(res.body.ModelState, {
      task: [
        'There was an error deserializing the object of type task. The maximum read depth (256) has been exceeded because XML data being read has more levels of nesting than is allowed by the quota. ' +
          `This quota may be increased by changing the MaxDepth property on the XmlDictionaryReaderQuotas object used when creating the XML reader. Line 1, position ${position}.`,
      ],
    });
    const inXml = await postWello(app, `${WELLO_XML}${elements(20_000)}</task>`, 'application/xml', 'application/xml');
    assert.equal(inXml.status, 400);
    assert.match(inXml.text, /^<Error><Message>The request is invalid\.<\/Message><ModelState><task>There was an error deserializing the object of type task\. The maximum read depth \(256\)/);
  });

  it('refuses the 20,000-level body from the issue with a 400 in ModelState', async () => {
    const res = await postWello(agent(), ISSUE_BODY);
    assert.equal(res.status, 400);
    assert.match(Object.values(res.body.ModelState as Record<string, string[]>)[0]![0]!, /^The reader's MaxDepth of 256 has been exceeded\. Path 'subject(\[0\]){255}', line 1, position 267\.$/);
  });
});

describe('the journal reads every call, however deep its body', () => {
  it('lists, exports, counts and verifies after bodies 20,000 deep in JSON and XML on both APIs; a body past 256 levels shows as text', async () => {
    const app = agent();
    await postWello(app, ISSUE_BODY);
    await postOnlyoffice(app, ISSUE_BODY);
    await postWello(app, `${WELLO_XML}${elements(20_000)}</task>`, 'application/xml');
    await postOnlyoffice(app, `${ONLYOFFICE_XML}${elements(20_000)}</task>`, 'text/xml');
    await postWello(app, `${WELLO_PREFIX}${arrays(255)}}`);

    const list = await app.get('/__admin/requests');
    assert.equal(list.status, 200, list.text.slice(0, 300));
    assert.equal(list.body.total, 5);
    const [wello, onlyoffice, welloXml] = list.body.requests;
    assert.equal(wello.request.body, null);
    assert.equal(wello.request.rawBody, ISSUE_BODY);
    assert.equal(onlyoffice.response.status, 400);
    assert.equal(welloXml.request.rawBody.length, WELLO_XML.length + 20_000 * 7 + 1 + '</task>'.length);
    assert.equal(list.body.requests[4].request.body.x.flat(300).length, 0, 'a body a Wello reads shows parsed');

    assert.equal((await app.get('/__admin/requests.jsonl')).status, 200);
    const har = await app.get('/__admin/requests.har').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(null, text));
    });
    assert.equal(har.status, 200);
    assert.equal(JSON.parse(har.body as string).log.entries.length, 5);
    assert.equal((await app.get('/__admin/requests/1')).status, 200);
    assert.deepEqual((await app.post('/__admin/requests/count').send({ body: { subject: 's' } })).body, { count: 1 });
    assert.equal((await app.post('/__admin/verify').send({ api: 'wello', body: { subject: 'nope' }, count: 0 })).status, 200);
    const failed = await app.post('/__admin/verify').send({ api: 'wello', body: { subject: 'nope' } });
    assert.equal(failed.status, 409, failed.text.slice(0, 300));
  });

  it('refuses an admin body nested past 256 levels with a 400 problem, so that no matcher or queued fault is too deep to echo', async () => {
    const app = agent();
    for (const path of ['/__admin/requests/count', '/__admin/verify', '/__admin/faults']) {
      const res = await app.post(path).type('application/json').send(`{"body":${objects(300)}}`);
      assert.equal(res.status, 400, `${path}: ${res.text.slice(0, 200)}`);
      assert.match(res.body.detail, /^An admin request body may nest at most 256 levels deep \(line 1, position \d+\)\.$/);
    }
    assert.equal((await app.get('/__admin/faults')).status, 200);
    assert.equal((await app.post('/__admin/requests/count').send({ body: JSON.parse(objects(200)) })).status, 200);
  });
});

/** A stub whose journal cannot make one entry's deferred check (as an API bug would): every read must still answer. */
function stubWithBrokenEntry(): { stub: Stub; ids: number[] } {
  const real = createStub(FIXED);
  const journal = createJournal(10, () => {
    throw new Error('injected: the check failed');
  });
  const stub: Stub = { ...real, journal };
  const req = (body: object) => ({ method: 'POST', path: '/api/2.0/crm/task', query: {}, headers: { authorization: 't', 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
  const ids: number[] = [];
  for (const body of [{ title: 'first' }, { title: 'broken' }]) {
    const request = req(body);
    const result = real.handle(request)!;
    // The first keeps its verdict (made now); the second is stored deferred, so reading it runs the failing check.
    if (body.title === 'first') void result.record;
    const stored = journal.add({ session: 'default', time: real.journal.entries()[0]!.time, request, result: body.title === 'first' ? { response: result.response, record: result.record } : result, durationMs: 1 });
    ids.push(stored.id);
  }
  return { stub, ids };
}

describe('an entry that cannot be shown is a stub in its place, never a 500 or a crash', () => {
  it('listings, exports and the entry itself answer 200; the entry keeps its id, session, time and API and says why', async () => {
    const { stub } = stubWithBrokenEntry();
    const app = request(createApp(FIXED, stub));
    const list = await app.get('/__admin/requests');
    assert.equal(list.status, 200, list.text.slice(0, 300));
    assert.equal(list.body.requests[0].request.body.title, 'first');
    assert.deepEqual(list.body.requests[1], { id: 2, session: 'default', time: '2026-11-24T10:00:00.1234567Z', api: 'onlyoffice', error: 'this entry could not be shown: injected: the check failed' });
    const jsonl = await app.get('/__admin/requests.jsonl');
    assert.equal(jsonl.status, 200);
    assert.equal(JSON.parse(jsonl.text.trim().split('\n')[1]!).error, 'this entry could not be shown: injected: the check failed');
    assert.equal((await app.get('/__admin/requests/2')).body.error, 'this entry could not be shown: injected: the check failed');
    assert.equal((await app.get('/__admin/requests.har')).status, 200);
    // Its summary is readable, so what a matcher reads of it still matches; its body is read from the request alone.
    assert.deepEqual((await app.post('/__admin/requests/count').send({ api: 'onlyoffice', body: { title: 'broken' } })).body, { count: 1 });
  });

  it('the live stream sends the stub in the entry\'s place', async () => {
    const { stub } = stubWithBrokenEntry();
    const server = createServer(createApp(FIXED, stub)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/__admin/events`, { signal: controller.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('id: 2\n')) text += new TextDecoder().decode((await reader.read()).value);
      assert.match(text, /id: 2\nevent: entry\ndata: \{"id":2,"session":"default","time":"[^"]+","api":"onlyoffice","error":"this entry could not be shown: injected: the check failed"\}/);
    } finally {
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  });

  it('showEntry leaves out bodies that cannot be serialized, and says so', () => {
    const stub = createStub(FIXED);
    stub.handle({ method: 'POST', path: '/api/Task', query: {}, headers: { authorization: WELLO_AUTH.Authorization, 'content-type': 'application/json' }, body: Buffer.from('{"subject":"s"}') });
    const entry: StoredEntry = stub.journal.entries()[0]!;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    entry.parsedBody = { body: circular };
    const shown = JSON.parse(showEntry(entry)) as { request: { body: unknown }; response: { status: number; body: unknown }; error: string };
    assert.equal(shown.response.status, 201);
    assert.equal(shown.request.body, null);
    assert.equal(shown.response.body, null);
    assert.match(shown.error, /^this entry could not be shown in full \(its bodies are left out\): Converting circular structure to JSON/);
  });

  it('the journal file writes a note for a line that cannot be made, and the lines around it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'taskstub-nesting-')), 'journal.jsonl');
    const file = openJournalFile(path);
    file.append(() => '{"id":1}');
    file.append(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    file.append(() => '{"id":3}');
    await file.close();
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown), [
      { id: 1 },
      { error: 'this entry could not be written: Maximum call stack size exceeded' },
      { id: 3 },
    ]);
  });
});

describe('the CLI with --journal-file and the body from the issue', () => {
  it('answers 400, keeps serving, writes the entry and exits 0 on SIGTERM', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'taskstub-nesting-')), 'journal.jsonl');
    const cli = await startCli(['serve', '--port', '0', '--seed', '1', '--journal-file', path]);
    try {
      const res = await fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: ISSUE_BODY });
      assert.equal(res.status, 400);
      await res.text();
      // A turn of the event loop later the batch is written: the server is still there to answer.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await fetch(`${cli.url}/__admin/health`)).status, 200);
      const list = await fetch(`${cli.url}/__admin/requests`);
      assert.equal(list.status, 200);
    } finally {
      assert.equal(await cli.stop(), 0, cli.stderr());
    }
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as { id: number; response: { status: number }; request: { rawBody: string } };
    assert.equal(entry.id, 1);
    assert.equal(entry.response.status, 400);
    assert.equal(entry.request.rawBody, ISSUE_BODY);
  });
});

function pick(error: { path: string; line: number; position: number } | undefined) {
  return error && { path: error.path, line: error.line, position: error.position };
}
