// The live journal page at /__admin/ui, in a real browser: Debian's chromium
// driven by playwright-core. Calls made while it is open appear; filters by
// session, API and status work; one call opens with its bodies pretty-printed
// and its validation errors highlighted; a call the real server accepts but
// the seed's schema does not (no responsibleId) shows a warning, not a
// rejection; #call=ID opens one call; at 1280 and 800 px wide nothing is cut
// or scrolls sideways (measured in the page, not compared as pixels).
// Screenshots go to a temp dir; TASKSTUB_UPDATE_SCREENSHOT=1 also writes the
// 1280 one to docs/ui.png (README's picture), which plain runs leave alone.
// Without /usr/bin/chromium the browser tests skip, unless
// TASKSTUB_REQUIRE_BROWSER=1 (set by .ci/run, which installs chromium).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCli } from './cli-helpers.js';
import { agent, listening, ROOT, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.TASKSTUB_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing and TASKSTUB_REQUIRE_BROWSER=1`);
const README_SCREENSHOT = join(ROOT, 'docs', 'ui.png');

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


/** What the layout tests measure, in CSS pixels. */
interface Layout {
  viewport: { width: number; height: number };
  /** scrollWidth and clientWidth of the page, the list's container and the detail pane. */
  page: [number, number];
  list: [number, number];
  detail: [number, number];
  /** The header cells that are shown (narrow lists hide some columns). */
  headers: { text: string; left: number; right: number; top: number; bottom: number; scrollWidth: number; clientWidth: number }[];
  /** The check column's cells: each badge's box, and whether its cell clips it. */
  checks: { left: number; right: number; scrollWidth: number; clientWidth: number }[];
}

// A string, not a function: tsx would wrap a function's inner helpers in its own __name, which the page does not have.
const MEASURE = `(() => {
  const widths = (e) => [e.scrollWidth, e.clientWidth];
  const shown = (e) => getComputedStyle(e).display !== 'none';
  return {
    viewport: { width: innerWidth, height: innerHeight },
    page: widths(document.scrollingElement),
    list: widths(document.getElementById('list')),
    detail: widths(document.getElementById('detail')),
    headers: [...document.querySelectorAll('thead th')].filter(shown).map((th) => {
      const r = th.getBoundingClientRect();
      return { text: th.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, scrollWidth: th.scrollWidth, clientWidth: th.clientWidth };
    }),
    checks: [...document.querySelectorAll('#rows tr:not([hidden]) td.c-check')].map((td) => {
      const r = td.firstElementChild.getBoundingClientRect();
      return { left: r.left, right: r.right, scrollWidth: td.scrollWidth, clientWidth: td.clientWidth };
    }),
  };
})()`;

describe('the live journal page in chromium', { skip: hasBrowser ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  let close: () => void;
  const screenshots = mkdtempSync(join(tmpdir(), 'taskstub-ui-'));

  before(async () => {
    ({ url, close } = await listening());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/__admin/ui`);
    await page.locator('#conn.live').waitFor();
  });

  after(async () => {
    await browser?.close();
    close();
  });

  const rows = () => page.locator('#rows tr:not([hidden])');
  const shownIds = async () => (await page.evaluate("[...document.querySelectorAll('#rows tr:not([hidden])')].map((tr) => Number(tr.dataset.id))")) as number[];
  /** Polls from the test side: the page's CSP (no eval) rules out waitForFunction. */
  async function waitForRowCount(n: number, on = page): Promise<void> {
    for (let waited = 0; (await on.locator('#rows tr').count()) !== n; waited += 20) {
      if (waited > 5000) throw new Error(`the page shows ${await on.locator('#rows tr').count()} rows, not ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const post = (path: string, headers: Record<string, string>, body: string) => fetch(url + path, { method: 'POST', headers, body });
  /** Call 5: a create the real server accepts (201) although the seed documents responsibleId as required. */
  const WARNING_CALL = 5;

  it('shows calls as they arrive', async () => {
    await post('/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'checkout' }, JSON.stringify({ ...VALID, responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB' }));
    await post('/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'checkout' }, JSON.stringify({ title: 'no deadline', categoryId: 1 }));
    await post('/api/Task', { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Session': 'support' }, JSON.stringify({ subject: 'Printer on fire', task_type_id: 'not-a-guid' }));
    await post('/api/Task', { ...WELLO_AUTH, 'Content-Type': 'application/xml', Accept: 'application/xml', 'X-Stub-Session': 'support' }, '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>Toner</subject></task>');
    await post('/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': 'checkout' }, JSON.stringify(VALID));
    await waitForRowCount(5);
    assert.equal(await rows().count(), 5);
    assert.equal(await page.locator('#rows tr').first().locator('td.c-request').textContent(), 'POST /api/2.0/crm/task', 'newest first');
    assert.equal(await page.locator('#rows tr').nth(1).locator('td.c-request').textContent(), 'POST /api/Task');
    assert.equal(await page.locator('#count').textContent(), '5 shown of 5');
  });

  it('marks a call without responsibleId (201) with a warning badge, unlike a rejected call (400) and a valid one', async () => {
    const badge = (id: number) => page.locator(`#rows tr[data-id="${id}"] .check`);
    assert.equal(await badge(WARNING_CALL).textContent(), '⚠ warning');
    assert.equal(await badge(WARNING_CALL).getAttribute('class'), 'check warning');
    assert.equal(await badge(2).textContent(), '✗ invalid', 'no deadline: rejected, though it lacks responsibleId too');
    assert.equal(await badge(3).textContent(), '✗ invalid');
    assert.equal(await badge(1).textContent(), '✓ valid');
    const looks = (await page.evaluate(
      `[${WARNING_CALL}, 2, 1].map((id) => getComputedStyle(document.querySelector('#rows tr[data-id="' + id + '"] .check'))).map((s) => s.color + ' on ' + s.backgroundColor)`,
    )) as string[];
    assert.equal(new Set(looks).size, 3, `three different looks: ${looks.join(' | ')}`);

    await page.locator(`#rows tr[data-id="${WARNING_CALL}"]`).click();
    await page.locator('#detail h2', { hasText: `#${WARNING_CALL} ` }).waitFor();
    assert.match((await page.locator('#detail h2').textContent())!, /→ 201⚠ warning$/);
    assert.equal(await page.locator('#detail ul.warnings').textContent(), "/responsibleId: documented as required; the real server accepts it (schema: must have required property 'responsibleId')");
    assert.equal(await page.locator('#detail ul.errors').count(), 0, 'not listed as a validation error');
  });

  it('filters by session, API and status, and by the check: invalid requests, contract warnings', async () => {
    await page.selectOption('#f-session', 'support');
    assert.equal(await rows().count(), 2);
    await page.selectOption('#f-session', '');
    await page.selectOption('#f-api', 'onlyoffice');
    assert.equal(await rows().count(), 3);
    await page.selectOption('#f-status', '4');
    assert.equal(await rows().count(), 1, 'the ONLYOFFICE call without a deadline');
    await page.selectOption('#f-api', '');
    assert.equal(await rows().count(), 2, 'both 400s');
    await page.selectOption('#f-status', 'invalid');
    assert.deepEqual(await shownIds(), [3, 2], 'the two rejected calls, not the warning');
    await page.selectOption('#f-status', 'warning');
    assert.deepEqual(await shownIds(), [WARNING_CALL]);
    await page.selectOption('#f-status', '');
    assert.equal(await rows().count(), 5);
  });

  it('opens one call: bodies pretty-printed, JSON and XML, validation errors highlighted', async () => {
    await page.locator('#rows tr', { hasText: 'checkout' }).filter({ hasText: '400' }).click();
    await page.locator('#detail h2', { hasText: '→ 400' }).waitFor();
    assert.match((await page.locator('#detail h2').textContent())!, /POST \/api\/2\.0\/crm\/task → 400/);
    assert.match((await page.locator('ul.errors').textContent())!, /must have required property 'deadline'/);
    const requestBody = await page.locator('pre.body').first().innerText();
    assert.match(requestBody, /^\{\n {2}"title": "no deadline",\n {2}"categoryId": 1\n\}$/);
    const responseBody = await page.locator('pre.body').nth(1).innerText();
    assert.match(responseBody, /"statusCode": 400/);

    await page.locator('#rows tr', { hasText: 'support' }).filter({ hasText: '400' }).click();
    await page.locator('#detail h2', { hasText: '/api/Task → 400' }).waitFor();
    const marked = page.locator('pre.body').first().locator('.line.error');
    assert.equal(await marked.count(), 1);
    assert.match((await marked.textContent())!, /"task_type_id": "not-a-guid"/);

    await page.locator('#rows tr', { hasText: 'support' }).filter({ hasText: '201' }).click();
    await page.locator('#detail h2', { hasText: '/api/Task → 201' }).waitFor();
    const xml = await page.locator('pre.body').nth(1).innerText();
    assert.match(xml, /^<task xmlns:i="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance">\n {2}<archived>false<\/archived>\n/);
    assert.match(xml, /\n {2}<subject>Toner<\/subject>\n/);
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 800, height: 900 },
  ]) {
    it(`at ${viewport.width}x${viewport.height}: no horizontal scroll, every header cell fully shown, the check column visible; a screenshot`, async () => {
      await page.setViewportSize(viewport);
      await page.locator(`#rows tr[data-id="${WARNING_CALL}"]`).click();
      await page.locator('#detail h2', { hasText: `#${WARNING_CALL} ` }).waitFor();
      const layout = (await page.evaluate(MEASURE)) as Layout;
      assert.deepEqual(layout.viewport, viewport);
      const [pageScroll, pageClient] = layout.page;
      assert.ok(pageScroll <= pageClient, `the page scrolls sideways: ${pageScroll} > ${pageClient}`);
      assert.ok(layout.list[0] <= layout.list[1], `the list scrolls sideways: ${layout.list.join(' > ')}`);
      assert.ok(layout.detail[0] <= layout.detail[1], `the detail scrolls sideways: ${layout.detail.join(' > ')}`);

      const shown = layout.headers.map((h) => h.text);
      for (const essential of ['#', 'session', 'request', 'status', 'check']) assert.ok(shown.includes(essential), `the ${essential} column is shown (${shown.join(', ')})`);
      if (viewport.width === 1280) assert.deepEqual(shown, ['#', 'time', 'session', 'API', 'request', 'status', 'check'], 'at 1280 every column');
      for (const h of layout.headers) {
        assert.ok(h.left >= 0 && h.right <= viewport.width + 0.5, `header "${h.text}" spans ${h.left}..${h.right}, outside the ${viewport.width} px viewport`);
        assert.ok(h.top >= 0 && h.bottom <= viewport.height, `header "${h.text}" spans ${h.top}..${h.bottom} vertically`);
        assert.ok(h.scrollWidth <= h.clientWidth, `header "${h.text}" is cut: its text needs ${h.scrollWidth} px of ${h.clientWidth}`);
      }
      assert.equal(layout.checks.length, 5);
      for (const c of layout.checks) {
        assert.ok(c.left >= 0 && c.right <= viewport.width + 0.5, `a check badge spans ${c.left}..${c.right}`);
        assert.ok(c.scrollWidth <= c.clientWidth, `a check badge is cut: ${c.scrollWidth} > ${c.clientWidth}`);
      }

      const file = join(screenshots, `ui-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path: file });
      assert.ok(statSync(file).size > 10_000, 'a real picture');
      if (viewport.width === 1280 && process.env.TASKSTUB_UPDATE_SCREENSHOT === '1') copyFileSync(file, README_SCREENSHOT);
    });
  }

  it('#call=ID opens that call on load; picking another call puts its id in the address; an edited address opens its call', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await other.goto(`${url}/__admin/ui#call=${WARNING_CALL}`);
      await other.locator('#detail h2', { hasText: `#${WARNING_CALL} POST /api/2.0/crm/task → 201` }).waitFor();
      await other.locator(`#rows tr.selected[data-id="${WARNING_CALL}"]`).waitFor();
      assert.equal(await other.locator('#rows tr.selected').count(), 1);

      await other.locator('#rows tr[data-id="3"]').click();
      await other.locator('#detail h2', { hasText: '#3 POST /api/Task → 400' }).waitFor();
      assert.equal(new URL(other.url()).hash, '#call=3');

      await other.evaluate('location.hash = "#call=1"');
      await other.locator('#detail h2', { hasText: '#1 POST /api/2.0/crm/task → 201' }).waitFor();
      assert.equal(await other.locator('#rows tr.selected').getAttribute('data-id'), '1');
    } finally {
      await other.close();
    }
  });

  it('#call= with an id the journal does not hold, or that is no id, says so instead of a blank page', async () => {
    const other = await browser.newPage({ viewport: { width: 800, height: 900 } });
    try {
      await other.goto(`${url}/__admin/ui#call=999`);
      await other.locator('#missing').waitFor();
      assert.match((await other.locator('#missing').textContent())!, /^There is no call 999 in the journal: it was cleared or evicted/);
      await other.locator('#conn.live').waitFor();
      await waitForRowCount(5, other);
      assert.equal(await other.locator('#rows tr.selected').count(), 0, 'no row is marked as shown');

      await other.evaluate('location.hash = "#call=abc"');
      await other.locator('#missing', { hasText: 'not a call id' }).waitFor();
      assert.equal(await other.locator('#missing').textContent(), '"abc" in the address is not a call id: use #call= and a number, as in #call=12.');
    } finally {
      await other.close();
    }
  });

  it('with an admin token, asks for it, then goes live, and then opens the call in the address', async () => {
    const guarded = await listening({ adminToken: 'ui-secret' });
    const other = await browser.newPage();
    try {
      await fetch(`${guarded.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"guarded"}' });
      await other.goto(`${guarded.url}/__admin/ui#call=1`);
      await other.locator('#auth.shown').waitFor();
      assert.equal(await other.locator('#conn').textContent(), 'needs the admin token');
      await other.fill('#token', 'ui-secret');
      await other.click('#token-go');
      await other.locator('#conn.live').waitFor();
      await other.locator('#rows tr', { hasText: '/api/Task' }).waitFor();
      assert.equal(await other.locator('#rows tr').count(), 1);
      await other.locator('#detail h2', { hasText: '#1 POST /api/Task → 201' }).waitFor();
    } finally {
      await other.close();
      guarded.close();
    }
  });

  it('drops the calls of a cleared session', async () => {
    await fetch(`${url}/__admin/requests?session=support`, { method: 'DELETE' });
    await waitForRowCount(3);
    assert.equal(await page.locator('#rows tr', { hasText: 'support' }).count(), 0);
  });

  it('filters by route: one option per API operation seen, added as calls to a new route arrive', async () => {
    await post('/api/2.0/authentication', { 'Content-Type': 'application/json' }, JSON.stringify({ userName: 'a@b.c', password: 'x' }));
    await waitForRowCount(4);
    const options = await page.locator('#f-route option').allTextContents();
    assert.deepEqual(options, ['all', 'ONLYOFFICE createTask', 'Wello createTask', 'ONLYOFFICE authenticate']);
    await page.selectOption('#f-route', 'onlyoffice authenticate');
    assert.equal(await rows().count(), 1);
    await page.selectOption('#f-route', 'onlyoffice createTask');
    assert.equal(await rows().count(), 3);
    await page.selectOption('#f-route', '');
  });
});
