/**
 * What the time campaign checks in a register and in its samples:
 *
 *   - every number unique; per counter and year the sequences run 1, 2, 3… with no gap (so the
 *     first letter of a year is 001);
 *   - each letter's year is its year in the village's zone (WIB), worked out here with Intl and
 *     not with the process's zone: numbering never restarts before local midnight;
 *   - in file order, no letter is dated before a letter already in the register.
 *
 * Plus the least-squares slope of a series (memory per simulated day).
 */
import { readFileSync } from 'node:fs';
import type { RegisterEntry } from '../../src/letters/register.ts';
import { VILLAGE_TZ } from './time-kiosk.ts';

export interface RegisterVerdict {
  letters: number;
  /** Human-readable violations; empty when the register keeps every promise. */
  problems: string[];
}

const yearInVillage = new Intl.DateTimeFormat('en-CA', { timeZone: VILLAGE_TZ, year: 'numeric' });

/** Checks entries in register (file) order; `shared` when one counter serves every type. */
export function checkRegister(entries: RegisterEntry[], shared = false): RegisterVerdict {
  const problems: string[] = [];
  const numbers = new Set<string>();
  const lastSeq = new Map<string, number>();
  let newest = Number.NEGATIVE_INFINITY;
  let newestNumber = '';
  for (const e of entries) {
    if (numbers.has(e.number)) problems.push(`number ${e.number} given twice`);
    numbers.add(e.number);
    const counter = `${shared ? '*' : e.letter_type}|${e.year}`;
    const expected = (lastSeq.get(counter) ?? 0) + 1;
    if (e.seq !== expected) problems.push(`${e.number}: sequence ${e.seq} where ${expected} was next`);
    lastSeq.set(counter, Math.max(e.seq, lastSeq.get(counter) ?? 0));
    const at = Date.parse(e.issued_at);
    const localYear = Number(yearInVillage.format(at));
    if (e.year !== localYear)
      problems.push(`${e.number} issued ${e.issued_at} carries year ${e.year}, WIB says ${localYear}`);
    if (at < newest)
      problems.push(`${e.number} dated ${e.issued_at}, before ${newestNumber} already in the register`);
    if (at >= newest) {
      newest = at;
      newestNumber = e.number;
    }
  }
  return { letters: entries.length, problems };
}

/** Lines in a text file (a register), counted from its bytes. */
export function countLines(file: string): number {
  let n = 0;
  for (const byte of readFileSync(file)) if (byte === 0x0a) n++;
  return n;
}

/** Least-squares slope of `ys` against `xs` (units of y per unit of x); 0 for fewer than 2. */
export function slope(xs: number[], ys: number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  const mx = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = ys.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
