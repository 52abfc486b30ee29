// The request path with a shared store (issue #18): one API call answered by
// the synchronous core against per-call stand-ins (overlay.ts), with one
// `begin` round trip between a recording pass and the real one (the draws, a
// reserved room, and the reads the recording pass noted), and one `commit`
// round trip after it (task writes, tokens and the journal entry together).
// Redis away: the API's own error shape with 503, never a hang, never a
// fallback to memory.
import { performance } from 'node:perf_hooks';
import type { Api, HandleOptions } from '../../core/api.js';
import { type CallClock, type Clock, createClock } from '../../core/clock.js';
import type { CoreRequest } from '../../core/http.js';
import { DEFAULT_SESSION, sessionName, sessionNameProblem, SESSION_HEADER, type SessionStore } from '../../core/sessions.js';
import { type Fault, faultCallView, faultFromHeaders, FaultHeaderError } from '../../faults.js';
import { ByteWriter } from '../../journal/bytes.js';
import { encodeEntry } from '../../journal/codec.js';
import type { StoredEntry } from '../../journal/entry.js';
import type { StoredTask } from '../task-table.js';
import { taskRow } from './tasks.js';
import type { TokenStore } from '../store.js';
import { StoreUnavailableError } from './connect.js';
import type { BeginNeeds, BeginRead, BeginReadAnswer, CommitWrites, RedisStore } from './index.js';
import { CallDraws, CallPass, type CallPlan, type FetchedTable, NeedMore } from './overlay.js';
import type { ApiName } from '../../core/record.js';
import type { SharedFault } from './faults.js';

/** What the shared path answers: the same as stub.handle's result. */
export interface SharedResult {
  response: { status: number; headers: Record<string, string | string[]>; body: string };
  record: unknown;
  delayMs?: number;
  reset?: boolean;
}

/** A token store whose calls go to whatever `target` is now (the memory one outside calls, a pass's inside). */
export class SwappableTokens implements TokenStore {
  constructor(public target: TokenStore) {}
  remember(token: string, login: string): void {
    this.target.remember(token, login);
  }
  loginOf(token: string): string | undefined {
    return this.target.loginOf(token);
  }
  get size(): number {
    return this.target.size;
  }
  clear(): void {
    this.target.clear();
  }
}

export interface SharedPathDeps {
  store: RedisStore;
  seed: number;
  /** The stub's context: its `sessions` is swapped for each pass's. */
  context: { sessions: SessionStore; clock: CallClock };
  tokens: SwappableTokens;
  /** A fault-header problem, in the admin API's problem+json (stub.ts). */
  faultHeaderProblem: (error: FaultHeaderError) => SharedResult['response'];
  /** Told each entry recorded, with its id (the journal file). */
  recorded?: (entry: StoredEntry) => void;
}

/** How many times a call is run again for a draw or read its first pass did not foresee. */
const MAX_PASSES = 8;
const MAX_STALE = 8;

/** The real clock: the instant of a call whose session and the global clock are not frozen. */
const realClock = createClock();

