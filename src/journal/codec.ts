// A journal entry to bytes and back, so that the journal can hold its
// entries outside the V8 heap (record-ring.ts). Everything an entry holds
// round-trips exactly, key order included; only the record of a call whose
// check was deferred (a CheckedLater result) is stored without its
// verdict, which is computed again from the stored request when read.
import type { CoreRequest, CoreResponse, RequestHeaders } from '../core/http.js';
import { type ApiName, type CallRecord, CheckedLater, type CoreResult, type IssuedIds, type RequestError, type Verdict } from '../core/record.js';
import type { Ticks } from '../core/ticks.js';
import type { Fault } from '../generated/admin/fault.js';
import { ByteReader, type ByteWriter } from './bytes.js';

/** What an entry holds besides its id and session, which the journal keeps beside the bytes. */
export interface EntryFields {
  time: Ticks;
  request: CoreRequest;
  result: CoreResult;
  durationMs: number;
  fault?: Fault | undefined;
}

/** Computes a deferred record's verdict from the stored request (the API's own check). */
export type Recheck = (api: ApiName, operation: string, request: CoreRequest) => Verdict;

const INVALID = 0;
const VALID = 1;
const DEFERRED = 2;
const HAS_FAULT = 4;

// Each issued id is written as a tag, then its value.
const ISSUED_TASK_ID = 1;
const ISSUED_ID2 = 2;
const ISSUED_GUIDS = 3;
const ISSUED_TOKEN = 4;

const HEADER_STRING = 0;
const HEADER_LIST = 1;

/** What the journal's matchers look at first: read from the head of the bytes, without decoding the rest. */
export interface CallSummary {
  api: ApiName;
  operation: string;
  method: string;
  path: string;
  status: number;
}

// The layout: the summary first (flags, status, api, operation, method, path), then everything else.
export function encodeEntry(w: ByteWriter, fields: EntryFields): void {
  const { request, result } = fields;
  // A deferred verdict is not computed here: the identity of the call is read from the result itself.
  const deferred = result instanceof CheckedLater;
  const identity: Omit<CallRecord, 'valid' | 'errors'> = deferred ? result : result.record;
  const verdict = deferred ? DEFERRED : result.record.valid ? VALID : INVALID;
  w.reset();
  w.u8(verdict | (fields.fault ? HAS_FAULT : 0));
  w.u32(result.response.status);
  w.str(identity.api);
  w.str(identity.operation);
  w.str(request.method);
  w.str(request.path);
  w.i64(fields.time);
  w.f64(fields.durationMs);
  writePairs(w, request.query);
  // The raw query string, when the adapter kept it (a check made later reads repeated names as the answer did).
  w.u8(request.rawQuery === undefined ? 0 : 1);
  if (request.rawQuery !== undefined) w.str(request.rawQuery);
  writeRequestHeaders(w, request.headers);
  w.raw(request.body);
  writePairs(w, result.response.headers);
  w.str(result.response.body);
  if (!deferred) writeErrors(w, result.record.errors);
  writeIssued(w, identity.issued);
  if (fields.fault) w.str(JSON.stringify(fields.fault));
}

/** Reads the summary, which follows the flags byte. */
function readSummary(r: ByteReader): CallSummary {
  const status = r.u32();
  return { status, api: r.str() as ApiName, operation: r.str(), method: r.str(), path: r.str() };
}

export function decodeSummary(bytes: Buffer): CallSummary {
  const r = new ByteReader(bytes);
  r.u8();
  return readSummary(r);
}

/** Everything before the answer: the flags, the summary, time and duration, the request. */
function readHead(r: ByteReader) {
  const flags = r.u8();
  const summary = readSummary(r);
  const time = r.i64();
  const durationMs = r.f64();
  const query = readPairs(r);
  const rawQuery = r.u8() === 1 ? r.str() : undefined;
  const request: CoreRequest = { method: summary.method, path: summary.path, query, ...(rawQuery === undefined ? {} : { rawQuery }), headers: readRequestHeaders(r), body: r.raw() };
  return { flags, summary, time, durationMs, request };
}

