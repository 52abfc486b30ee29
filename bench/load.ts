// One load run against one server: wrk (Debian's package) when it is there,
// else autocannon from npm. Both keep 50 connections open on one thread.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import type { Workload } from './workloads.js';

const run = promisify(execFile);

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  requests: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Stop after this many responses (for the memory runs). */
  requests?: number;
}

let wrkAvailable: boolean | undefined;
export async function hasWrk(): Promise<boolean> {
  if (wrkAvailable === undefined) wrkAvailable = await run('wrk', ['--version']).then(() => true, (e: { stdout?: string }) => Boolean(e.stdout?.includes('wrk')));
  return wrkAvailable;
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function wrkScript(workload: Workload): string {
  const headers = Object.entries(workload.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  const body = workload.body === undefined ? [] : [`wrk.body = ${luaString(workload.body)}`];
  return [`wrk.method = ${luaString(workload.method ?? 'POST')}`, ...body, ...headers].join('\n');
}

function toMs(value: string, unit: string): number {
  return Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);
}

async function wrk(url: string, workload: Workload, options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(workload));
  const { stdout } = await run('wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script, url + workload.path], { maxBuffer: 1 << 20 });
  const latency = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(stdout);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    errors: socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN),
  };
}

async function viaAutocannon(url: string, workload: Workload, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: url + workload.path,
    method: (workload.method ?? 'POST') as 'POST',
    headers: workload.headers,
    body: workload.body,
    connections: options.connections,
    ...(options.requests === undefined ? { duration: options.seconds } : { amount: options.requests }),
  });
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

export async function load(url: string, workload: Workload, options: LoadOptions): Promise<LoadResult> {
  // A fixed number of requests goes to autocannon: wrk can only stop a thread
  // early, and its main thread then still sleeps out the whole duration.
  if (options.requests !== undefined) return viaAutocannon(url, workload, options);
  return (await hasWrk()) ? wrk(url, workload, options) : viaAutocannon(url, workload, options);
}
