// The per-call stand-ins the synchronous API core runs against when the store
// is shared (issue #18: run the core once to learn its needs, then for real). The core is
// run twice per call:
//   1. `record` mode: every counter, GUID and token draw answers a placeholder
//      and is counted, every task and token read that has not been fetched yet
//      answers "nothing" and is noted (the plan);
//   2. `replay` mode, after one `begin` round trip: the draws answer the values
//      Redis handed out and the reads the data fetched beside it. A draw or read
//      the first pass did not foresee throws NeedMore: the caller fetches it and
//      runs the pass again (the core is deterministic given its inputs).
// Writes (task puts and deletes, tokens remembered) are noted and applied to
// Redis once the second pass has answered.
import type { Clock } from '../../core/clock.js';
import type { ApiName } from '../../core/record.js';
import { createGenerator, type Generator } from '../../core/rng.js';
import type { CounterName, Session, SessionStore, TaskKind } from '../../core/sessions.js';
import { guidFor, tokenSeedFor } from '../draws.js';
import type { TokenStore } from '../store.js';
import { type StoredTask, TaskLimitError, type TaskTable } from '../task-table.js';

/** The second pass asked for a draw or a read the first did not foresee. */
export class NeedMore extends Error {
  constructor(readonly what: 'draw' | 'read') {
    super(`the call needs another ${what}`);
  }
}

/** What one API's task table of the call's session holds, as far as it was fetched. */
export class FetchedTable {
  /** The whole table (oldest first), when it was read in full: answers every read. */
  values: StoredTask[] | undefined;
  size: number | undefined;
  /** begin answered "not full": one more fits. */
  room: boolean | undefined;
  readonly gets = new Map<string, StoredTask | null>();
  readonly counts = new Map<string, number>();
  /** The fixture tasks were put (TaskKind.initial), once per session and API. */
  seeded = false;

  /** Fills the other answers from a full read. */
  setValues(values: StoredTask[], index: ((task: StoredTask) => number | string | undefined) | undefined): void {
    this.values = values;
    this.size = values.length;
    for (const task of values) this.gets.set(String(task.id), task);
    if (index) {
      this.counts.clear();
      for (const task of values) {
        const key = index(task);
        if (key !== undefined) this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + 1);
      }
    }
  }

  knownGet(id: string): StoredTask | null | undefined {
    if (this.gets.has(id)) return this.gets.get(id);
    return this.values ? null : undefined;
  }
}

/** What a pass asked for: the draws to take in begin and the reads to fetch. */
export class CallPlan {
  readonly counters: Record<CounterName, number> = { onlyofficeTaskId: 0, welloId2: 0 };
  guids = 0;
  tokens = 0;
  /** The API whose table was asked for room (begin refuses when it is full, else reserves one). */
  taskRoom: ApiName | undefined;
  /**
   * A task read was noted before a draw: its answer may decide what is drawn (a create with a given id that may
   * be held draws nothing), so it is fetched before begin, so that failed calls take no ids. Token reads do not
   * count: a token's login decides who the caller is, never whether the call draws (ONLYOFFICE callerOf falls
   * back to the portal owner; Wello reads no tokens).
   */
  readBeforeDraw = false;
  #taskReads = 0;
  /** Reads not fetched yet, per API. */
  readonly reads = new Map<ApiName, { kind: TaskKind<StoredTask>; size: boolean; values: boolean; gets: Set<string>; counts: Set<string> }>();
  /** Tables touched (seeded before they are read, when their kind has initial tasks). */
  readonly touched = new Map<ApiName, TaskKind<StoredTask>>();
  readonly tokenReads = new Set<string>();

