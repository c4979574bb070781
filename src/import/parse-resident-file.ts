/**
 * Reads and validates a whole resident file. Nothing here writes: the caller imports the result
 * only when `problems` is empty (all or nothing).
 *
 *   file ──readTable──► rows ──detectFormat/mapRows──► Residents ──validate──► result
 */
import { isRandomUid } from '../hardware/card-reader.ts';
import { maskNik, type Resident } from '../store/resident.ts';
import { detectFormat, mapRows, type ResidentFileFormat } from './map-rows.ts';
import { isIsoDate, nikProblems, normaliseDate } from './nik.ts';
import { type CodeTables, loadCodeTables } from './opensid-codes.ts';
import { readTable } from './read-table.ts';

export interface ImportProblem {
  /** CSV line or spreadsheet row number. */
  line: number;
  message: string;
}

export interface ParsedResidentFile {
  format: ResidentFileFormat;
  kind: 'csv' | 'xlsx';
  sheet: string | null;
  /** Data rows read (header excluded). */
  rows: number;
  residents: Resident[];
  cards: { uid: Buffer; nik: string; line: number }[];
  /** Every problem that blocks the import, in line order. Empty: the file may be imported. */
  problems: ImportProblem[];
  /** Rows left out on purpose (temporary NIK), which do not block the import. */
  skipped: ImportProblem[];
  /** Doubts about rows that were imported (e.g. an odd card number). */
  warnings: ImportProblem[];
}

/** Reads, maps and validates `path`; never throws for a bad row, only for an unreadable file. */
export async function parseResidentFile(
  path: string,
  opts: { codes?: CodeTables; today?: Date; onRows?: (rowsRead: number) => void } = {},
): Promise<ParsedResidentFile> {
  const table = await readTable(path, { onRows: opts.onRows });
  const format = detectFormat(table);
  const codes = opts.codes ?? loadCodeTables();
  const today = (opts.today ?? new Date()).toISOString().slice(0, 10);
  const residents: Resident[] = [];
  const cards: ParsedResidentFile['cards'] = [];
  const problems: ImportProblem[] = [];
  const skipped: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const nikLine = new Map<string, number>();
  const cardLine = new Map<string, number>();

  for (const row of mapRows(table, format, codes)) {
    const r = row.resident;
    const rowProblems = [...row.problems];
    // OpenSID gives residents without a NIK a temporary one: "0", or "0" + village code +
    // sequence. No province code starts with 0, so such a resident cannot be identified by a
    // real NIK and no letter can carry one: leave them out and say so.
    if (r.nik === '0' || /^0\d*$/.test(r.nik)) {
      skipped.push({
        line: row.line,
        message: `${r.nama || 'resident'} has no NIK (temporary '${r.nik}'): skipped`,
      });
      continue;
    }
    if (r.nik === '') rowProblems.push('nik is empty');
    if (r.nama === '') rowProblems.push('nama is empty');
    if (r.no_kk !== '' && !/^\d{16}$/.test(r.no_kk))
      rowProblems.push(`no_kk '${r.no_kk}' must be 16 digits or empty`);
    let birth: string | null = null;
    if (r.tanggal_lahir === '') rowProblems.push('tanggal_lahir is empty');
    else {
      const iso = normaliseDate(r.tanggal_lahir);
      if (!isIsoDate(iso)) rowProblems.push(`tanggal_lahir '${r.tanggal_lahir}' is not a date (YYYY-MM-DD)`);
      else if (iso > today || iso < '1900-01-01')
        rowProblems.push(`tanggal_lahir ${iso} is not a possible date of birth`);
      else {
        birth = iso;
        r.tanggal_lahir = iso;
      }
    }
    const sexOk = !row.problems.some((p) => /^(sex|jenis_kelamin)\b/.test(p));
    if (r.nik !== '') rowProblems.push(...nikProblems(r.nik, birth, sexOk ? r.jenis_kelamin : null));
    if (/^\d{16}$/.test(r.nik)) {
      const first = nikLine.get(r.nik);
      if (first !== undefined) rowProblems.push(`NIK ${maskNik(r.nik)} is already on line ${first}`);
      else nikLine.set(r.nik, row.line);
    }
    if (row.card && isRandomUid(row.card)) {
      rowProblems.push(
        'the card number starts with 08: such cards show a random UID on every tap and cannot be bound',
      );
    } else if (row.card) {
      const key = row.card.toString('hex');
      const first = cardLine.get(key);
      if (first !== undefined) rowProblems.push(`card ${key.toUpperCase()} is already on line ${first}`);
      else cardLine.set(key, row.line);
    }
    if (rowProblems.length > 0) {
      for (const message of rowProblems) problems.push({ line: row.line, message });
      continue;
    }
    for (const message of row.warnings) warnings.push({ line: row.line, message });
    residents.push(r);
    if (row.card) cards.push({ uid: row.card, nik: r.nik, line: row.line });
  }
  return {
    format,
    kind: table.kind,
    sheet: table.sheet,
    rows: table.rows.length,
    residents,
    cards,
    problems,
    skipped,
    warnings,
  };
}