/** The request alone: what a body matcher needs, without the answer. */
export function decodeRequest(bytes: Buffer): CoreRequest {
  return readHead(new ByteReader(bytes)).request;
}

export function decodeEntry(bytes: Buffer, recheck: Recheck): EntryFields {
  const r = new ByteReader(bytes);
  const { flags, summary, time, durationMs, request } = readHead(r);
  const { api, operation } = summary;
  const response: CoreResponse = { status: summary.status, headers: readPairs(r), body: r.str() };
  const verdict = flags & 3;
  const errors = verdict === DEFERRED ? undefined : readErrors(r);
  const issued = readIssued(r);
  const fault = flags & HAS_FAULT ? (JSON.parse(r.str()) as Fault) : undefined;
  const result: CoreResult = errors
    ? { response, record: { api, operation, valid: verdict === VALID, errors, issued } }
    : new CheckedLater(response, api, operation, issued, request, (op, req) => recheck(api, op, req));
  return { time, request, result, durationMs, fault };
}

function writePairs(w: ByteWriter, pairs: Record<string, string>): void {
  const count = w.u32Later();
  let n = 0;
  for (const name in pairs) {
    w.str(name);
    w.str(pairs[name]!);
    n++;
  }
  w.u32At(count, n);
}

function readPairs(r: ByteReader): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (let n = r.u32(); n > 0; n--) {
    const name = r.str();
    pairs[name] = r.str();
  }
  return pairs;
}

function writeRequestHeaders(w: ByteWriter, headers: RequestHeaders): void {
  const count = w.u32Later();
  let n = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    w.str(name);
    if (typeof value === 'string') {
      w.u8(HEADER_STRING);
      w.str(value);
    } else {
      w.u8(HEADER_LIST);
      w.u32(value.length);
      for (const item of value) w.str(item);
    }
    n++;
  }
  w.u32At(count, n);
}

function readRequestHeaders(r: ByteReader): RequestHeaders {
  const headers: RequestHeaders = {};
  for (let n = r.u32(); n > 0; n--) {
    const name = r.str();
    if (r.u8() === HEADER_STRING) {
      headers[name] = r.str();
    } else {
      const list: string[] = [];
      for (let k = r.u32(); k > 0; k--) list.push(r.str());
      headers[name] = list;
    }
  }
  return headers;
}

function writeErrors(w: ByteWriter, errors: readonly RequestError[]): void {
  w.u32(errors.length);
  for (const e of errors) {
    w.str(e.path);
    w.str(e.message);
  }
}

function readErrors(r: ByteReader): RequestError[] {
  const errors: RequestError[] = [];
  for (let n = r.u32(); n > 0; n--) errors.push({ path: r.str(), message: r.str() });
  return errors;
}

/** The ids a call issued, in the order the API set them (the journal shows them as they were). */
function writeIssued(w: ByteWriter, issued: IssuedIds): void {
  const keys = (Object.keys(issued) as (keyof IssuedIds)[]).filter((key) => issued[key] !== undefined);
  w.u8(keys.length);
  for (const key of keys) {
    const value = issued[key];
    if (key === 'taskId' || key === 'id2') {
      w.u8(key === 'taskId' ? ISSUED_TASK_ID : ISSUED_ID2);
      w.f64(value as number);
    } else if (key === 'guids') {
      w.u8(ISSUED_GUIDS);
      const guids = value as string[];
      w.u32(guids.length);
      for (const guid of guids) w.str(guid);
    } else {
      w.u8(ISSUED_TOKEN);
      w.str(value as string);
    }
  }
}

function readIssued(r: ByteReader): IssuedIds {
  const issued: IssuedIds = {};
  for (let n = r.u8(); n > 0; n--) {
    const kind = r.u8();
    if (kind === ISSUED_TASK_ID) issued.taskId = r.f64();
    else if (kind === ISSUED_ID2) issued.id2 = r.f64();
    else if (kind === ISSUED_GUIDS) {
      const guids: string[] = [];
      for (let k = r.u32(); k > 0; k--) guids.push(r.str());
      issued.guids = guids;
    } else issued.token = r.str();
  }
  return issued;
}