  /** Notes a draw (record pass): after a task read, the read is fetched before begin. */
  drew(): void {
    if (this.#taskReads > 0) this.readBeforeDraw = true;
  }

  readsOf(kind: TaskKind<StoredTask>) {
    this.#taskReads++;
    let reads = this.reads.get(kind.api);
    if (!reads) this.reads.set(kind.api, (reads = { kind, size: false, values: false, gets: new Set(), counts: new Set() }));
    return reads;
  }

  get drawsAny(): boolean {
    return this.counters.onlyofficeTaskId + this.counters.welloId2 + this.guids + this.tokens > 0;
  }

  get readsAny(): boolean {
    if (this.tokenReads.size > 0) return true;
    for (const r of this.reads.values()) if (r.size || r.values || r.gets.size > 0 || r.counts.size > 0) return true;
    return false;
  }
}

/** The values begin handed out, used in order by the second pass. */
export class CallDraws {
  readonly counters: Record<CounterName, number[]> = { onlyofficeTaskId: [], welloId2: [] };
  readonly guids: number[] = [];
  readonly tokens: number[] = [];
}

/** What the call's session and tables know: the fetched reads, the draws, the clock. */
export interface CallData {
  readonly seed: number;
  readonly session: string;
  readonly clock: Clock;
  readonly tables: Map<ApiName, FetchedTable>;
  readonly tokens: Map<string, string | null>;
  /** The most tasks a table holds (--max-tasks). */
  readonly maxTasks: number;
}

export type TaskWrite = { api: ApiName; kind: TaskKind<StoredTask>; put: StoredTask } | { api: ApiName; kind: TaskKind<StoredTask>; delete: StoredTask['id'] };

const PLACEHOLDER_GUID_PREFIX = '00000000-0000-4000-8000-';
/** One json-schema-faker generator for the first pass's tokens (their values are thrown away). */
let placeholderGenerator: Generator | undefined;

/** One pass of one call: the session, tables and tokens the core reads, in record or replay mode. */
export class CallPass {
  readonly plan = new CallPlan();
  readonly writes: TaskWrite[] = [];
  readonly remembered: { token: string; login: string }[] = [];
  /**
   * Ids no stored task has: the record pass's placeholders, the ONLYOFFICE ids begin handed out (it skips held
   * ones) and the GUIDs drawn. Reading them is not a read to fetch.
   */
  readonly #fresh = new Set<string>();
  readonly #used = { onlyofficeTaskId: 0, welloId2: 0, guids: 0, tokens: 0 };
  readonly #tables = new Map<ApiName, ScratchTable>();
  readonly session: Session;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;

  constructor(
    readonly data: CallData,
    /** Undefined: the record pass. */
    readonly draws: CallDraws | undefined,
  ) {
    // Three small objects with prototype methods rather than closures: two passes per call make them often.
    this.session = new PassSession(this);
    this.sessions = new PassSessions(this);
    this.tokens = new PassTokens(this);
  }

  /** Session.generator: a token draw. */
  tokenGenerator(): Generator {
    return this.#token();
  }

  newGuid(): string {
    return this.#guid();
  }

  next(counter: CounterName): number {
    return this.#next(counter);
  }

  table(kind: TaskKind<StoredTask>): ScratchTable {
    return this.#table(kind);
  }

  get recording(): boolean {
    return this.draws === undefined;
  }

  isFresh(id: string): boolean {
    return this.#fresh.has(id);
  }

  #next(counter: CounterName): number {
    const i = this.#used[counter]++;
    if (!this.draws) {
      this.plan.counters[counter]++;
      this.plan.drew();
      // Negative: no stored task has it, and reading it is not a read to fetch.
      const placeholder = -(i + 1);
      this.#fresh.add(String(placeholder));
      return placeholder;
    }
    const value = this.draws.counters[counter][i];
    if (value === undefined) {
      this.plan.counters[counter]++;
      throw new NeedMore('draw');
    }
    if (counter === 'onlyofficeTaskId') this.#fresh.add(String(value));
    return value;
  }

