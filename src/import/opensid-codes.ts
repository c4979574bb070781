/**
 * OpenSID code tables (data/opensid-codes.tsv, taken from OpenSID's reference data): the numbers
 * an export holds in its coded columns, turned into the words a letter prints (agama 1 → ISLAM).
 */
import { readFileSync } from 'node:fs';
import { KioskError } from '../errors.ts';

/** The tables the importer needs, by OpenSID table name. */
export const CODE_TABLES = {
  sex: 'tweb_penduduk_sex',
  agama: 'tweb_penduduk_agama',
  kawin: 'tweb_penduduk_kawin',
  pekerjaan: 'tweb_penduduk_pekerjaan',
  warganegara: 'tweb_penduduk_warganegara',
  status_dasar: 'tweb_status_dasar',
} as const;

export type CodeTableName = keyof typeof CODE_TABLES;

export interface CodeTables {
  /**
   * The label for `value` in `table`: a code ("1") maps to its label, a label already written
   * out ("islam") is accepted in any case and returned as the table spells it. Undefined when
   * the value is neither.
   */
  label(table: CodeTableName, value: string): string | undefined;
}

const DEFAULT_TSV = new URL('../../data/opensid-codes.tsv', import.meta.url);

let cached: CodeTables | null = null;

/** Loads data/opensid-codes.tsv once (or `path`, for tests). */
export function loadCodeTables(path?: string | URL): CodeTables {
  if (!path && cached) return cached;
  let text: string;
  try {
    text = readFileSync(path ?? DEFAULT_TSV, 'utf8');
  } catch (err) {
    throw new KioskError('data_corrupt', `cannot read the OpenSID code tables: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const byTable = new Map<string, { byCode: Map<string, string>; byLabel: Map<string, string> }>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [table, id, label] = line.split('\t');
    if (!table || id === undefined || label === undefined) continue;
    let entry = byTable.get(table);
    if (!entry) {
      entry = { byCode: new Map(), byLabel: new Map() };
      byTable.set(table, entry);
    }
    entry.byCode.set(id.trim(), label.trim());
    entry.byLabel.set(label.trim().toUpperCase(), label.trim());
  }
  for (const table of Object.values(CODE_TABLES)) {
    if (!byTable.has(table)) throw new KioskError('data_corrupt', `OpenSID code table ${table} is missing`);
  }
  const tables: CodeTables = {
    label(name, value) {
      const entry = byTable.get(CODE_TABLES[name]);
      const v = value.trim();
      if (!entry || v === '') return undefined;
      // Codes may come as "01" or "1.0" when a spreadsheet program touched the file.
      const code = /^\d+(\.0+)?$/.test(v) ? String(Number.parseInt(v, 10)) : v;
      return entry.byCode.get(code) ?? entry.byLabel.get(v.toUpperCase());
    },
  };
  if (!path) cached = tables;
  return tables;
}
