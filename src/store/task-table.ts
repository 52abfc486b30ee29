// The tasks one session has created on one API: what the read-back, list,
// update, close and delete routes read and write. Plain JSON objects, so that
// a shared store can hold them as they are.

/** What every stored task has: its id on its API (an ONLYOFFICE task id, a Wello GUID). */
export interface StoredTask {
  readonly id: number | string;
}

/** A session holds more tasks than --max-tasks allows: each API answers it in its own error shape. */
export class TaskLimitError extends Error {
  constructor(readonly limit: number) {
    super(`This session holds ${limit} tasks, the most the stub keeps (--max-tasks); reset it (POST /__admin/reset) or start the stub with a larger --max-tasks.`);
  }
}

export interface TaskTable<T extends StoredTask> {
  /** How many tasks are held. */
  readonly size: number;
  /** The most tasks this table holds (--max-tasks). */
  readonly limit: number;
  get(id: T['id']): T | undefined;
  /**
   * Adds a task, or replaces the one with its id (which keeps its place in `values`). Throws TaskLimitError,
   * changing nothing, when adding one past the limit: callers check `room()` before they draw ids.
   */
  put(task: T): void;
  /** Whether one more task can be added. */
  room(): boolean;
  /** Removes a task; returns it, or undefined when none has the id. */
  delete(id: T['id']): T | undefined;
  /** Every task, in the order they were first added. */
  values(): T[];
  /** How many held tasks have this key (the table's index, e.g. an ONLYOFFICE category id); O(1). */
  countIn(key: number | string): number;
}

export interface TaskTableOptions<T> {
  limit: number;
  /** The key `countIn` counts by: kept up to date on every put and delete, so that counting costs nothing per call. */
  index?: (task: T) => number | string | undefined;
}

class MemoryTaskTable<T extends StoredTask> implements TaskTable<T> {
  readonly #tasks = new Map<T['id'], T>();
  readonly #counts = new Map<number | string, number>();
  readonly #index: ((task: T) => number | string | undefined) | undefined;

  constructor(readonly limit: number, index?: (task: T) => number | string | undefined) {
    this.#index = index;
  }

  get size(): number {
    return this.#tasks.size;
  }

  get(id: T['id']): T | undefined {
    return this.#tasks.get(id);
  }

  room(): boolean {
    return this.#tasks.size < this.limit;
  }

  put(task: T): void {
    // Without an index nothing needs the old task: below the limit, one Map operation (a create's cost).
    if (!this.#index && this.#tasks.size < this.limit) {
      this.#tasks.set(task.id, task);
      return;
    }
    const old = this.#tasks.get(task.id);
    if (!old && !this.room()) throw new TaskLimitError(this.limit);
    if (old) this.#count(old, -1);
    this.#tasks.set(task.id, task);
    this.#count(task, 1);
  }

  delete(id: T['id']): T | undefined {
    const old = this.#tasks.get(id);
    if (!old) return undefined;
    this.#tasks.delete(id);
    this.#count(old, -1);
    return old;
  }

  values(): T[] {
    return [...this.#tasks.values()];
  }

  countIn(key: number | string): number {
    return this.#counts.get(key) ?? 0;
  }

  #count(task: T, by: 1 | -1): void {
    const key = this.#index?.(task);
    if (key === undefined) return;
    const count = (this.#counts.get(key) ?? 0) + by;
    if (count === 0) this.#counts.delete(key);
    else this.#counts.set(key, count);
  }
}

export function createTaskTable<T extends StoredTask>(options: TaskTableOptions<T>): TaskTable<T> {
  return new MemoryTaskTable<T>(options.limit, options.index);
}

/**
 * 10,000 tasks per API and session: more than a UI test or a CI job creates between resets (the journal keeps
 * 10,000 calls in all by default), while a session cannot hold unbounded memory. A stored task is about 0.5 KB.
 */
export const DEFAULT_MAX_TASKS = 10_000;
