// The live journal page: GET /__admin/ui (one static HTML file, no build
// step), GET /__admin/events (server-sent events: a summary of each call as
// it is recorded) and GET /__admin/requests/:id (one call in full, with the
// raw request and response text for pretty-printing).
import { readFileSync } from 'node:fs';
import type { Request, Response, Router } from 'express';
import { formatIso } from '../core/clock.js';
import { showEntry, type StoredEntry, unshownEntry } from '../journal/entry.js';
import type { JournalEvent } from '../journal/journal.js';
import { contractWarnings } from '../journal/warnings.js';
import type { AdminView } from '../store/admin-view.js';
import { adminViewOf, type Stub } from '../stub.js';
import { Problem } from './problem.js';
import { namedSession } from './session.js';

const PAGE = new URL('../../ui/index.html', import.meta.url);
/** How many past calls a new stream starts with. */
const BACKLOG = 500;
/**
 * How many a stream resuming after Last-Event-ID (or ?after=, the page's) may catch up with: the default
 * --journal-limit, so that a page dropped for not reading misses nothing the journal still holds.
 */
const RESUME_BACKLOG = 10_000;
/**
 * How many bytes may wait for one client beyond its backlog. A summary is ~350 bytes: a page that reads
 * is never near it; one that stopped (a frozen tab, a paused debugger, a stuck script) is dropped there,
 * and resumes from its Last-Event-ID when it reads again.
 */
export const LIVE_BUFFER_LIMIT = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** What the list shows of one call. */
export function summary(entry: StoredEntry) {
  if (entry.unreadable !== undefined) throw new Error(entry.unreadable);
  const { record, response } = entry.result;
  return {
    id: entry.id,
    session: entry.session,
    time: formatIso(entry.time),
    api: record.api,
    operation: record.operation,
    method: entry.request.method,
    path: entry.request.path,
    status: response.status,
    valid: record.valid,
    errors: record.errors.length,
    // How many of those errors are only contract warnings (the page shows a warning, not a rejection).
    warnings: contractWarnings(record).length,
    durationMs: entry.durationMs,
    ...(entry.fault ? { fault: entry.fault } : {}),
  };
}

/** The summary as JSON, or an UnshownEntry in its place: it is made in the journal's listener, on the request path, so it never throws. */
function summaryJson(entry: StoredEntry): string {
  try {
    return JSON.stringify(summary(entry));
  } catch (error) {
    return JSON.stringify(unshownEntry(entry, error));
  }
}

let page: string | undefined;

function sendPage(_req: Request, res: Response): void {
  page ??= readFileSync(PAGE, 'utf8');
  res.set('Cache-Control', 'no-store');
  res.set('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:");
  res.type('html').send(page);
}

/**
 * A stream of `entry` events (the summary, id as the event id, so a
 * reconnecting EventSource resumes after Last-Event-ID) and `cleared` events.
 * Writes are batched per turn of the event loop, off the request path. A
 * client that stops reading is dropped once more than LIVE_BUFFER_LIMIT bytes
 * wait for it, instead of the server holding every event for it.
 */
async function streamEvents(stub: Stub, admin: AdminView, req: Request, res: Response): Promise<void> {
  const after = Number(req.headers['last-event-id'] ?? req.query.after ?? 0) || 0;
  // ?session= (or X-Stub-Session): that session's calls only, and the clears that reach it.
  const session = namedSession(req);
  // With a shared store the backlog and the feed come from Redis (every replica's calls); with memory, at once.
  const read = admin.newest(after > 0 ? RESUME_BACKLOG : BACKLOG, after, session);
  const backlog = read instanceof Promise ? await read : read;
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  const frame = (entry: StoredEntry) => `id: ${entry.id}\nevent: entry\ndata: ${summaryJson(entry)}\n\n`;
  const start = `retry: 1000\n${backlog.map(frame).join('')}\n`;
  res.write(start);
  // The backlog may wait in full (it is bounded by RESUME_BACKLOG); past it, LIVE_BUFFER_LIMIT.
  const allowance = Buffer.byteLength(start) + LIVE_BUFFER_LIMIT;

  let pending: string[] = [];
  // A stream can end (the page went away, shutdown, or it was dropped) between a call and its flush.
  const open = () => !res.writableEnded && !res.destroyed;
  /** Writes unless the client has left too much unread (res.writableLength: what Node and the socket still hold for it): then drops it. */
  const send = (text: string) => {
    if (!open()) return;
    if (res.writableLength > allowance) res.destroy();
    else res.write(text);
  };
  const flush = () => {
    const text = pending.join('');
    pending = [];
    send(text);
  };
  const unsubscribe = admin.subscribe(backlog.at(-1)?.id ?? after, (event: JournalEvent) => {
    if (event.kind === 'closing') return void (open() && res.end());
    if (!open()) return;
    if (session !== undefined && (event.kind === 'added' ? event.entry.session !== session : event.session !== undefined && event.session !== session)) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(event.kind === 'added' ? frame(event.entry) : `event: cleared\ndata: ${JSON.stringify({ session: event.session ?? null })}\n\n`);
  });
  const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
  res.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
  });
}

export function addLiveRoutes(router: Router, stub: Stub): void {
  const admin = adminViewOf(stub);
  router.get('/ui', sendPage);
  router.get('/events', (req, res) => streamEvents(stub, admin, req, res));
  router.get('/requests/:id', async (req, res) => {
    const id = /^\d+$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
    const read = admin.get(id);
    const entry = read instanceof Promise ? await read : read;
    if (!entry) throw new Problem('notFound', `No call ${String(req.params.id)} in the journal (evicted, cleared, or never made).`);
    const raw = { request: entry.request.body.toString('utf8'), response: entry.result.response.body };
    res.type('application/json; charset=utf-8').send(showEntry(entry, stub.journalSecrets, () => ({ raw })));
  });
}
