// Counter-based random draws: the n-th GUID (or token seed) of a session is a
// pure function of (seed, session, stream, n). A shared store hands out n
// (HINCRBY in the begin script, src/store/redis/scripts.ts), so replicas that
// started with the same --seed never repeat each other's values, and any
// replica computes the same value for the same n. Unlike a sequential stream
// (sfc32 in src/core/rng.ts) nothing has to be carried from one draw to the
// next. src/core/rng.ts is unchanged: the memory store switches to these when
// the lead decides (it changes the GUIDs a given --seed produces).
import { createHash } from 'node:crypto';
import { guidFromWords } from '../core/rng.js';

/** Which stream a draw belongs to: each has its own counter per session (guidDraws, tokenDraws). */
export type DrawStream = 'guid' | 'token';

/**
 * sha256 over an unambiguous encoding of (seed, session, stream, n): each
 * text is length-prefixed, so no two inputs share bytes ("a" + "bc" and
 * "ab" + "c" differ), and n is a big-endian 64-bit integer.
 */
export function drawDigest(seed: number, session: string, stream: DrawStream, n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a draw index is a whole number from 0, not ${n}`);
  const seedText = Buffer.from(String(seed), 'utf8');
  const sessionText = Buffer.from(session, 'utf8');
  const streamText = Buffer.from(stream, 'utf8');
  const input = Buffer.allocUnsafe(12 + seedText.length + sessionText.length + streamText.length + 8);
  let at = 0;
  for (const part of [seedText, sessionText, streamText]) {
    at = input.writeUInt32BE(part.length, at);
    at += part.copy(input, at);
  }
  input.writeBigUInt64BE(BigInt(n), at);
  return createHash('sha256').update(input).digest();
}

/**
 * The session's GUID number n (0 the first): the digest's first 16 bytes with
 * the version-4 and RFC 4122 variant bits set, in .NET's lower-case "D" form
 * (Guid.ToString(), as src/core/rng.ts's guidFromWords writes it). 122 random
 * bits: no 32-bit seed in between, so collisions stay at the birthday bound of
 * 2^61 rather than the 77k GUIDs a fresh generator per 32-bit seed would give.
 */
export function guidFor(seed: number, session: string, n: number): string {
  const digest = drawDigest(seed, session, 'guid', n);
  return guidFromWords(digest.readUInt32BE(0), digest.readUInt32BE(4), digest.readUInt32BE(8), digest.readUInt32BE(12));
}

/**
 * A 32-bit seed for the session's token number n, for json-schema-faker
 * (which takes a number seed): tokens are rare, and two that collide would
 * only alias two logins, so 32 bits are enough here where GUIDs need 122.
 */
export function tokenSeedFor(seed: number, session: string, n: number): number {
  return drawDigest(seed, session, 'token', n).readUInt32BE(0);
}
