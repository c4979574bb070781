/** The time campaign's register checks catch what they promise to catch (time-checks.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRegister, slope } from '../../scripts/reliability/time-checks.ts';
import type { RegisterEntry } from '../../src/letters/register.ts';

function entry(seq: number, year: number, issuedAt: string, type = 'sktm'): RegisterEntry {
  return {
    id: `${type}-${year}-${seq}`,
    number: `474/${String(seq).padStart(3, '0')}/1809102004/XII/${year}`.replace('474', type),
    letter_type: type,
    seq,
    year,
    resident_ref: 'ref',
    nik_masked: '************1234',
    purpose: 'Bank',
    policy: 'final',
    issued_at: issuedAt,
    status: 'printed',
    reason: null,
    updated_at: issuedAt,
  };
}

test('a year end at midnight WIB with 001 for the new year passes', () => {
  const v = checkRegister([
    entry(1, 2026, '2026-12-31T23:59:59.999+07:00'),
    entry(1, 2027, '2027-01-01T00:00:00.000+07:00'),
    entry(2, 2027, '2027-01-01T08:00:00.000+07:00'),
  ]);
  assert.equal(v.problems, []);
});

test('each broken promise is named', () => {
  const cases: [string, RegisterEntry[], RegExp][] = [
    // 17:00 UTC on 31 December is already 1 January in the village.
    [
      'new year counted in UTC',
      [entry(2, 2026, '2026-12-31T17:00:00.000Z')],
      /carries year 2026, WIB says 2027/,
    ],
    [
      'a gap',
      [entry(1, 2026, '2026-12-01T08:00:00+07:00'), entry(3, 2026, '2026-12-01T09:00:00+07:00')],
      /sequence 3 where 2/,
    ],
    [
      'a number twice',
      [entry(1, 2026, '2026-12-01T08:00:00+07:00'), entry(1, 2026, '2026-12-01T09:00:00+07:00')],
      /given twice/,
    ],
    [
      'dated before the newest',
      [entry(1, 2026, '2026-12-01T09:00:00+07:00'), entry(2, 2026, '2026-12-01T08:00:00+07:00')],
      /before/,
    ],
    ['not 001 in a new year', [entry(5, 2027, '2027-01-01T08:00:00+07:00')], /sequence 5 where 1/],
  ];
  for (const [what, entries, expected] of cases) {
    const v = checkRegister(entries);
    assert.ok(
      v.problems.some((p) => expected.test(p)),
      `${what}: ${JSON.stringify(v.problems)}`,
    );
  }
});

test('slope is the least-squares growth per step', () => {
  assert.is(slope([1, 2, 3, 4], [10, 12, 14, 16]), 2);
  assert.is(slope([1, 2, 3], [5, 5, 5]), 0);
  assert.is(slope([1], [5]), 0);
});

test.run();
