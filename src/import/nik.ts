/**
 * NIK checks. A NIK is `PP KK CC DDMMYY SSSS`: region where it was first issued, birth date with
 * day + 40 for women, sequence from 0001. The region is NOT checked against the village: it never
 * changes when a person moves.
 *
 * Two kinds of finding: a NIK that cannot be one (not 16 digits, a date part that is no date) is
 * a problem; a NIK whose date part or sex disagrees with the recorded birth date or sex is a
 * mismatch. Real registers hold many mismatches (entry errors, NIKs issued with another date;
 * OpenSID's own example file has one on every row), so mismatches are warnings: the letter prints
 * the birth date the village recorded.
 */
import { maskNik } from '../store/resident.ts';

export { isIsoDate, normaliseDate, readBirthDate } from './dates.ts';

/** Problems that make `nik` unusable as a NIK, as sentences (NIK masked); empty when well-formed. */
export function nikProblems(nik: string): string[] {
  if (!/^\d{16}$/.test(nik)) {
    const digits = nik.replace(/\D/g, '').length;
    return [
      `NIK '${maskNik(nik)}' must be 16 digits (has ${digits} digits${/\D/.test(nik) ? ' and other characters' : ''})`,
    ];
  }
  const { day, month } = nikDate(nik);
  if (day < 1 || day > 31 || month < 1 || month > 12) {
    return [`NIK ${maskNik(nik)}: its birth date part is not a date (DDMMYY, day + 40 for women)`];
  }
  return [];
}

/**
 * Where a well-formed NIK disagrees with the recorded birth date (ISO, already valid) and sex, as
 * sentences that name which parts differ but not their values (the CLI prints them on a terminal).
 */
export function nikMismatches(
  nik: string,
  birthDate: string | null,
  sex: 'LAKI-LAKI' | 'PEREMPUAN' | null,
): string[] {
  if (nikProblems(nik).length > 0) return [];
  const { day, month, yy, female } = nikDate(nik);
  const out: string[] = [];
  if (birthDate) {
    const differs = [
      day !== Number(birthDate.slice(8, 10)) ? 'day' : null,
      month !== Number(birthDate.slice(5, 7)) ? 'month' : null,
      yy !== birthDate.slice(2, 4) ? 'year' : null,
    ].filter((p): p is string => p !== null);
    if (differs.length > 0) {
      out.push(
        `NIK ${maskNik(nik)}: its birth date part differs from tanggal_lahir in the ${joinWords(differs)} ` +
          '(imported; letters print tanggal_lahir as recorded)',
      );
    }
  }
  if (sex === 'PEREMPUAN' && !female)
    out.push(`NIK ${maskNik(nik)}: day below 41 (a man's NIK) but the resident is PEREMPUAN`);
  if (sex === 'LAKI-LAKI' && female)
    out.push(`NIK ${maskNik(nik)}: day above 40 (a woman's NIK) but the resident is LAKI-LAKI`);
  return out;
}

function nikDate(nik: string): { day: number; month: number; yy: string; female: boolean } {
  const dd = Number(nik.slice(6, 8));
  const female = dd > 40;
  return { day: female ? dd - 40 : dd, month: Number(nik.slice(8, 10)), yy: nik.slice(10, 12), female };
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
