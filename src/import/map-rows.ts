/**
 * Turns the rows of a resident file into Residents, for the two formats the importer accepts:
 *
 *   anjungan  header = Resident field names (src/store/resident.ts) + optional card_uid (hex)
 *   opensid   OpenSID's export / import template (sheet "Data Penduduk"): tempatlahir,
 *             tanggallahir, sex, agama_id, … (coded columns), tag_id_card (decimal)
 *
 * Unknown columns are ignored in both. Each row yields a Resident or the problems that stop it.
 */
import { KioskError } from '../errors.ts';
import { RESIDENT_FIELDS, type Resident } from '../store/resident.ts';
import { parseHexUid, uidFromDecimal, uidHex } from './card-uid.ts';
import type { CodeTableName, CodeTables } from './opensid-codes.ts';
import type { Table } from './read-table.ts';
import { isSiakHeader, noteWord, SIAK_COLUMNS, SIAK_REQUIRED, SiakReading, siakValue } from './siak.ts';

export type ResidentFileFormat = 'anjungan' | 'opensid' | 'siak';

/** Columns that must be present in a file of the project's own format. */
export const REQUIRED_COLUMNS: readonly (keyof Resident)[] = [
  'nik',
  'nama',
  'tanggal_lahir',
  'jenis_kelamin',
];

/** OpenSID header → Resident field, for the columns the kiosk keeps. */
const OPENSID_COLUMNS = {
  nik: 'nik',
  no_kk: 'no_kk',
  nama: 'nama',
  tempatlahir: 'tempat_lahir',
  tanggallahir: 'tanggal_lahir',
  sex: 'jenis_kelamin',
  agama_id: 'agama',
  status_kawin: 'status_perkawinan',
  pekerjaan_id: 'pekerjaan',
  warganegara_id: 'kewarganegaraan',
  alamat: 'alamat',
  rt: 'rt',
  rw: 'rw',
  dusun: 'dusun',
  status_dasar: 'status_dasar',
} as const satisfies Record<string, keyof Resident>;

const OPENSID_REQUIRED = ['nik', 'nama', 'tanggallahir', 'sex'] as const;

/** The column holding a card number in each format: hex in the kiosk's, decimal in OpenSID's. */
export const CARD_COLUMN: Record<ResidentFileFormat, string | null> = {
  anjungan: 'card_uid',
  opensid: 'tag_id_card',
  siak: null,
};

/** Which coded table each Resident field is looked up in. */
const CODED: Partial<Record<keyof Resident, CodeTableName>> = {
  agama: 'agama',
  status_perkawinan: 'kawin',
  pekerjaan: 'pekerjaan',
  kewarganegaraan: 'warganegara',
  status_dasar: 'status_dasar',
};

/** A row turned into the fields of a Resident, still unvalidated, with its card if any. */
export interface MappedRow {
  line: number;
  resident: Resident;
  /** Card UID bound in the file (card_uid hex, or OpenSID tag_id_card decimal). */
  card: Buffer | null;
  problems: string[];
  /** Doubts that do not block the import. */
  warnings: string[];
}

/** Decides the format from the header row; a KioskError naming the expected headers otherwise. */
export function detectFormat(table: Table): ResidentFileFormat {
  const h = new Set(table.headers);
  if (isSiakHeader(h)) {
    const missing = SIAK_REQUIRED.filter((c) => !h.has(c));
    if (missing.length > 0) {
      throw new KioskError(
        'import_invalid',
        `SIAK file lacks the column(s) ${missing.join(', ')} (line ${table.headerLine})`,
      );
    }
    return 'siak';
  }
  if (h.has('nik') && (h.has('tanggallahir') || h.has('tempatlahir') || h.has('agama_id') || h.has('sex'))) {
    const missing = OPENSID_REQUIRED.filter((c) => !h.has(c));
    if (missing.length > 0) {
      throw new KioskError(
        'import_invalid',
        `OpenSID file lacks the column(s) ${missing.join(', ')} (line ${table.headerLine})`,
      );
    }
    return 'opensid';
  }
  if (h.has('nik') && (h.has('tanggal_lahir') || h.has('jenis_kelamin') || h.has('nama'))) {
    const missing = REQUIRED_COLUMNS.filter((c) => !h.has(c));
    if (missing.length > 0) {
      throw new KioskError(
        'import_invalid',
        `resident file lacks the column(s) ${missing.join(', ')} (line ${table.headerLine})`,
      );
    }
    return 'anjungan';
  }
  throw new KioskError(
    'import_invalid',
    `cannot tell the file's format from its header (line ${table.headerLine}: ${table.headers.slice(0, 6).join(', ')}…). ` +
      `Expected an OpenSID export (nik, nama, sex, tanggallahir, …) or the kiosk's CSV format ` +
      `(${RESIDENT_FIELDS.join(', ')}, card_uid): see docs/technician.md`,
  );
}

