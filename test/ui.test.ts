// The live journal page at /__admin/ui, in a real browser: Debian's chromium
// driven by playwright-core. Calls made while it is open appear; filters by
// session, API and status work; one call opens with its bodies pretty-printed
// and its validation errors highlighted; a screenshot is saved.
// Without /usr/bin/chromium the browser tests skip, unless
// TASKSTUB_REQUIRE_BROWSER=1 (set by .ci/run, which installs chromium).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCli } from './cli-helpers.js';
import { agent, listening, ROOT, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.TASKSTUB_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing and TASKSTUB_REQUIRE_BROWSER=1`);
const SCREENSHOT = join(ROOT, 'test-output', 'ui.png');

describe('the live journal over HTTP (what the page reads)', () => {
  it('GET /__admin/ui is one HTML page; /__admin/events streams the backlog, then each new call and each clear', async () => {
    const { url, close } = await listening();
    try {
      const page = await fetch(`${url}/__admin/ui`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(await page.text(), /<title>taskstub · live journal<\/title>/);

      await fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"before"}' });
      const controller = new AbortController();
      const res = await fetch(`${url}/__admin/events`, { signal: controller.signal });
      assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const readUntil = async (pattern: RegExp) => {
        while (!pattern.test(text)) text += (await reader.read()).value ?? '';
      };
      await readUntil(/event: entry\ndata: .*"before"|event: entry\ndata: \{"id":1,/);
      await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'qa' }, body: JSON.stringify(VALID) });
      await readUntil(/id: 2\nevent: entry\ndata: (\{.*\})\n/);
      const second = JSON.parse(/id: 2\nevent: entry\ndata: (\{.*\})\n/.exec(text)![1]!) as Record<string, unknown>;
      assert.deepEqual({ ...second, time: undefined, durationMs: undefined }, { id: 2, session: 'qa', time: undefined, api: 'onlyoffice', operation: 'createTask', method: 'POST', path: '/api/2.0/crm/task', status: 201, valid: false, errors: 1, warnings: 1, durationMs: undefined });
      await fetch(`${url}/__admin/requests?session=qa`, { method: 'DELETE' });
      await readUntil(/event: cleared\ndata: \{"session":"qa"\}/);
      controller.abort();
    } finally {
      close();
    }
  });

  it('GET /__admin/requests/:id gives one call with the raw request and response text; an unknown id is a 404 problem', async () => {
    const app = agent();
    await app.post('/api/Task').set(WELLO_AUTH).type('application/xml').send('<task><subject>x</subject></task>');
    const one = (await app.get('/__admin/requests/1')).body as { id: number; raw: { request: string; response: string } };
    assert.equal(one.id, 1);
    assert.equal(one.raw.request, '<task><subject>x</subject></task>');
    assert.match(one.raw.response, /^<task xmlns:i=/);
    const missing = await app.get('/__admin/requests/99');
    assert.equal(missing.status, 404);
    assert.match(missing.headers['content-type']!, /problem\+json/);
  });

  it('a page that goes away mid-stream leaves the server serving: nothing is written to the closed stream', async () => {
    const { url, close } = await listening();
    try {
      const controller = new AbortController();
      const res = await fetch(`${url}/__admin/events`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      // Calls whose events are queued for the stream, then the page leaves before they are flushed.
      const calls = Array.from({ length: 20 }, () => fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"s"}' }));
      controller.abort();
      await Promise.all(calls);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await fetch(`${url}/__admin/health`)).status, 200);
      assert.equal(((await (await fetch(`${url}/__admin/requests`)).json()) as { total: number }).total, 20);
    } finally {
      close();
    }
  });

  it('shutdown ends an open stream at once, even with an event queued for it, and the server keeps answering until it closes', async () => {
    const { url, stub, close } = await listening();
    try {
      const res = await fetch(`${url}/__admin/events`);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      await reader.read();
      // The call queues its event for the next turn; the shutdown ends the stream in this one.
      stub.handle({ method: 'POST', path: '/api/Task', query: {}, headers: { 'content-type': 'application/json', authorization: WELLO_AUTH.Authorization }, body: Buffer.from('{"subject":"s"}') });
      stub.journal.endSubscriptions();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
      assert.doesNotMatch(rest, /event: entry/, 'the stream ended before the flush');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await fetch(`${url}/__admin/health`)).status, 200, 'and the server is still up');
    } finally {
      close();
    }
  });

  it('SIGTERM ends open event streams, so the CLI still exits 0', async () => {
    const cli = await startCli(['--port', '0']);
    const res = await fetch(`${cli.url}/__admin/events`);
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(await cli.stop(), 0);
  });

  it('with an admin token, the page loads without it but the stream needs it', async () => {
    const app = agent({ adminToken: 't' });
    assert.equal((await app.get('/__admin/ui')).status, 200);
    assert.equal((await app.get('/__admin/requests/1')).status, 401);
  });
});

describe('the live journal page in chromium', { skip: hasBrowser ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  let close: () => void;

  before(async () => {
    ({ url, close } = await listening());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(`${url}/__admin/ui`);
    await page.locator('#conn.live').waitFor();
  });

  after(async () => {
    await browser?.close();
    close();
  });

  const rows = () => page.locator('#rows tr:not([hidden])');
  /** Polls from the test side: the page's CSP (no eval) rules out waitForFunction. */
  async function waitForRowCount(n: number): Promise<void> {
    for (let waited = 0; (await page.locator('#rows tr').count()) !== n; waited += 20) {
      if (waited > 5000) throw new Error(`the page shows ${await page.locator('#rows tr').count()} rows, not ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const post = (path: string, headers: Record<string, string>, body: string) => fetch(url + path, { method: 'POST', headers, body });

  it('shows calls as they arrive', async () => {
    await post('/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'checkout' }, JSON.stringify({ ...VALID, responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB' }));
    await post('/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'checkout' }, JSON.stringify({ title: 'no deadline', categoryId: 1 }));
    await post('/api/Task', { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Session': 'support' }, JSON.stringify({ subject: 'Printer on fire', task_type_id: 'not-a-guid' }));
    await post('/api/Task', { ...WELLO_AUTH, 'Content-Type': 'application/xml', Accept: 'application/xml', 'X-Stub-Session': 'support' }, '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>Toner</subject></task>');
    await waitForRowCount(4);
    assert.equal(await rows().count(), 4);
    assert.equal(await page.locator('#rows tr').first().locator('td').nth(5).textContent(), '/api/Task', 'newest first');
    assert.equal(await page.locator('#count').textContent(), '4 shown of 4');
  });

  it('filters by session, API and status', async () => {
    await page.selectOption('#f-session', 'support');
    assert.equal(await rows().count(), 2);
    await page.selectOption('#f-session', '');
    await page.selectOption('#f-api', 'onlyoffice');
    assert.equal(await rows().count(), 2);
    await page.selectOption('#f-status', '4');
    assert.equal(await rows().count(), 1, 'the ONLYOFFICE call without a deadline');
    await page.selectOption('#f-api', '');
    assert.equal(await rows().count(), 2, 'both 400s');
    await page.selectOption('#f-status', 'invalid');
    assert.equal(await rows().count(), 2);
    await page.selectOption('#f-status', '');
    assert.equal(await rows().count(), 4);
  });

  it('opens one call: bodies pretty-printed, JSON and XML, validation errors highlighted; and saves a screenshot', async () => {
    await page.locator('#rows tr', { hasText: 'checkout' }).filter({ hasText: '400' }).click();
    await page.locator('#detail h2').waitFor();
    assert.match((await page.locator('#detail h2').textContent())!, /POST \/api\/2\.0\/crm\/task → 400/);
    assert.match((await page.locator('ul.errors').textContent())!, /must have required property 'deadline'/);
    const requestBody = await page.locator('pre.body').first().innerText();
    assert.match(requestBody!, /^\{\n {2}"title": "no deadline",\n {2}"categoryId": 1\n\}$/);
    const responseBody = await page.locator('pre.body').nth(1).innerText();
    assert.match(responseBody!, /"statusCode": 400/);

    await page.locator('#rows tr', { hasText: 'support' }).filter({ hasText: '400' }).click();
    await page.locator('#detail h2', { hasText: '/api/Task → 400' }).waitFor();
    const marked = page.locator('pre.body').first().locator('.line.error');
    assert.equal(await marked.count(), 1);
    assert.match((await marked.textContent())!, /"task_type_id": "not-a-guid"/);

    await page.locator('#rows tr', { hasText: 'support' }).filter({ hasText: '201' }).click();
    await page.locator('#detail h2', { hasText: '/api/Task → 201' }).waitFor();
    const xml = await page.locator('pre.body').nth(1).innerText();
    assert.match(xml!, /^<task xmlns:i="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance">\n {2}<archived>false<\/archived>\n/);
    assert.match(xml!, /\n {2}<subject>Toner<\/subject>\n/);

    await page.locator('#rows tr', { hasText: 'support' }).filter({ hasText: '400' }).click();
    await page.locator('#detail h2', { hasText: '/api/Task → 400' }).waitFor();
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    assert.ok(existsSync(SCREENSHOT));
  });

  it('with an admin token, asks for it, then goes live', async () => {
    const guarded = await listening({ adminToken: 'ui-secret' });
    const other = await browser.newPage();
    try {
      await fetch(`${guarded.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"guarded"}' });
      await other.goto(`${guarded.url}/__admin/ui`);
      await other.locator('#auth.shown').waitFor();
      assert.equal(await other.locator('#conn').textContent(), 'needs the admin token');
      await other.fill('#token', 'ui-secret');
      await other.click('#token-go');
      await other.locator('#conn.live').waitFor();
      await other.locator('#rows tr', { hasText: '/api/Task' }).waitFor();
      assert.equal(await other.locator('#rows tr').count(), 1);
    } finally {
      await other.close();
      guarded.close();
    }
  });

  it('drops the calls of a cleared session', async () => {
    await fetch(`${url}/__admin/requests?session=support`, { method: 'DELETE' });
    await waitForRowCount(2);
    assert.equal(await page.locator('#rows tr', { hasText: 'support' }).count(), 0);
  });
});
