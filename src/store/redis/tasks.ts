// The tasks a session created on one API, in Redis: the same semantics as
// src/store/task-table.ts (insertion order kept on replace, countIn by the
// table's index, TaskLimitError past --max-tasks), each answer async. The limit
// is checked inside the put script, so concurrent puts from several replicas
// never take a table past it.
import type { ApiName } from '../../core/record.js';
import type { CounterName } from '../../core/sessions.js';
import { type StoredTask, TaskLimitError } from '../task-table.js';
import { script, type StoreContext } from './context.js';

export interface SharedTaskKind<T extends StoredTask> {
  readonly api: ApiName;
  readonly index?: (task: T) => number | string | undefined;
}

/** The session hash's field of each counter (the begin and seed scripts). */
const COUNTER_FIELDS: Record<CounterName, string> = { onlyofficeTaskId: 'taskIdNext', welloId2: 'welloId2Next' };

/** A task as the scripts store it: its id, its JSON, and its index key (countIn), undefined when it has none. */
export function taskRow<T extends StoredTask>(kind: SharedTaskKind<T>, task: T): { id: string; json: string; key: string | undefined } {
  const key = kind.index?.(task);
  return { id: String(task.id), json: JSON.stringify(task), key: key === undefined ? undefined : String(key) };
}

export class RedisTaskTable<T extends StoredTask> {
  readonly #ctx: StoreContext;
  readonly #session: string;
  readonly #kind: SharedTaskKind<T>;

  constructor(
    ctx: StoreContext,
    session: string,
    kind: SharedTaskKind<T>,
    /** The most tasks this table holds (--max-tasks). */
    readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`--max-tasks must be a positive integer, not ${limit}`);
    this.#ctx = ctx;
    this.#session = session;
    this.#kind = kind;
  }

  #read<R>(what: string, arg?: string): Promise<R> {
    return script<R>(this.#ctx, 'tsReadTasks', this.#session, this.#kind.api, what, ...(arg === undefined ? [] : [arg]));
  }

  async size(): Promise<number> {
    return Number(await this.#read<number>('size'));
  }

  async room(): Promise<boolean> {
    return (await this.size()) < this.limit;
  }

  async get(id: T['id']): Promise<T | undefined> {
    const json = await this.#read<string | null>('get', String(id));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  /** Adds a task, or replaces the one with its id (keeping its place); TaskLimitError, changing nothing, past the limit. */
  async put(task: T): Promise<void> {
    const row = taskRow(this.#kind, task);
    const answer = await script<number | string[]>(this.#ctx, 'tsPutTask', this.#session, this.#kind.api, row.id, row.json, row.key ?? '', this.limit, this.#ctx.ttl);
    if (Array.isArray(answer)) throw new TaskLimitError(this.limit);
  }

  async delete(id: T['id']): Promise<T | undefined> {
    const json = await script<string | null>(this.#ctx, 'tsDeleteTask', this.#session, this.#kind.api, String(id), this.limit);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  /** Every task, in the order they were first added. */
  async values(): Promise<T[]> {
    const list = await this.#read<(string | null)[]>('values');
    return list.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as T);
  }

  /** How many held tasks have this index key. */
  async countIn(key: number | string): Promise<number> {
    return Number(await this.#read<number>('count', String(key)));
  }

  /**
   * Puts the tasks a new session starts with (TaskKind.initial), once per session and API however many
   * replicas ask, in one script (a call after it finds every one): answers whether this call put them.
   * `floor` raises a session counter with them (TaskKind.counterFloor).
   */
  async seed(initial: () => readonly T[], floor?: { counter: CounterName; after: number }): Promise<boolean> {
    const args: (string | number)[] = [this.#session, this.#kind.api, this.#ctx.ttl, this.limit, floor ? COUNTER_FIELDS[floor.counter] : '', floor ? floor.after + 1 : 0];
    for (const task of initial()) {
      const row = taskRow(this.#kind, task);
      args.push(row.id, row.json, row.key ?? '');
    }
    return Number(await script<number>(this.#ctx, 'tsSeedTasks', ...args)) === 1;
  }


}
