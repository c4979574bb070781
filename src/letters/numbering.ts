/**
 * Village letter numbers, e.g. `S-11/001/1809102004/X/2024` for the default format
 * `{code}/{seq:3}/{village_code}/{roman_month}/{year}` (classification code / sequence padded to
 * 3 / kode desa / month in Roman numerals / year). Month and year are the local date of issue.
 */
import { KioskError } from '../errors.ts';

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'] as const;

const PLACEHOLDER = /\{([a-z_]+)(?::(\d+))?\}/g;
const KNOWN = new Set(['code', 'seq', 'village_code', 'roman_month', 'month', 'year']);

/** 1 → "I" … 12 → "XII". */
export function romanMonth(month1to12: number): string {
  const roman = ROMAN[month1to12 - 1];
  if (!Number.isInteger(month1to12) || roman === undefined) {
    throw new RangeError(`month must be 1..12, got ${month1to12}`);
  }
  return roman;
}

/**
 * Checks a numbering format once (at start): only known placeholders, and a `{seq}` so that
 * numbers differ. Throws 'config_invalid' naming the key.
 */
export function validateNumberFormat(format: string): void {
  let hasSeq = false;
  for (const m of format.matchAll(PLACEHOLDER)) {
    const [whole, name, width] = m;
    if (!KNOWN.has(name!) || (width !== undefined && name !== 'seq')) {
      throw new KioskError(
        'config_invalid',
        `letters.numbering.format: unknown placeholder ${whole}; use {code} {seq} {seq:N} {village_code} {roman_month} {month} {year}`,
      );
    }
    if (name === 'seq') hasSeq = true;
  }
  if (!hasSeq) {
    throw new KioskError(
      'config_invalid',
      `letters.numbering.format "${format}" has no {seq} or {seq:N}: every letter would get the same number`,
    );
  }
}

/**
 * Fills a numbering format. `{seq:N}` pads the sequence with zeros to N digits (longer
 * sequences are never cut), `{month}` is two digits, month and year are local time.
 */
export function formatLetterNumber(
  format: string,
  p: { code: string; seq: number; villageCode: string; date: Date },
): string {
  const month = p.date.getMonth() + 1;
  return format.replace(PLACEHOLDER, (whole, name: string, width: string | undefined) => {
    switch (name) {
      case 'code':
        return p.code;
      case 'seq':
        return String(p.seq).padStart(width === undefined ? 0 : Number(width), '0');
      case 'village_code':
        return p.villageCode;
      case 'roman_month':
        return romanMonth(month);
      case 'month':
        return String(month).padStart(2, '0');
      case 'year':
        return String(p.date.getFullYear());
      default:
        throw new KioskError('config_invalid', `letters.numbering.format: unknown placeholder ${whole}`);
    }
  });
}
