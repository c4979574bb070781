/**
 * Writes a Reconciliation as the report a village office works through and sends to
 * Disdukcapil: an .xlsx with a summary sheet and one sheet per kind (exceljs' streaming writer,
 * so 100,000 rows stay small in memory), or one CSV per kind. Headers in Bahasa Indonesia; NIKs
 * as text cells (a number cell would lose their last digits). The summary sheet names the two
 * files with their SHA-256, so `residents import --from-reconcile` imports from exactly the data
 * the office reviewed.
 */
import { createWriteStream } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { KioskError } from '../errors.ts';
import type { Resident } from '../store/resident.ts';
import type { ComparedField, Reconciliation, Source, SourceRow } from './reconcile.ts';

export interface ReportSheet {
  /** File-name part for CSV output. */
  id: string;
  /** Sheet name (≤ 31 characters). */
  title: string;
  header: string[];
  rows: string[][];
}

export interface ReportSource {
  source: Source;
  path: string;
  sha256: string;
}

export const SUMMARY_TITLE = 'Ringkasan';
/** Summary rows that name the compared files: label, path, SHA-256. */
export const SOURCE_LABELS: Record<Source, string> = { dukcapil: 'Berkas Dukcapil', village: 'Berkas Desa' };

const BERKAS: Record<Source, string> = { dukcapil: 'Dukcapil', village: 'Desa' };
const FIELD_LABELS: Record<ComparedField, string> = {
  nama: 'Nama',
  tanggal_lahir: 'Tanggal Lahir',
  tempat_lahir: 'Tempat Lahir',
  jenis_kelamin: 'Jenis Kelamin',
  no_kk: 'Nomor KK',
  rt: 'RT',
  rw: 'RW',
  dusun: 'Dusun',
  status_dasar: 'Status',
};
const PERSON_HEADER = [
  'Berkas',
  'Baris',
  'NIK',
  'Nama',
  'Tanggal Lahir',
  'Tempat Lahir',
  'Jenis Kelamin',
  'Nomor KK',
  'Alamat',
  'RT',
  'RW',
  'Dusun',
  'Status',
];

function person(r: SourceRow): string[] {
  const p: Resident = r.resident;
  return [
    BERKAS[r.source],
    String(r.line),
    p.nik,
    p.nama,
    p.tanggal_lahir,
    p.tempat_lahir,
    p.jenis_kelamin,
    p.no_kk,
    p.alamat,
    p.rt,
    p.rw,
    p.dusun,
    p.status_dasar,
  ];
}

/** The report's sheets, summary first. */
export function reportSheets(rec: Reconciliation, sources: ReportSource[]): ReportSheet[] {
  const kinds: ReportSheet[] = [
    {
      id: 'hanya_dukcapil',
      title: 'Hanya di Dukcapil',
      header: PERSON_HEADER,
      rows: rec.onlyDukcapil.map(person),
    },
    { id: 'hanya_desa', title: 'Hanya di Desa', header: PERSON_HEADER, rows: rec.onlyVillage.map(person) },
    {
      id: 'data_berbeda',
      title: 'Data Berbeda',
      header: ['NIK', 'Kolom', 'Data Dukcapil', 'Data Desa', 'Baris Dukcapil', 'Baris Desa'],
      rows: rec.differences.map((d) => [
        d.nik,
        FIELD_LABELS[d.field],
        d.dukcapil,
        d.village,
        String(d.dukcapilLine),
        String(d.villageLine),
      ]),
    },
    {
      id: 'alamat_ganda',
      title: 'Alamat Ganda',
      header: ['Kelompok', 'Jenis', ...PERSON_HEADER],
      rows: rec.doubleAddress.map((a) => [
        String(a.group),
        a.kind === 'nik_twice' ? 'NIK ganda dalam satu berkas' : 'Satu orang, dua NIK',
        ...person(a.row),
      ]),
    },
    {
      id: 'nik_tidak_cocok',
      title: 'NIK Tidak Cocok',
      header: [...PERSON_HEADER, 'Keterangan'],
      rows: rec.nikMismatch.map((m) => [...person(m.row), m.note]),
    },
    {
      id: 'nik_tidak_valid',
      title: 'NIK Tidak Valid',
      header: [...PERSON_HEADER, 'Keterangan'],
      rows: rec.nikInvalid.map((m) => [...person(m.row), m.note]),
    },
  ];
  const summary: ReportSheet = {
    id: 'ringkasan',
    title: SUMMARY_TITLE,
    header: ['Jenis', 'Jumlah', 'SHA-256'],
    rows: [
      ...kinds.map((k) => [k.title, String(k.rows.length), '']),
      ['NIK cocok di kedua berkas', String(rec.matched.length), ''],
      ...sources.map((s) => [SOURCE_LABELS[s.source], s.path, s.sha256]),
    ],
  };
  return [summary, ...kinds];
}

/** Writes the sheets as one .xlsx at `path`. */
export async function writeReportXlsx(path: string, sheets: ReportSheet[]): Promise<void> {
  // Created 0600 (full NIKs: for the village office, not for every user of the Pi).
  const stream = createWriteStream(path, { mode: 0o600 });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useSharedStrings: false,
    useStyles: true,
  });
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.title, { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = ws.addRow(sheet.header);
    head.font = { bold: true };
    head.commit();
    for (const row of sheet.rows) ws.addRow(row).commit();
    ws.commit();
  }
  await wb.commit();
  await chmod(path, 0o600); // an existing file keeps its mode on open
}

/**
 * The two files a report was made from, read back from its summary (the .xlsx, or the
 * `-ringkasan.csv` of a CSV report).
 */
export async function readReportSources(path: string): Promise<Record<Source, ReportSource>> {
  let rows: string[][];
  try {
    if (path.toLowerCase().endsWith('.csv')) {
      rows = parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''), {
        relax_column_count: true,
      }) as string[][];
    } else {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.getWorksheet(SUMMARY_TITLE);
      rows = [];
      ws?.eachRow((row) => {
        rows.push(
          (row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))),
        );
      });
    }
  } catch (err) {
    throw new KioskError(
      'import_invalid',
      `cannot read the reconciliation report ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const out: Partial<Record<Source, ReportSource>> = {};
  for (const source of ['dukcapil', 'village'] as const) {
    const row = rows.find((r) => r[0] === SOURCE_LABELS[source]);
    if (row?.[1] && /^[0-9a-f]{64}$/.test(row[2] ?? ''))
      out[source] = { source, path: row[1], sha256: row[2]! };
  }
  if (!out.dukcapil || !out.village) {
    throw new KioskError(
      'import_invalid',
      `${path} is not a report of \`anjungan residents reconcile\` (its "${SUMMARY_TITLE}" sheet does not name the two files)`,
    );
  }
  return out as Record<Source, ReportSource>;
}

/** Writes one CSV per sheet, `<prefix>-<id>.csv`; returns their paths. */
export async function writeReportCsv(prefix: string, sheets: ReportSheet[]): Promise<string[]> {
  const paths: string[] = [];
  for (const sheet of sheets) {
    const path = `${prefix}-${sheet.id}.csv`;
    const lines = [sheet.header, ...sheet.rows].map((r) => r.map(csvCell).join(','));
    // A BOM so that Excel opens the UTF-8 text with its accents intact.
    await writeFile(path, `\uFEFF${lines.join('\r\n')}\r\n`, { mode: 0o600 });
    paths.push(path);
  }
  return paths;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