  #guid(): string {
    const i = this.#used.guids++;
    if (!this.draws) {
      this.plan.guids++;
      this.plan.drew();
      const placeholder = PLACEHOLDER_GUID_PREFIX + String(i).padStart(12, '0');
      this.#fresh.add(placeholder);
      return placeholder;
    }
    const n = this.draws.guids[i];
    if (n === undefined) {
      this.plan.guids++;
      throw new NeedMore('draw');
    }
    // A GUID from a fresh draw index: a task holding it would be a 122-bit collision.
    const guid = guidFor(this.data.seed, this.data.session, n);
    this.#fresh.add(guid);
    return guid;
  }

  #token(): Generator {
    const i = this.#used.tokens++;
    if (!this.draws) {
      this.plan.tokens++;
      this.plan.drew();
      return (placeholderGenerator ??= createGenerator(0));
    }
    const n = this.draws.tokens[i];
    if (n === undefined) {
      this.plan.tokens++;
      throw new NeedMore('draw');
    }
    return createGenerator(tokenSeedFor(this.data.seed, this.data.session, n));
  }

  #table(kind: TaskKind<StoredTask>): ScratchTable {
    let table = this.#tables.get(kind.api);
    if (!table) {
      let fetched = this.data.tables.get(kind.api);
      if (!fetched) this.data.tables.set(kind.api, (fetched = new FetchedTable()));
      this.plan.touched.set(kind.api, kind);
      this.#tables.set(kind.api, (table = new ScratchTable(this, kind, fetched)));
    }
    return table;
  }
}

/** The call's session as the core sees it during one pass. */
class PassSession implements Session {
  readonly name: string;
  readonly clock: Clock;
  constructor(private readonly pass: CallPass) {
    this.name = pass.data.session;
    this.clock = pass.data.clock;
  }
  get generator(): Generator {
    return this.pass.tokenGenerator();
  }
  newGuid(): string {
    return this.pass.newGuid();
  }
  next(counter: CounterName): number {
    return this.pass.next(counter);
  }
  // Only ONLYOFFICE's fixture-task bump reads it (and then sets the counter): with a shared store the seed script
  // raises the counter past the fixture ids (shared-path.ts seedTables), and begin skips any id a table holds.
  peek(): number {
    return Number.MAX_SAFE_INTEGER;
  }
  set(): void {}
  tasks<T extends StoredTask>(kind: TaskKind<T>): TaskTable<T> {
    return this.pass.table(kind as unknown as TaskKind<StoredTask>) as unknown as TaskTable<T>;
  }
  taskTables(): [] {
    return [];
  }
}

/** The session store during one pass: the call's own session only. */
class PassSessions implements SessionStore {
  readonly clock: Clock;
  readonly max = 0;
  readonly size = 0;
  readonly evicted = 0;
  constructor(private readonly pass: CallPass) {
    this.clock = pass.data.clock;
  }
  get(name: string): Session {
    if (name !== this.pass.data.session) throw new Error(`a call of session "${this.pass.data.session}" read session "${name}": not supported with a shared store`);
    return this.pass.session;
  }
  find(name: string): Session {
    return this.get(name);
  }
  view(name: string): Session {
    return this.get(name);
  }
  clockOf(): Clock {
    return this.clock;
  }
  reset(): void {
    throw new Error('a reset inside a call is not supported with a shared store');
  }
  taskHealth() {
    return { held: 0, maxPerSession: this.pass.data.maxTasks, full: 0 };
  }
}

/** The token store during one pass: remembered tokens kept for commit, reads from what was fetched. */
class PassTokens implements TokenStore {
  readonly size = 0;
  constructor(private readonly pass: CallPass) {}
  remember(token: string, login: string): void {
    this.pass.remembered.push({ token, login });
  }
  loginOf(token: string): string | undefined {
    const pass = this.pass;
    const known = pass.remembered.find((r) => r.token === token)?.login ?? pass.data.tokens.get(token);
    if (known !== undefined) return known ?? undefined;
    pass.plan.tokenReads.add(token);
    if (pass.draws) throw new NeedMore('read');
    return undefined;
  }
  clear(): void {}
}

