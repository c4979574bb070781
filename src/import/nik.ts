/**
 * NIK checks. A NIK is `PP KK CC DDMMYY SSSS`: region where it was first issued, birth date with
 * day + 40 for women, sequence from 0001. The region is NOT checked against the village: it never
 * changes when a person moves.
 */

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Normalises the date forms found in village spreadsheets to YYYY-MM-DD: ISO (OpenSID exports),
 * DD-MM-YYYY or DD/MM/YYYY (typed by hand), or an ISO timestamp (a cell a spreadsheet program
 * turned into a date). Returns the input unchanged when it is none of these, so the validator
 * can name it.
 */
export function normaliseDate(value: string): string {
  const v = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00:00(?:\.000)?Z?)?$/.exec(v);
  if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) return `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return v;
}

/**
 * Problems of a NIK against the person's date of birth and sex, as sentences; empty when it is
 * consistent. `birthDate` must already be a valid ISO date (checked separately).
 */
export function nikProblems(
  nik: string,
  birthDate: string | null,
  sex: 'LAKI-LAKI' | 'PEREMPUAN' | null,
): string[] {
  if (!/^\d{16}$/.test(nik)) {
    return [
      `NIK '${nik}' must be 16 digits (has ${nik.replace(/\D/g, '').length} digits${/\D/.test(nik) ? ' and other characters' : ''})`,
    ];
  }
  const problems: string[] = [];
  const dd = Number(nik.slice(6, 8));
  const mm = nik.slice(8, 10);
  const yy = nik.slice(10, 12);
  const female = dd > 40;
  const day = female ? dd - 40 : dd;
  if (day < 1 || day > 31 || Number(mm) < 1 || Number(mm) > 12) {
    problems.push(
      `NIK ends its birth date part with '${nik.slice(6, 12)}', which is not a date (DDMMYY, day + 40 for women)`,
    );
    return problems;
  }
  if (birthDate) {
    const expected = `${String(day).padStart(2, '0')}${mm}${yy}`;
    const actual = `${birthDate.slice(8, 10)}${birthDate.slice(5, 7)}${birthDate.slice(2, 4)}`;
    if (expected !== actual) {
      problems.push(
        `NIK birth date part ${nik.slice(6, 12)} does not match tanggal_lahir ${birthDate} (expected ${
          sex === 'PEREMPUAN' ? String(Number(actual.slice(0, 2)) + 40) : actual.slice(0, 2)
        }${actual.slice(2)})`,
      );
    }
  }
  if (sex === 'PEREMPUAN' && !female)
    problems.push('NIK day is below 41 but the resident is PEREMPUAN (women have day + 40)');
  if (sex === 'LAKI-LAKI' && female)
    problems.push('NIK day is above 40 (a woman) but the resident is LAKI-LAKI');
  return problems;
}
