// Queued faults shared by every replica. Matching stays in Node: each replica
// matches a call against its mirror of the queue (compiled matchers, as
// src/faults.ts compiles them) and asks begin to claim the fault it chose.
// begin claims only when the mirror's version is the current one, so a fault
// queued with times: n fires exactly n times fleet-wide; otherwise it answers
// "stale" with the current queue, and the replica matches again.
import type { QueuedFault } from '../../generated/admin/queued-fault.js';
import type { Fault } from '../../generated/admin/fault.js';
import { type CallView, type CompiledMatcher, compileMatcher, type Matcher } from '../../journal/matcher.js';
import { patternBudget } from '../../journal/pattern.js';
import { selects } from '../../faults.js';
import { script, type StoreContext } from './context.js';

/** A queued fault as the store holds it (the same fields as QueuedFaultState in src/faults.ts). */
export interface SharedFault {
  id: number;
  match: Matcher;
  fault: Fault;
  remaining: number;
}

export interface FaultSnapshot {
  /** Bumped on every change to the queue (an add, a clear, a fault used up). */
  version: number;
  faults: SharedFault[];
}

/** {version, json, left, json, left, ...} or the same after a leading word, as the scripts answer. */
export function parseFaultList(reply: readonly string[], from: number): SharedFault[] {
  const faults: SharedFault[] = [];
  for (let i = from; i + 1 < reply.length; i += 2) {
    const json = reply[i]!;
    if (json === '') continue;
    const { id, match, fault } = JSON.parse(json) as { id: number; match: Matcher; fault: Fault };
    faults.push({ id, match, fault, remaining: Number(reply[i + 1]) });
  }
  return faults;
}

export class RedisFaults {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Queues a fault; throws MatcherError (a 400 at the admin API) when its matcher cannot be used, before anything is stored. */
  async add({ match = {}, fault, times = 1 }: QueuedFault): Promise<SharedFault> {
    compileMatcher(match, '/match');
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, not ${times}`);
    const [id] = await script<[number, number]>(this.#ctx, 'tsAddFault', JSON.stringify(match), JSON.stringify(fault), times, match.session ?? '');
    return { id: Number(id), match, fault, remaining: times };
  }

  /** The queue, oldest first, with its version (what a mirror loads). */
  async snapshot(): Promise<FaultSnapshot> {
    const reply = await script<string[]>(this.#ctx, 'tsListFaults');
    return { version: Number(reply[0]), faults: parseFaultList(reply, 1) };
  }

  /** The queued faults, oldest first: all, or those whose matcher names the session. */
  async list(session?: string): Promise<SharedFault[]> {
    const { faults } = await this.snapshot();
    return session === undefined ? faults : faults.filter((f) => f.match.session === session);
  }

  /** Removes the queued faults of one session (those whose matcher names it), or all. */
  async clear(session?: string): Promise<void> {
    await script(this.#ctx, 'tsClearFaults', session ?? '');
  }
}

/**
 * A replica's copy of the queue, with each matcher compiled once. It never
 * decides alone: `choose` names a candidate, begin claims it if `version` is
 * still the current one.
 */
export class FaultMirror {
  #version = -1;
  #faults: { fault: SharedFault; matcher: CompiledMatcher }[] = [];

  /** The version this copy is of (-1 before the first load: begin then answers stale with the queue). */
  get version(): number {
    return this.#version;
  }

  get faults(): SharedFault[] {
    return this.#faults.map((f) => f.fault);
  }

  replace(snapshot: FaultSnapshot): void {
    this.#version = snapshot.version;
    this.#faults = snapshot.faults.map((fault) => ({ fault, matcher: compileMatcher(fault.match, '/match') }));
  }

  /** The oldest queued fault that selects the call, as src/faults.ts's take chooses it (one pattern budget for the whole queue). */
  choose(call: CallView): SharedFault | undefined {
    if (this.#faults.length === 0) return undefined;
    const budget = patternBudget();
    return this.#faults.find((f) => selects(f.matcher, call, budget))?.fault;
  }

  /**
   * After begin claimed `id`: one use less here too. When the claim used it up, begin bumped the version by
   * one; if that is the only change since this copy was made, the copy stays current without a reload.
   */
  claimed(id: number, exhausted: boolean, version: number): void {
    const at = this.#faults.findIndex((f) => f.fault.id === id);
    if (at >= 0) {
      const f = this.#faults[at]!;
      f.fault = { ...f.fault, remaining: f.fault.remaining - 1 };
      if (exhausted) this.#faults.splice(at, 1);
    }
    if (exhausted && version === this.#version + 1) this.#version = version;
  }
}
