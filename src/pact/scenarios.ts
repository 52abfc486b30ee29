// `taskstub pact <scenarios...>`: QA scenarios as a Pact file. Each scenario
// is replayed (src/replay/run.ts, exactly as `taskstub replay` runs it) against
// a stub started in this process on a free port of 127.0.0.1, and each of its
// steps becomes one interaction, answered as the stub answered it, with the
// scenario's name as the provider state: the pact says what the scenarios
// say, in the form a Pact verifier runs.
//
// - A scenario that fails against the stub is not exported (its expectations
//   and the stub's answers disagree: neither is a contract); the caller says so.
// - Scenarios marked `"requires": "stub"` (faults, sessions, a dispatcher's
//   admin PATCH) test taskstub's own features, which the real API does not
//   have: left out, and listed.
// - A step that reads back, changes or deletes what earlier steps made gets a
//   provider state holding those tasks (params.tasks, followed through the
//   steps' calls by held-tasks.ts) and a path made from the state's answer, as
//   a journal export does (export.ts).
// - Credentials are exported as the scenario files write them (they are the
//   files' test credentials, not the journal's secrets); replay's X-Stub-Session
//   header is left out (export.ts), so the verifier's traffic uses the session
//   its provider state resets.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import type { ApiName } from '../core/record.js';
import type { StoredEntry } from '../journal/entry.js';
import { replayRun, type ScenarioResult } from '../replay/run.js';
import type { LoadedScenario } from '../replay/scenarios.js';
import { createStub } from '../stub.js';
import { counterParams, type PactFile, toPact } from './export.js';

export interface ScenarioExportOptions {
  consumer: string;
  provider: string;
  /** Only this API's calls. */
  api?: ApiName;
  /** The stub's fixtures directory (default: the shipped fixtures/). */
  fixtures?: string;
}

export interface ScenarioExport {
  pact: PactFile;
  /** Scenarios left out, and why. */
  skipped: { scenario: string; file: string; reason: string }[];
  /** Scenarios that failed against the stub (or are not valid scenarios): nothing of them is in the pact. */
  failed: ScenarioResult[];
}

const STUB_ONLY = 'it needs the stub ("requires": "stub": faults, sessions or the admin API), which a contract with the real API has no place for';

/** The highest journal id so far (0 when empty). */
function lastId(entries: readonly { id: number }[]): number {
  return entries.reduce((max, e) => Math.max(max, e.id), 0);
}

export async function pactFromScenarios(loaded: readonly LoadedScenario[], options: ScenarioExportOptions): Promise<ScenarioExport> {
  const skipped: ScenarioExport['skipped'] = [];
  const runnable = loaded.filter((one) => {
    if (one.scenario?.requires !== 'stub') return true;
    skipped.push({ scenario: one.scenario.name, file: one.file, reason: STUB_ONLY });
    return false;
  });

  // A seed, so that the same scenarios export the same GUIDs and tokens (the clock runs: dates are matched by pattern).
  const stub = createStub({ seed: 1, ...(options.fixtures ? { fixtures: options.fixtures } : {}) });
  const server = createApp({}, stub).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Which journal entries each scenario made: those recorded between its start and its end.
  const made = new Map<number, { from: number; to: number }>();
  let results: ScenarioResult[];
  try {
    let from = 0;
    ({ results } = await replayRun(runnable, {
      target,
      registry: stub.context.registry,
      onProgress(event) {
        const last = lastId(stub.journal.calls());
        if (event.kind === 'start') from = last;
        else made.set(event.index, { from, to: last });
      },
    }));
  } finally {
    server.closeAllConnections();
    server.close();
  }

  const failed = results.filter((r) => !r.ok);
  const entries: StoredEntry[] = [];
  const describeOf = new Map<StoredEntry, { description: string; scenario: string; file: string }>();
  results.forEach((result, index) => {
    const range = made.get(index);
    const scenario = runnable[index]?.scenario;
    if (!result.ok || result.skipped !== undefined || !range || !scenario) return;
    const calls = stub.journal.calls().filter((call) => call.id > range.from && call.id <= range.to);
    calls.forEach((call, i) => {
      const entry = call.entry();
      if (options.api !== undefined && call.unreadable === undefined && entry.result.record.api !== options.api) return;
      // One request per step, in order (replay sends each step once, and a scenario that passed sent them all).
      const step = calls.length === scenario.steps.length ? scenario.steps[i]?.name : undefined;
      entries.push(entry);
      describeOf.set(entry, { description: step ?? `step ${i + 1}`, scenario: scenario.name, file: result.file });
    });
  });

  const pact = toPact(entries, {
    consumer: options.consumer,
    provider: options.provider,
    secrets: true,
    describe(entry) {
      const { description, scenario, file } = describeOf.get(entry)!;
      const params = counterParams(entry);
      return {
        description,
        state: { name: scenario, ...(Object.keys(params).length ? { params } : {}) },
        comments: [`taskstub scenario ${JSON.stringify(scenario)} (${file})`],
      };
    },
  });
  return { pact, skipped, failed };
}
