/**
 * Reconciliation of Dukcapil's data with the village's census, matched by NIK (the key everyone
 * trusts). Pure: two read files in, the findings out, one list per kind; reconcile-report.ts
 * writes them, nothing here imports.
 *
 *   dukcapil rows ─┐                      ┌─ only_dukcapil / only_village
 *                  ├─ by NIK ─────────────┼─ differences (name, birth date, place, sex, KK, RT/RW/dusun, status)
 *   village rows ──┘                      ├─ double_address (NIK twice in a file; one person, two NIKs)
 *                  └─ each row ───────────┴─ nik_mismatch (date part / sex), nik_invalid
 */
import type { Resident } from '../store/resident.ts';
import { type MappedRow, mappedFields } from './map-rows.ts';
import { nikMismatches, nikProblems, readBirthDate } from './nik.ts';
import type { ResidentRows } from './parse-resident-file.ts';

export type Source = 'dukcapil' | 'village';

/** One row of one file, as the report shows it. */
export interface SourceRow {
  source: Source;
  line: number;
  resident: Resident;
}

export interface FieldDifference {
  nik: string;
  field: ComparedField;
  dukcapil: string;
  village: string;
  dukcapilLine: number;
  villageLine: number;
}

export interface DoubleAddress {
  kind: 'nik_twice' | 'two_niks';
  /** Rows of one group share a number, so the report keeps them together. */
  group: number;
  row: SourceRow;
}

export interface RowNote {
  row: SourceRow;
  note: string;
}

export interface Reconciliation {
  onlyDukcapil: SourceRow[];
  onlyVillage: SourceRow[];
  differences: FieldDifference[];
  doubleAddress: DoubleAddress[];
  nikMismatch: RowNote[];
  nikInvalid: RowNote[];
  /** NIKs in both files, once each in each: what `import --from-reconcile` takes. */
  matched: { nik: string; dukcapil: MappedRow; village: MappedRow }[];
}

/** The fields compared, in report order. */
export const COMPARED_FIELDS = [
  'nama',
  'tanggal_lahir',
  'tempat_lahir',
  'jenis_kelamin',
  'no_kk',
  'rt',
  'rw',
  'dusun',
  'status_dasar',
] as const satisfies readonly (keyof Resident)[];
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** Compares the two files; every row of both appears in the findings it belongs to. */
export function reconcile(dukcapil: ResidentRows, village: ResidentRows): Reconciliation {
  const out: Reconciliation = {
    onlyDukcapil: [],
    onlyVillage: [],
    differences: [],
    doubleAddress: [],
    nikMismatch: [],
    nikInvalid: [],
    matched: [],
  };
  const group = { next: 1 };
  const d = indexByNik('dukcapil', dukcapil, out, group);
  const v = indexByNik('village', village, out, group);
  // A field is compared only when both files have a column for it (SIAK has no dusun).
  const fields = COMPARED_FIELDS.filter(
    (f) =>
      mappedFields(dukcapil.table, dukcapil.format).has(f) &&
      mappedFields(village.table, village.format).has(f),
  );
  for (const [nik, dRows] of d) {
    const vRows = v.get(nik);
    if (!vRows) {
      out.onlyDukcapil.push(...dRows.map((r) => sourceRow('dukcapil', r)));
      continue;
    }
    const [dr, vr] = [dRows[0]!, vRows[0]!];
    for (const field of fields) {
      const [a, b] = [dr.resident[field], vr.resident[field]];
      if (comparable(field, a) !== comparable(field, b)) {
        out.differences.push({
          nik,
          field,
          dukcapil: a,
          village: b,
          dukcapilLine: dr.line,
          villageLine: vr.line,
        });
      }
    }
    if (dRows.length === 1 && vRows.length === 1) out.matched.push({ nik, dukcapil: dr, village: vr });
  }
  for (const [nik, vRows] of v)
    if (!d.has(nik)) out.onlyVillage.push(...vRows.map((r) => sourceRow('village', r)));
  out.doubleAddress.push(...onePersonTwoNiks([...d.values(), ...v.values()], group));
  return out;
}

/**
 * Rows by valid NIK, with birth dates read to ISO. Notes invalid NIKs, NIK/birth date
 * mismatches and NIKs twice in this file on the way.
 */
function indexByNik(
  source: Source,
  file: ResidentRows,
  out: Reconciliation,
  group: { next: number },
): Map<string, (MappedRow & { source: Source })[]> {
  const byNik = new Map<string, (MappedRow & { source: Source })[]>();
  for (const mapped of file.rows) {
    const row = { ...mapped, source, resident: { ...mapped.resident } };
    const birth = readBirthDate(row.resident.tanggal_lahir, 'tanggal_lahir');
    if (birth.ok) row.resident.tanggal_lahir = birth.iso;
    const invalid = row.resident.nik === '' ? ['nik is empty'] : nikProblems(row.resident.nik);
    if (invalid.length > 0) {
      out.nikInvalid.push({ row: sourceRow(source, row), note: invalid.join('; ') });
      continue;
    }
    const mismatch = nikMismatches(row.resident.nik, birth.ok ? birth.iso : null, row.resident.jenis_kelamin);
    if (mismatch.length > 0) out.nikMismatch.push({ row: sourceRow(source, row), note: mismatch.join('; ') });
    const list = byNik.get(row.resident.nik);
    if (list) list.push(row);
    else byNik.set(row.resident.nik, [row]);
  }
  for (const rows of byNik.values()) {
    if (rows.length < 2) continue;
    const g = group.next++;
    for (const r of rows) out.doubleAddress.push({ kind: 'nik_twice', group: g, row: sourceRow(source, r) });
  }
  return byNik;
}

/** Same name, birth date and birth place under different NIKs, in either file or across both. */
function onePersonTwoNiks(
  byNik: (MappedRow & { source: Source })[][],
  group: { next: number },
): DoubleAddress[] {
  const people = new Map<string, (MappedRow & { source: Source })[]>();
  for (const rows of byNik) {
    for (const r of rows) {
      const p = r.resident;
      if (p.nama === '' || p.tanggal_lahir === '') continue;
      const key = `${squash(p.nama)}|${p.tanggal_lahir}|${squash(p.tempat_lahir)}`;
      const list = people.get(key);
      if (list) list.push(r);
      else people.set(key, [r]);
    }
  }
  const out: DoubleAddress[] = [];
  for (const rows of people.values()) {
    if (new Set(rows.map((r) => r.resident.nik)).size < 2) continue;
    const g = group.next++;
    for (const r of rows) out.push({ kind: 'two_niks', group: g, row: sourceRow(r.source, r) });
  }
  return out;
}

function sourceRow(source: Source, r: MappedRow): SourceRow {
  return { source, line: r.line, resident: r.resident };
}

/** Upper case, letters and digits only: "Muh. Ma'ruf" and "MUH MARUF" are one name. */
export function squash(s: string): string {
  return s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** A value in the form two files agree on: names squashed, RT/RW as numbers. */
function comparable(field: ComparedField, value: string): string {
  if (field === 'nama' || field === 'tempat_lahir' || field === 'dusun') return squash(value);
  if ((field === 'rt' || field === 'rw') && /^\d+$/.test(value)) return String(Number(value));
  return value.trim().toUpperCase();
}