export function createSharedPath(deps: SharedPathDeps) {
  const { store, seed, context, tokens } = deps;
  // One writer for every call's entry (its 16 KB buffer reused): the bytes are copied out before any await.
  const writer = new ByteWriter();
  const mirror = store.faultMirror;

  /** Runs the core once, synchronously, against a pass's stand-ins. */
  function run<R>(pass: CallPass, time: bigint, go: () => R): R {
    const sessions = context.sessions;
    const outsideTokens = tokens.target;
    (context as { sessions: SessionStore }).sessions = pass.sessions;
    tokens.target = pass.tokens;
    context.clock.begin(time);
    try {
      return go();
    } finally {
      context.clock.end();
      (context as { sessions: SessionStore }).sessions = sessions;
      tokens.target = outsideTokens;
    }
  }

  /** The reads a plan noted, as begin and the reads script take them. */
  function readsOf(plan: CallPlan): BeginRead[] {
    const reads: BeginRead[] = [];
    for (const [api, r] of plan.reads) {
      if (r.values) {
        reads.push({ what: 'values', api });
        continue;
      }
      if (r.size) reads.push({ what: 'size', api });
      for (const id of r.gets) reads.push({ what: 'get', api, id });
      for (const key of r.counts) reads.push({ what: 'count', api, key });
    }
    for (const token of plan.tokenReads) reads.push({ what: 'token', token });
    return reads;
  }

  /** Puts the answers to `reads` where the next pass finds them. */
  function fill(plan: CallPlan, data: CallPass['data'], reads: BeginRead[], answers: BeginReadAnswer[]): void {
    reads.forEach((read, i) => {
      const answer = answers[i] ?? null;
      if (read.what === 'token') {
        data.tokens.set(read.token, answer === null ? null : String(answer));
        return;
      }
      const fetched = data.tables.get(read.api)!;
      if (read.what === 'values') {
        const json = (answer as (string | null)[]).filter((j): j is string => j !== null);
        fetched.setValues(json.map((j) => JSON.parse(j) as StoredTask), plan.reads.get(read.api)!.kind.index);
      } else if (read.what === 'size') fetched.size = Number(answer);
      else if (read.what === 'count') fetched.counts.set(read.key, Number(answer));
      else fetched.gets.set(read.id, answer === null ? null : (JSON.parse(String(answer)) as StoredTask));
    });
  }

  /** The reads a plan noted, fetched in one round trip (one script: one snapshot). */
  async function fetch(session: string, plan: CallPlan, data: CallPass['data']): Promise<void> {
    const reads = readsOf(plan);
    if (reads.length === 0) return;
    fill(plan, data, reads, await store.read(session, reads));
  }

  /** Whether a table the plan touched has fixture tasks not yet put this call (most have none: no await then). */
  function needsSeeding(plan: CallPlan, tables: Map<ApiName, FetchedTable>): boolean {
    for (const [api, kind] of plan.touched) if (kind.initial && !tables.get(api)?.seeded) return true;
    return false;
  }

  /** Puts the fixture tasks of the tables a plan touched, once per session and API (TaskKind.initial). */
  async function seedTables(session: string, plan: CallPlan, data: CallPass['data']): Promise<boolean> {
    let seeded = false;
    for (const [api, kind] of plan.touched) {
      const fetched = data.tables.get(api)!;
      if (!kind.initial || fetched.seeded) continue;
      fetched.seeded = true;
      const first = await store.tasks(session, { api, index: kind.index }).seed(kind.initial, kind.counterFloor);
      seeded ||= first;
    }
    return seeded;
  }

  const needsOf = (plan: CallPlan, reads: BeginRead[]): BeginNeeds => ({
    onlyofficeTaskId: plan.counters.onlyofficeTaskId,
    welloId2: plan.counters.welloId2,
    guids: plan.guids,
    tokens: plan.tokens,
    ...(plan.taskRoom ? { taskRoom: plan.taskRoom } : {}),
    reads,
  });

  /** Adds what begin handed out for `needs` to the draws. */
  function take(draws: CallDraws, needs: BeginNeeds, result: { onlyofficeTaskIds: number[]; welloId2?: number; guidDraw?: number; tokenDraw?: number }): void {
    const range = (first: number | undefined, n: number | undefined, into: number[]) => {
      for (let i = 0; i < (n ?? 0); i++) into.push(first! + i);
    };
    draws.counters.onlyofficeTaskId.push(...result.onlyofficeTaskIds);
    range(result.welloId2, needs.welloId2, draws.counters.welloId2);
    range(result.guidDraw, needs.guids, draws.guids);
    range(result.tokenDraw, needs.tokens, draws.tokens);
  }

  /** The answer while Redis is away: the API's own error shape with 503, recorded nowhere. */
  function unavailable(api: Api, req: CoreRequest, flags: HandleOptions, session: string): SharedResult {
    const pass = new CallPass({ seed, session, clock: realClock, tables: new Map(), tokens: new Map(), maxTasks: store.maxTasks }, new CallDraws());
    const result = run(pass, realClock.now(), () => api.handle(req, { ...flags, forcedStatus: 503 }) as SharedResult);
    result.response = { ...result.response, headers: { ...result.response.headers, 'retry-after': '1' } };
    return result;
  }

  /** A pass's task puts and deletes and the tokens it remembered, sent to Redis. */
  function writesOf(session: string, pass: CallPass): Promise<unknown>[] {
    const writes: Promise<unknown>[] = [];
    for (const write of pass.writes) {
      const table = store.tasks<StoredTask>(session, { api: write.api, index: write.kind.index });
      writes.push('put' in write ? table.put(write.put) : table.delete(write.delete));
    }
    for (const { token, login } of pass.remembered) writes.push(store.tokens.remember(token, login));
    return writes;
  }

  /** A pass's task writes and remembered tokens, as commit takes them. */
  function commitWrites(pass: CallPass, reserved: string | undefined): CommitWrites {
    const tasks: CommitWrites['tasks'][number][] = [];
    for (const write of pass.writes) {
      if ('put' in write) {
        // A GUID this call drew is a task no one has (an ONLYOFFICE id begin handed out could meanwhile be taken by a PUT of that id elsewhere).
        const fresh = typeof write.put.id === 'string' && pass.isFresh(write.put.id);
        tasks.push({ op: 'put', api: write.api, ...taskRow(write.kind, write.put), fresh });
      } else tasks.push({ op: 'delete', api: write.api, id: String(write.delete) });
    }
    return { reserved, tasks, tokens: pass.remembered };
  }

  async function answer(api: Api, req: CoreRequest, flags: HandleOptions = {}): Promise<SharedResult> {
    const started = performance.now();
    const named = sessionName(req.headers[SESSION_HEADER]);
    const badSession = named === DEFAULT_SESSION ? undefined : sessionNameProblem(named);
    const session = badSession === undefined ? named : DEFAULT_SESSION;
    let headerFault: Fault | undefined;
    let headerError: FaultHeaderError | undefined;
    try {
      headerFault = faultFromHeaders(req.headers);
    } catch (error) {
      if (!(error instanceof FaultHeaderError)) throw error;
      headerError = error;
    }
    // Queued faults are matched only when the call names a valid session and brings no fault of its own (as stub.ts does).
    const useQueue = badSession === undefined && headerError === undefined && headerFault === undefined;
    const view = faultCallView(req, api.name, session);
    const tables = new Map<ApiName, FetchedTable>();
    // One object for every pass of the call; its clock becomes the frozen one once begin has read it.
    const callData = { seed, session, clock: realClock as Clock, tables, tokens: new Map<string, string | null>(), maxTasks: store.maxTasks };

    // The core runs more than once for this call: what it reads from the request alone is kept between passes,
    // and the first pass (whose answer is thrown away) renders no successful body.
    const memo = new Map();
    const { method, path, query, rawQuery, headers, body } = req;
    const realReq: CoreRequest = { method, path, query, rawQuery, headers, body, memo };
    const planReq: CoreRequest = { method, path, query, rawQuery, headers, body, memo, planOnly: true };
    /** The core's answer with a fault (or none): as stub.ts's answer(). */
    const core = (fault: Fault | undefined, planOnly = false): SharedResult => {
      const req = planOnly ? planReq : realReq;
      if (badSession !== undefined) return api.handle(req, { ...flags, invalidSession: badSession }) as SharedResult;
      if (headerError) {
        const result = api.handle(req, { ...flags, dropped: true }) as SharedResult;
        result.response = deps.faultHeaderProblem(headerError);
        return result;
      }
      if (!fault) return api.handle(req, flags) as SharedResult;
      const result = api.handle(req, { ...flags, forcedStatus: fault.status, dropped: fault.reset }) as SharedResult;
      if (fault.empty) result.response = { ...result.response, body: '' };
      if (fault.reset) result.reset = true;
      if (fault.delayMs) result.delayMs = fault.delayMs;
      return result;
    };

    try {
      // 1. The record pass, with the fault this replica's mirror chooses; reads that decide draws are fetched first.
      let chosen: SharedFault | undefined;
      let fault: Fault | undefined;
      let plan!: CallPlan;
      const recordPass = () => {
        chosen = useQueue ? mirror.choose(view) : undefined;
        fault = headerFault ?? chosen?.fault;
        const pass = new CallPass(callData, undefined);
        run(pass, callData.clock.now(), () => core(fault, true));
        plan = pass.plan;
      };
      recordPass();
      for (let i = 0; i < 3; i++) {
        if (needsSeeding(plan, tables) && (await seedTables(session, plan, callData))) {
          recordPass();
          continue;
        }
        // A task read noted before a draw may decide what is drawn: fetched before begin, so that failed calls take none.
        if (!plan.readBeforeDraw) break;
        await fetch(session, plan, callData);
        recordPass();
      }

      // 2. begin: the draws, the clock, the fault claim, a room, and the reads still missing (one round trip).
      const draws = new CallDraws();
      let reserved: string | undefined;
      for (let attempt = 0; ; attempt++) {
        if (attempt > MAX_STALE) throw new StoreUnavailableError(`the fault queue changed ${MAX_STALE} times while one call was matched`);
        const reads = readsOf(plan);
        const needs = needsOf(plan, reads);
        const result = await store.begin(session, needs, { seen: mirror.version, ...(chosen ? { candidate: chosen.id } : {}) });
        if (result.kind === 'stale') {
          mirror.replace({ version: result.faultsVersion, faults: result.faults });
          recordPass();
          continue;
        }
        if (result.kind === 'full') {
          tables.get(plan.taskRoom!)!.size = store.maxTasks;
        } else {
          fill(plan, callData, reads, result.reads);
          if (result.clock !== undefined) callData.clock = createClock(result.clock);
          if (plan.taskRoom) {
            tables.get(plan.taskRoom)!.room = true;
            reserved = plan.taskRoom;
          }
          take(draws, needs, result);
          if (chosen && result.claimed) mirror.claimed(chosen.id, result.exhausted, result.faultsVersion);
          else if (chosen) fault = headerFault;
        }
        break;
      }

      try {
        // 3. The real pass: what begin handed out and the reads fetched; a draw or read not foreseen is fetched, and the pass run again.
        const time = callData.clock.now();
        let pass!: CallPass;
        let result!: SharedResult;
        for (let i = 0; ; i++) {
          if (i >= MAX_PASSES) throw new Error(`a call asked for more draws or reads than ${MAX_PASSES} passes gave it`);
          pass = new CallPass(callData, draws);
          try {
            result = run(pass, time, () => core(fault));
          } catch (error) {
            if (!(error instanceof NeedMore)) throw error;
            if (error.what === 'read') await fetch(session, pass.plan, callData);
            else await drawMore(session, pass.plan, draws);
            continue;
          }
          // 4. commit: the room given back, the writes, the tokens and the journal entry, atomically; answered once stored (read-your-writes for verify).
          const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
          const fields = { session, time, request: req, result: result as never, durationMs, fault };
          writer.reset();
          encodeEntry(writer, fields);
          const committed = await store.commit(session, writer.bytes(), commitWrites(pass, reserved));
          reserved = undefined;
          if (committed.kind === 'full') {
            // A put begin did not reserve for found the table full (another replica filled it meanwhile): answered again knowing it.
            tables.get(committed.api as ApiName)!.size = store.maxTasks;
            continue;
          }
          deps.recorded?.({ id: committed.id, ...fields } as StoredEntry);
          return result;
        }
      } finally {
        // A call that failed between begin and commit gives its room back (best effort: Redis may be what failed).
        if (reserved !== undefined) await store.release(session, reserved).catch(() => {});
      }
    } catch (error) {
      if (error instanceof StoreUnavailableError) return unavailable(api, req, flags, session);
      throw error;
    }
  }

  /** A second begin for draws the real pass asked for beyond the first's (no fault claim, no room). */
  async function drawMore(session: string, plan: CallPlan, draws: CallDraws): Promise<void> {
    const more: BeginNeeds = {
      onlyofficeTaskId: plan.counters.onlyofficeTaskId,
      welloId2: plan.counters.welloId2,
      guids: plan.guids,
      tokens: plan.tokens,
    };
    for (let attempt = 0; ; attempt++) {
      const extra = await store.begin(session, more, { seen: mirror.version });
      if (extra.kind === 'stale') {
        if (attempt > MAX_STALE) throw new StoreUnavailableError('the fault queue kept changing');
        mirror.replace({ version: extra.faultsVersion, faults: extra.faults });
        continue;
      }
      if (extra.kind === 'ok') take(draws, more, extra);
      return;
    }
  }

  /** Runs `go` against one session's tables (synchronously, again with what it read fetched until it asks for nothing more); its last pass. */
  async function passOver<R>(session: string, clock: Clock, go: () => R): Promise<{ pass: CallPass; result: R }> {
    const data = { seed, session, clock, tables: new Map<ApiName, FetchedTable>(), tokens: new Map<string, string | null>(), maxTasks: store.maxTasks };
    for (let i = 0; i < MAX_PASSES; i++) {
      const pass = new CallPass(data, new CallDraws());
      try {
        return { pass, result: run(pass, clock.now(), go) };
      } catch (error) {
        if (!(error instanceof NeedMore)) throw error;
        // A draw: `go` is an admin read or change, which draws nothing (NeedMore('draw') would loop).
        if (error.what === 'draw') throw new Error('an admin read or change of tasks drew an id, a GUID or a token: not supported with a shared store');
        await seedTables(session, pass.plan, data);
        await fetch(session, pass.plan, data);
      }
    }
    throw new Error(`a read asked for more than ${MAX_PASSES} passes gave it`);
  }

  /** Runs a synchronous read of one session's tables (GET /__admin/tasks) with what it reads fetched first. */
  async function read<R>(session: string, go: () => R): Promise<R> {
    return (await passOver(session, realClock, go)).result;
  }

  /**
   * Runs a synchronous change of one session's tables (PATCH /__admin/wello/tasks/<id>, a provider state's
   * dispatch) at the session's time (its own frozen clock, else the global one, else real time), with what it
   * reads fetched first, then writes its puts and deletes. Not a call: nothing is drawn or recorded. Read, then
   * written: a change racing another replica's write of the same task keeps the last one written.
   */
  async function change<R>(session: string, go: () => R): Promise<R> {
    const [state, global] = await Promise.all([store.state.get(session), store.state.globalClock()]);
    const frozen = state.clock ?? global;
    const { pass, result } = await passOver(session, frozen === undefined ? realClock : createClock(frozen), go);
    await Promise.all(writesOf(session, pass));
    return result;
  }

  return { answer, read, change };
}
