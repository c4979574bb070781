/**
 * Birth dates as village spreadsheets write them: ISO (OpenSID exports), DD-MM-YYYY or
 * DD/MM/YYYY (typed by hand, the Indonesian order), or an ISO timestamp (a cell a spreadsheet
 * program turned into a date). A date in a form that could also be read month-first (`6/5/1972`)
 * is read day-first, and the reader says so.
 */
import { MONTHS } from '../display/text-id.ts';

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  return realDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function realDate(y: number, mo: number, d: number): boolean {
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Normalises the known forms to YYYY-MM-DD (day-first for D/M/Y); returns the input unchanged
 * when it is none of them.
 */
export function normaliseDate(value: string): string {
  const parts = dateParts(value.trim());
  return parts ? iso(parts) : value.trim();
}

type Parts = { y: string; m: string; d: string; dayFirst: boolean };

function dateParts(v: string): Parts | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00:00(?:\.000)?Z?)?$/.exec(v);
  if (m) return { y: m[1]!, m: m[2]!, d: m[3]!, dayFirst: false };
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) return { y: m[3]!, m: m[2]!, d: m[1]!, dayFirst: true };
  return null;
}

function iso(p: Parts): string {
  return `${p.y}-${p.m.padStart(2, '0')}-${p.d.padStart(2, '0')}`;
}

export type BirthDateReading =
  | { ok: true; iso: string /** How an ambiguous day/month date was read. */; note?: string }
  | { ok: false; message: string };

/** Reads a birth date cell (`column` names it in messages). */
export function readBirthDate(value: string, column: string): BirthDateReading {
  const v = value.trim();
  const p = dateParts(v);
  if (!p) {
    return { ok: false, message: `${column} '${v}' is not a date: write it as YYYY-MM-DD (or DD-MM-YYYY)` };
  }
  const [y, mo, d] = [Number(p.y), Number(p.m), Number(p.d)];
  if (!realDate(y, mo, d)) {
    if (!p.dayFirst)
      return {
        ok: false,
        message: `${column} '${v}' is not a real date (no day ${d} in month ${mo} of ${y})`,
      };
    const usStyle = mo > 12 && d <= 12 && realDate(y, d, mo);
    return {
      ok: false,
      message:
        `${column} '${v}' is not a real date read as day/month/year (day ${d}, month ${mo})` +
        (usStyle
          ? `; if it is month/day/year, write it as ${iso({ y: p.y, m: String(d), d: String(mo), dayFirst: false })}`
          : ''),
    };
  }
  const out = iso(p);
  if (p.dayFirst && d <= 12 && mo <= 12 && d !== mo) {
    return {
      ok: true,
      iso: out,
      note: `${column} '${v}' was read as day/month/year: ${d} ${MONTHS[mo - 1]} ${y} (not ${mo} ${MONTHS[d - 1]})`,
    };
  }
  return { ok: true, iso: out };
}
