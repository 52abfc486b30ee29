// Instants from calendar fields without a Date: checked against Date's own
// proleptic Gregorian arithmetic over .NET's whole range, years 1-9999.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { daysInMonth, partsAt, ticksFromParts } from '../src/core/ticks.js';

/** The same instant by Date (setUTCFullYear keeps years 0-99 as written), as ticks. */
function byDate(p: { year: number; month: number; day: number; hour: number; minute: number; second: number; fractionTicks: number }, offsetMinutes: number): bigint {
  const date = new Date(0);
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour, p.minute, p.second, 0);
  return BigInt(date.getTime()) * 10_000n + BigInt(p.fractionTicks) - BigInt(offsetMinutes) * 600_000_000n;
}

const parts = fc
  .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }), hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }), second: fc.integer({ min: 0, max: 59 }), fractionTicks: fc.integer({ min: 0, max: 9_999_999 }) })
  .filter((p) => p.day <= daysInMonth(p.year, p.month));

describe('ticksFromParts: calendar fields to ticks (docs/fidelity.md, ONLYOFFICE: Dates; Wello: Serialization: 7 fraction digits, years 1-9999)', () => {
  it('agrees with Date over years 1-9999, leap days and offsets included (fast-check)', () => {
    fc.assert(
      fc.property(parts, fc.integer({ min: -14 * 60, max: 14 * 60 }), (p, offset) => {
        assert.equal(ticksFromParts(p, offset), byDate(p, offset));
      }),
      { numRuns: 5000, seed: 5 },
    );
  });

  it('round-trips through partsAt at UTC', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const back = partsAt(ticksFromParts(p, 0), 0);
        const pad = (n: number, w: number) => String(n).padStart(w, '0');
        assert.equal(back.date, `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`);
        assert.equal(back.time, `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`);
        assert.equal(back.fraction7, pad(p.fractionTicks, 7));
      }),
      { numRuns: 2000, seed: 6 },
    );
  });

  it('the edges: 0001-01-01, 1970-01-01, 2000-02-29 and 9999-12-31T23:59:59.9999999', () => {
    const at = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, fractionTicks = 0) => ticksFromParts({ year, month, day, hour, minute, second, fractionTicks }, 0);
    assert.equal(at(1, 1, 1), -621_355_968_000_000_000n);
    assert.equal(at(1970, 1, 1), 0n);
    assert.equal(at(2000, 3, 1) - at(2000, 2, 29), 864_000_000_000n);
    assert.equal(at(9999, 12, 31, 23, 59, 59, 9_999_999), 3_155_378_975_999_999_999n - 621_355_968_000_000_000n);
  });
});
