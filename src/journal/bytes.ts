// A minimal binary writer and reader for the journal's stored entries:
// numbers and length-prefixed UTF-8 strings in a Buffer. Written for the
// request path, so short ASCII strings (header names, paths, ids) are copied
// by a plain loop, which is about twice as fast as a call into Buffer#write.

/** Strings up to this length are tried as ASCII by the loop first. */
const SHORT = 64;
const INITIAL_SIZE = 16 * 1024;
/** A writer that grew past this for one large entry starts small again. */
const KEEP_AT_MOST = 1024 * 1024;

export class ByteWriter {
  private buf = Buffer.allocUnsafe(INITIAL_SIZE);
  /** Bytes written so far. */
  length = 0;

  /** Starts a new record, reusing the buffer. */
  reset(): void {
    if (this.buf.length > KEEP_AT_MOST) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
    this.length = 0;
  }

  /** What was written: a view, valid until the next reset or write. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private ensure(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.length++] = value;
  }

  u32(value: number): void {
    this.ensure(4);
    u32Into(this.buf, value, this.length);
    this.length += 4;
  }

  /** Reserves a u32 to be filled in later (a count not known in advance); returns its position. */
  u32Later(): number {
    this.ensure(4);
    const at = this.length;
    this.length += 4;
    return at;
  }

  u32At(at: number, value: number): void {
    u32Into(this.buf, value, at);
  }

  f64(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  i64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(value, this.length);
    this.length += 8;
  }

  str(value: string): void {
    const n = value.length;
    this.ensure(4 + 3 * n);
    const start = this.length + 4;
    let written = n <= SHORT ? asciiInto(this.buf, value, start) : -1;
    if (written < 0) written = this.buf.write(value, start, 'utf8');
    u32Into(this.buf, written, this.length);
    this.length = start + written;
  }

  raw(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
}

/** Little-endian, as Buffer#writeUInt32LE, without its argument checks (a hot path; values are lengths and counts). */
function u32Into(buf: Buffer, value: number, at: number): void {
  buf[at] = value;
  buf[at + 1] = value >>> 8;
  buf[at + 2] = value >>> 16;
  buf[at + 3] = value >>> 24;
}

/** Copies an ASCII string byte by byte; -1 (having written part of it) when it is not ASCII. */
function asciiInto(buf: Buffer, value: string, at: number): number {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return -1;
    buf[at + i] = c;
  }
  return n;
}

export class ByteReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  u8(): number {
    return this.buf[this.at++]!;
  }

  u32(): number {
    const b = this.buf;
    const at = this.at;
    this.at += 4;
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
  }

  f64(): number {
    const value = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  i64(): bigint {
    const value = this.buf.readBigInt64LE(this.at);
    this.at += 8;
    return value;
  }

  str(): string {
    const n = this.u32();
    // Buffer#utf8Slice is what toString('utf8', ...) calls, without its argument handling (half the cost here).
    const value = (this.buf as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(this.at, this.at + n);
    this.at += n;
    return value;
  }

  /** A copy: the buffer read from is reused. */
  raw(): Buffer {
    const n = this.u32();
    const value = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return value;
  }
}
