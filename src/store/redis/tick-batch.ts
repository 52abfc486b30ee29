// The hot scripts (begin, commit) of the calls that reach them close together,
// sent as one script call. ioredis's cost is per command (its Command, promise,
// timer and reply parse: about 7 µs of Node CPU for a no-op EVALSHA here) and
// per argument (about 0.75 µs each, hence pack.ts). Under load many calls reach
// begin in one turn of the event loop (each request's first pass runs as its
// body arrives, all in one poll phase). A batch is sent once it holds EARLY
// calls, so that Redis starts on it while Node prepares the next, and the rest
// at setImmediate, after that phase. Sending everything at setImmediate made
// Node and Redis take turns (Node idle while Redis ran a batch of 50, and the
// other way round) and was slower than no batching at all; batches of 8 were
// the fastest of 1, 4, 8 and 64 (three alternating wrk runs, ONLYOFFICE creates).
// Each call is still its own step on the server, in the order the calls came
// (the batch script runs each call's body in turn).

import { packArgs } from './pack.js';

type Args = (string | number | Uint8Array)[];

interface Pending<R> {
  /** The call's arguments, packed (pack.ts). */
  packed: Buffer;
  resolve: (reply: R) => void;
  reject: (error: unknown) => void;
}

/** The most calls one script call carries: bounds how long the script holds Redis (each call is tens of µs there). */
export const MAX_BATCH = 64;
/** A batch this long is sent at once (see above). */
const EARLY = 8;

export class TickBatch<R> {
  #pending: Pending<R>[] = [];
  #scheduled = false;

  constructor(
    /** Runs the batch script with each call's packed arguments; it answers each call's reply, in order. */
    private readonly send: (packed: Buffer[]) => Promise<R[]>,
  ) {}

  /** This call's reply, once the batch it joins has been answered. The arguments are packed at once (they may be views of reused buffers). */
  add(args: Args): Promise<R> {
    const packed = packArgs(args);
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ packed, resolve, reject });
      if (this.#pending.length >= EARLY) {
        this.#flush();
        return;
      }
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    for (let i = 0; i < pending.length; i += MAX_BATCH) this.#send(pending.slice(i, i + MAX_BATCH));
  }

  #send(calls: Pending<R>[]): void {
    this.send(calls.map((call) => call.packed)).then(
      (replies) => calls.forEach((call, i) => call.resolve(replies[i]!)),
      (error) => calls.forEach((call) => call.reject(error)),
    );
  }
}
