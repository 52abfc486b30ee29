// A first-in first-out ring of variable-length byte records in one reused,
// growing buffer outside the V8 heap. The journal keeps its entries here so
// that holding the newest 10,000 calls costs the garbage collector nothing:
// as JavaScript objects every entry lived long enough to be copied into the
// old generation and collected there, which cost throughput, p99 and memory
// (bench/README.md).

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

  /** `initialCapacity` in bytes: small ones let the tests reach wrap-around and growth with small records. */
  constructor(
    readonly limit: number,
    private readonly initialCapacity = INITIAL_CAPACITY,
  ) {
    this.buf = Buffer.allocUnsafeSlow(initialCapacity);
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

  /** Appends a copy of `record`; the ring must not be full (drop the oldest first). Returns its slot. */
  push(record: Uint8Array): number {
    if (this.size === this.limit) throw new Error('RecordRing.push on a full ring');
    const n = record.length;
    const at = this.place(n);
    this.buf.set(record, at);
    const s = this.slot(this.size);
    this.offsets[s] = at;
    this.lengths[s] = n;
    this.size++;
    this.head = at + n;
    return s;
  }

  /** Drops the oldest record. */
  shift(): void {
    if (this.size === 0) return;
    this.start = (this.start + 1) % this.limit;
    this.size--;
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
    const next = Buffer.allocUnsafeSlow(Math.max(this.initialCapacity, Math.ceil(live * GROWTH)));
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
    this.head = at;
    return kept;
  }

  /** Where a record of n bytes goes: after the newest, else at the front when the oldest leaves room, else in a grown buffer. */
  private place(n: number): number {
    if (this.size === 0) {
      if (n > this.buf.length) this.buf = Buffer.allocUnsafeSlow(Math.ceil(n * GROWTH));
      return 0;
    }
    const tail = this.offsets[this.start]!;
    const wrapped = this.head <= tail;
    if (wrapped ? tail - this.head >= n : this.buf.length - this.head >= n) return this.head;
    if (!wrapped && tail >= n) return 0;
    return this.grow(n);
  }

  /** Copies the records in order to the front of a larger buffer; returns where the new one goes. */
  private grow(n: number): number {
    let live = 0;
    for (let k = 0; k < this.size; k++) live += this.lengths[this.slot(k)]!;
    const next = Buffer.allocUnsafeSlow(Math.max(Math.ceil(this.buf.length * GROWTH), Math.ceil((live + n) * GROWTH)));
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
