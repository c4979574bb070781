/**
 * Reads and validates a whole resident file. Nothing here writes: the caller imports the result
 * only when `problems` is empty (all or nothing).
 *
 *   file ──readTable──► rows ──detectFormat/mapRows──► Residents ──validate──► result
 */
import { isRandomUid } from '../hardware/card-reader.ts';
import { maskNik, type Resident } from '../store/resident.ts';
import { uidHex } from './card-uid.ts';
import { CARD_COLUMN, detectFormat, type MappedRow, mapRows, type ResidentFileFormat } from './map-rows.ts';
import { nikMismatches, nikProblems, readBirthDate } from './nik.ts';
import { type CodeTables, loadCodeTables } from './opensid-codes.ts';
import { readTable, type Table } from './read-table.ts';
import { SiakReading } from './siak.ts';

export interface ImportProblem {
  /** CSV line or spreadsheet row number. */
  line: number;
  message: string;
}

export interface ParsedResidentFile {
  format: ResidentFileFormat;
  kind: 'csv' | 'xlsx' | 'xls';
  /** The text encoding of a CSV (null for a spreadsheet). */
  encoding: string | null;
  sheet: string | null;
  /** How a SIAK file's columns were read (summary lines); empty for other formats. */
  readNotes: string[];
  /** The card column and how its numbers were read, or null when the file has none. */
  cardColumn: { name: string; reading: 'hex' | 'decimal' } | null;
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
  /** NIKs that disagree with the birth date or sex (also in `warnings`, or `problems` if strict). */
  mismatches: ImportProblem[];
}

export interface ParseOptions {
  codes?: CodeTables;
  today?: Date;
  onRows?: (rowsRead: number) => void;
  /** Refuse NIK / birth date / sex mismatches instead of importing them with a warning. */
  strict?: boolean;
}

/** A resident file read and mapped, before validation. */
export interface ResidentRows {
  table: Table;
  format: ResidentFileFormat;
  rows: MappedRow[];
  /** How a SIAK file's columns were read (summary lines); empty for other formats. */
  readNotes: string[];
}

/** Reads and maps `path` (every row, valid or not); throws only for an unreadable file. */
export async function readResidentRows(path: string, opts: ParseOptions = {}): Promise<ResidentRows> {
  const table = await readTable(path, { onRows: opts.onRows });
  const format = detectFormat(table);
  const siak = new SiakReading();
  const rows = mapRows(table, format, opts.codes ?? loadCodeTables(), siak);
  return { table, format, rows, readNotes: format === 'siak' ? siak.lines() : [] };
}

/** Reads, maps and validates `path`; never throws for a bad row, only for an unreadable file. */
export async function parseResidentFile(path: string, opts: ParseOptions = {}): Promise<ParsedResidentFile> {
  return validateRows(await readResidentRows(path, opts), opts);
}

/** Validates mapped rows: the residents and cards to import, or the problems that stop it. */
export function validateRows(read: ResidentRows, opts: ParseOptions = {}): ParsedResidentFile {
  const { table, format } = read;
  const today = (opts.today ?? new Date()).toISOString().slice(0, 10);
  const residents: Resident[] = [];
  const cards: ParsedResidentFile['cards'] = [];
  const problems: ImportProblem[] = [];
  const skipped: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const mismatches: ImportProblem[] = [];
  const dayFirst: { line: number; note: string }[] = [];
  const nikLine = new Map<string, number>();
  const cardLine = new Map<string, number>();

  for (const row of read.rows) {
    const r = row.resident;
    const rowProblems = [...row.problems];
    // OpenSID gives residents without a NIK a temporary one: "0", or "0" + village code +
    // sequence. No province code starts with 0, so such a resident cannot be identified by a
    // real NIK and no letter can carry one: leave them out and say so.
    if (r.nik === '0' || /^0\d*$/.test(r.nik)) {
      skipped.push({ line: row.line, message: `resident has no NIK (temporary '${r.nik}'): skipped` });
      continue;
    }
    if (r.nik === '') rowProblems.push('nik is empty');
    if (r.nama === '') rowProblems.push('nama is empty');
    if (r.no_kk !== '' && !/^\d{16}$/.test(r.no_kk))
      rowProblems.push(`no_kk '${maskNik(r.no_kk)}' must be 16 digits or empty`);
    let birth: string | null = null;
    if (r.tanggal_lahir === '') rowProblems.push('tanggal_lahir is empty');
    else {
      const read = readBirthDate(r.tanggal_lahir, 'tanggal_lahir');
      if (!read.ok) rowProblems.push(read.message);
      else if (read.iso > today || read.iso < '1900-01-01')
        rowProblems.push(`tanggal_lahir ${read.iso} is not a possible date of birth`);
      else {
        birth = read.iso;
        r.tanggal_lahir = read.iso;
        if (read.note) dayFirst.push({ line: row.line, note: read.note });
      }
    }
    const sexOk = !row.problems.some((p) => /^(sex|jenis_kelamin)\b/.test(p));
    const rowMismatches: string[] = [];
    if (r.nik !== '') {
      rowProblems.push(...nikProblems(r.nik));
      rowMismatches.push(...nikMismatches(r.nik, birth, sexOk ? r.jenis_kelamin : null));
    }
    if (opts.strict) rowProblems.push(...rowMismatches);
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
      if (first !== undefined) rowProblems.push(`card ${maskUid(row.card)} is already on line ${first}`);
      else cardLine.set(key, row.line);
    }
    for (const message of rowMismatches) mismatches.push({ line: row.line, message });
    if (rowProblems.length > 0) {
      for (const message of rowProblems) problems.push({ line: row.line, message });
      continue;
    }
    for (const message of [...rowMismatches, ...row.warnings]) warnings.push({ line: row.line, message });
    residents.push(r);
    if (row.card) cards.push({ uid: row.card, nik: r.nik, line: row.line });
  }
  // One note for the whole file: in a register written day-first, every such date would
  // otherwise warn.
  const first = dayFirst[0];
  if (first) {
    const more = dayFirst.length > 1 ? ` (and ${dayFirst.length - 1} more date(s) of this form)` : '';
    warnings.push({ line: first.line, message: `${first.note}${more}` });
    warnings.sort((a, b) => a.line - b.line);
  }
  return {
    format,
    kind: table.kind,
    encoding: table.encoding,
    sheet: table.sheet,
    cardColumn: cardColumnOf(table.headers, format),
    readNotes: read.readNotes,
    rows: read.rows.length,
    residents,
    cards,
    problems,
    skipped,
    warnings,
    mismatches,
  };
}

function cardColumnOf(headers: string[], format: ResidentFileFormat): ParsedResidentFile['cardColumn'] {
  const name = CARD_COLUMN[format];
  if (name === null || !headers.includes(name)) return null;
  return { name, reading: format === 'opensid' ? 'decimal' : 'hex' };
}

/** A card UID as the CLI may show it next to personal data: its last 2 bytes only. */
export function maskUid(uid: Buffer): string {
  return `…${uidHex(uid).slice(-4)}`;
}