/** A session's table of one API for one pass: fetched reads, this pass's own writes on top. */
class ScratchTable implements TaskTable<StoredTask> {
  readonly #pass: CallPass;
  readonly #kind: TaskKind<StoredTask>;
  readonly #fetched: FetchedTable;
  /** This pass's writes: a task put, or null deleted. */
  readonly #local = new Map<string, StoredTask | null>();
  #sizeDelta = 0;
  readonly #countDelta = new Map<string, number>();

  constructor(pass: CallPass, kind: TaskKind<StoredTask>, fetched: FetchedTable) {
    this.#pass = pass;
    this.#kind = kind;
    this.#fetched = fetched;
  }

  get limit(): number {
    return this.#pass.data.maxTasks;
  }

  /** A read that is not fetched: noted; the record pass answers `fallback`, the replay pass throws NeedMore. */
  #missing<R>(note: (reads: ReturnType<CallPlan['readsOf']>) => void, fallback: R): R {
    note(this.#pass.plan.readsOf(this.#kind));
    if (!this.#pass.recording) throw new NeedMore('read');
    return fallback;
  }

  get size(): number {
    const size = this.#fetched.size ?? this.#missing((r) => (r.size = true), 0);
    return size + this.#sizeDelta;
  }

  room(): boolean {
    if (this.#sizeDelta === 0 && this.#fetched.size === undefined) {
      this.#pass.plan.taskRoom = this.#kind.api;
      if (this.#fetched.room !== undefined) return this.#fetched.room;
      if (this.#pass.recording) return true;
    }
    return this.size < this.limit;
  }

  /** What is known of a task without noting a read: a local write, a fetched one, or undefined (unknown). */
  #known(key: string): StoredTask | null | undefined {
    if (this.#local.has(key)) return this.#local.get(key);
    if (this.#pass.isFresh(key)) return null;
    return this.#fetched.knownGet(key);
  }

  get(id: StoredTask['id']): StoredTask | undefined {
    const key = String(id);
    const known = this.#known(key);
    if (known !== undefined) return known ?? undefined;
    return this.#missing((r) => r.gets.add(key), undefined);
  }

  put(task: StoredTask): void {
    const key = String(task.id);
    // An id never read (a fresh GUID) is taken as new: a task with it would have been read first (a duplicate check).
    const old = this.#known(key) ?? undefined;
    if (!old && !this.room()) throw new TaskLimitError(this.limit);
    if (old) this.#count(old, -1);
    else this.#sizeDelta++;
    this.#local.set(key, task);
    this.#count(task, 1);
    this.#pass.writes.push({ api: this.#kind.api, kind: this.#kind, put: task });
  }

  delete(id: StoredTask['id']): StoredTask | undefined {
    const old = this.get(id);
    if (!old) return undefined;
    const key = String(id);
    this.#local.set(key, null);
    this.#sizeDelta--;
    this.#count(old, -1);
    this.#pass.writes.push({ api: this.#kind.api, kind: this.#kind, delete: id });
    return old;
  }

  values(): StoredTask[] {
    const base = this.#fetched.values ?? this.#missing((r) => (r.values = true), [] as StoredTask[]);
    if (this.#local.size === 0) return base;
    const out = new Map(base.map((task) => [String(task.id), task] as const));
    for (const [key, task] of this.#local) {
      if (task === null) out.delete(key);
      else out.set(key, task);
    }
    return [...out.values()];
  }

  countIn(key: number | string): number {
    const k = String(key);
    const fetched = this.#fetched.counts.get(k) ?? (this.#fetched.values ? 0 : this.#missing((r) => r.counts.add(k), 0));
    return fetched + (this.#countDelta.get(k) ?? 0);
  }

  #count(task: StoredTask, by: 1 | -1): void {
    const key = this.#kind.index?.(task);
    if (key === undefined) return;
    this.#countDelta.set(String(key), (this.#countDelta.get(String(key)) ?? 0) + by);
  }
}
