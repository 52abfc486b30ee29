// A first-in first-out ring of variable-length byte records in one reused,
// growing buffer outside the V8 heap. The journal keeps its entries here so
// that holding the newest 10,000 calls costs the garbage collector nothing:
// as JavaScript objects every entry lived long enough to be copied into the
// old generation and collected there, which cost throughput, p99 and memory
// (bench/README.md).
//
// Bounded two ways: by count (`limit` records) and by bytes (`maxBytes`, the
// journal's byte budget). The buffer never grows past the budget either: a
// record that has no contiguous room in a buffer already at the budget is
// refused, and the caller drops the oldest until it fits (at most the gap a
// wrap leaves at the buffer's end, less than one record, goes unused). One
// record larger than the whole budget is still taken, alone, in a buffer of
// its own size; the next push drops it and the buffer shrinks back.

const INITIAL_CAPACITY = 256 * 1024;
const GROWTH = 1.5;

export class RecordRing {
  private buf: Buffer;
  private readonly offsets: Float64Array;
  private readonly lengths: Float64Array;
  /** The slot of the oldest record. */
  private start = 0;
  /** How many records are held. */
  size = 0;
  /** Where the next record goes when it fits: just after the newest one. */
  private head = 0;
  /** The bytes of the records held (not the buffer's size: see `capacity`). */
  held = 0;
  private readonly initialCapacity: number;

  /**
   * `initialCapacity` in bytes: small ones let the tests reach wrap-around and growth with small records.
   * `maxBytes`: the most bytes of records held, and the most the buffer grows to.
   */
  constructor(
    readonly limit: number,
    initialCapacity = INITIAL_CAPACITY,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.initialCapacity = Math.max(1, Math.min(initialCapacity, maxBytes));
    this.buf = Buffer.allocUnsafeSlow(this.initialCapacity);
    this.offsets = new Float64Array(limit);
    this.lengths = new Float64Array(limit);
  }

  /** The slot that holds the k-th oldest record (slots index per-record data kept beside the ring). */
  slot(k: number): number {
    return (this.start + k) % this.limit;
  }

  /** The k-th oldest record: a view into the ring, valid until the next push or clear. */
  bytes(k: number): Buffer {
    const s = this.slot(k);
    return this.buf.subarray(this.offsets[s], this.offsets[s]! + this.lengths[s]!);
  }

  /** Bytes the ring has reserved (its resident size once written through). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Appends a copy of `record`; the ring must have room for it (drop the oldest first, see tryPush). Returns its slot. */
  push(record: Uint8Array): number {
    const s = this.tryPush(record);
    if (s < 0) throw new Error(this.size === this.limit ? 'RecordRing.push on a full ring' : 'RecordRing.push past the byte budget');
    return s;
  }

  /**
   * Appends a copy of `record` and returns its slot, or -1 when it does not fit: the ring holds `limit`
   * records, the budget would be passed, or the buffer (at the budget) has no contiguous room. The
   * caller then drops the oldest and tries again; an empty ring takes any record.
   */
  tryPush(record: Uint8Array): number {
    const n = record.length;
    if (this.size === this.limit || (this.size > 0 && this.held + n > this.maxBytes)) return -1;
    const at = this.place(n);
    if (at < 0) return -1;
    this.buf.set(record, at);
    const s = this.slot(this.size);
    this.offsets[s] = at;
    this.lengths[s] = n;
    this.size++;
    this.held += n;
    this.head = at + n;
    return s;
  }

  /** Drops the oldest record. */
  shift(): void {
    if (this.size === 0) return;
    this.held -= this.lengths[this.start]!;
    this.start = (this.start + 1) % this.limit;
    this.size--;
    // The record larger than the budget is gone: so is its buffer.
    if (this.size === 0 && this.buf.length > this.maxBytes) this.buf = Buffer.allocUnsafeSlow(this.initialCapacity);
  }

  /**
   * Keeps only the records `keep` accepts (by age, 0 the oldest), in order, compacted into a
   * buffer sized for them. Returns the old slot of each kept record: the k-th is now in slot k.
   */
  retain(keep: (k: number) => boolean): number[] {
    const kept: number[] = [];
    for (let k = 0; k < this.size; k++) if (keep(k)) kept.push(this.slot(k));
    let live = 0;
    for (const s of kept) live += this.lengths[s]!;
    // Room to grow, within the budget (unless one record alone is larger).
    const next = Buffer.allocUnsafeSlow(Math.max(live, Math.min(this.maxBytes, Math.max(this.initialCapacity, Math.ceil(live * GROWTH)))));
    const offsets = kept.map((s) => this.offsets[s]!);
    const lengths = kept.map((s) => this.lengths[s]!);
    let at = 0;
    for (let to = 0; to < kept.length; to++) {
      this.buf.copy(next, at, offsets[to], offsets[to]! + lengths[to]!);
      this.offsets[to] = at;
      this.lengths[to] = lengths[to]!;
      at += lengths[to]!;
    }
    this.buf = next;
    this.start = 0;
    this.size = kept.length;
    this.held = live;
    this.head = at;
    return kept;
  }

  /**
   * Where a record of n bytes goes: after the newest, else at the front when the oldest leaves room, else
   * in a grown buffer; -1 when the buffer is at the budget and has no room.
   */
  private place(n: number): number {
    if (this.size === 0) {
      // A record larger than the budget gets a buffer of exactly its size; once it is gone, the buffer shrinks back within the budget.
      if (n > this.buf.length || this.buf.length > this.maxBytes) {
        this.buf = Buffer.allocUnsafeSlow(n > this.maxBytes ? n : Math.min(this.maxBytes, Math.max(this.initialCapacity, Math.ceil(n * GROWTH))));
      }
      return 0;
    }
    const tail = this.offsets[this.start]!;
    const wrapped = this.head <= tail;
    if (wrapped ? tail - this.head >= n : this.buf.length - this.head >= n) return this.head;
    if (!wrapped && tail >= n) return 0;
    if (this.buf.length >= this.maxBytes) return -1;
    return this.grow(n);
  }

  /** Copies the records in order to the front of a larger buffer (at most the budget); returns where the new one goes. */
  private grow(n: number): number {
    const live = this.held;
    // held + n is within the budget here (tryPush checked), so the grown buffer always has room for it.
    const next = Buffer.allocUnsafeSlow(Math.min(this.maxBytes, Math.max(Math.ceil(this.buf.length * GROWTH), Math.ceil((live + n) * GROWTH))));
    let at = 0;
    for (let k = 0; k < this.size; k++) {
      const s = this.slot(k);
      this.buf.copy(next, at, this.offsets[s], this.offsets[s]! + this.lengths[s]!);
      this.offsets[s] = at;
      at += this.lengths[s]!;
    }
    this.buf = next;
    this.head = at;
    return at;
  }
}