/** The Resident fields `table` has a column for, in `format`. */
export function mappedFields(table: Table, format: ResidentFileFormat): Set<keyof Resident> {
  const h = new Set(table.headers);
  if (format === 'anjungan') return new Set(RESIDENT_FIELDS.filter((f) => h.has(f)));
  const named: Record<string, keyof Resident> = format === 'siak' ? SIAK_COLUMNS : OPENSID_COLUMNS;
  return new Set(Object.entries(named).flatMap(([header, field]) => (h.has(header) ? [field] : [])));
}

function emptyResident(): Resident {
  return {
    nik: '',
    no_kk: '',
    nama: '',
    tempat_lahir: '',
    tanggal_lahir: '',
    jenis_kelamin: 'LAKI-LAKI',
    agama: '',
    status_perkawinan: '',
    pekerjaan: '',
    kewarganegaraan: '',
    alamat: '',
    rt: '',
    rw: '',
    dusun: '',
    status_dasar: 'HIDUP',
  };
}

/**
 * Maps every row of `table` in `format`. `siak` (optional) collects how a SIAK file's columns
 * were read, for the summary.
 */
export function mapRows(
  table: Table,
  format: ResidentFileFormat,
  codes: CodeTables,
  siak: SiakReading = new SiakReading(),
): MappedRow[] {
  const index = new Map(table.headers.map((h, i) => [h, i] as const));
  const columns: [number, keyof Resident, string][] = [];
  if (format === 'opensid' || format === 'siak') {
    const named: Record<string, keyof Resident> = format === 'siak' ? SIAK_COLUMNS : OPENSID_COLUMNS;
    for (const [header, field] of Object.entries(named)) {
      const i = index.get(header);
      if (i !== undefined) columns.push([i, field, header]);
    }
    if (format === 'siak') siak.dropped = table.headers.filter((h) => h !== '' && !(h in named)).length;
  } else {
    for (const field of RESIDENT_FIELDS) {
      const i = index.get(field);
      if (i !== undefined) columns.push([i, field, field]);
    }
  }
  const cardName = CARD_COLUMN[format];
  const cardCol = cardName === null ? undefined : index.get(cardName);
  const out: MappedRow[] = [];
  for (const row of table.rows) {
    const resident = emptyResident();
    const problems = [...(row.cellProblems ?? [])];
    for (const [i, field, header] of columns) {
      let value = (row.cells[i] ?? '').trim().replace(/\s+/g, ' ');
      if (format === 'siak') value = siakValue(field, value, siak);
      if (field === 'jenis_kelamin') {
        const sex = sexOf(value, codes);
        if (format === 'siak' && sex) noteWord(siak, value, sex);
        if (sex) resident.jenis_kelamin = sex;
        else
          problems.push(
            value === ''
              ? `${header} is empty`
              : `${header} '${value}' is not 1/2, L/P, LAKI-LAKI or PEREMPUAN`,
          );
        continue;
      }
      if ((field === 'rt' || field === 'rw' || field === 'dusun') && /^-+$/.test(value)) value = '';
      const table = CODED[field];
      if (table && value !== '') {
        const label = codes.label(table, value);
        if (label && format === 'siak') noteWord(siak, value, label.toUpperCase());
        if (label) value = label.toUpperCase();
        else if (format === 'opensid' || field === 'status_dasar') {
          problems.push(
            `${header} '${value}' is not a known ${table === 'status_dasar' ? 'status_dasar' : 'OpenSID'} code`,
          );
        } else value = value.toUpperCase();
      }
      if (field === 'status_dasar' && value === '') value = 'HIDUP';
      resident[field] = value as never;
    }
    const warnings: string[] = [];
    let card: Buffer | null = null;
    const cardText = cardCol === undefined ? '' : (row.cells[cardCol] ?? '').trim();
    if (cardText !== '' && cardText !== '-' && cardText !== '0') {
      try {
        card = format === 'opensid' ? uidFromDecimal(cardText) : parseHexUid(cardText);
        if (format === 'opensid' && card.length === 7 && cardText.length <= 10) {
          warnings.push(
            `tag_id_card …${cardText.slice(-4)} is too large for a 4-byte card: bound as a 7-byte UID (…${uidHex(card).slice(-4)}); ` +
              'if the card is not recognised, bind it again with `anjungan cards enroll`',
          );
        }
      } catch (err) {
        problems.push((err as Error).message.replace(/^card UID/, 'card_uid'));
      }
    }
    out.push({ line: row.line, resident, card, problems, warnings });
  }
  return out;
}

function sexOf(value: string, codes: CodeTables): Resident['jenis_kelamin'] | null {
  const v = value.trim().toUpperCase();
  if (v === 'L' || v === 'LK') return 'LAKI-LAKI';
  if (v === 'P' || v === 'PR') return 'PEREMPUAN';
  const label = codes.label('sex', v)?.toUpperCase();
  return label === 'LAKI-LAKI' || label === 'PEREMPUAN' ? label : null;
}
