/**
 * Synthetic SIAK exports (Dukcapil) in the shape of the sample OpenSID ships for its SIAK import
 * (`assets/import/format_siak.xls`, read there, not copied): 37 columns, Tanggal Lahir as Excel
 * serial numbers, RT/RW as numbers, words in mixed case. Written by SheetJS, so the bytes are
 * real BIFF8 (.xls) or OOXML (.xlsx). The people are invented.
 */
import { writeFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import ExcelJS from 'exceljs';
import { synthResident } from './import-fixtures.ts';

export const SIAK_HEADER = [
  'Nomor KK',
  'NIK',
  'Nama Penduduk',
  'Status',
  'Tempat Lahir',
  'Tanggal Lahir',
  'Kelamin',
  'NIK Ayah',
  'Ayah',
  'NIK Ibu',
  'Ibu',
  'Status Kawin',
  'SHDK',
  'Agama',
  'Kecamatan',
  'Desa/Kel',
  'Alamat',
  'RW',
  'RT',
  'Pendidikan',
  'Pekerjaan',
  'Deskripsi Pekerjaan',
  'Gol. Darah',
  'Cacat',
  'Cetak KTP',
  'Ganti KTP',
  'KTP Berakhir',
  'Nomor Paspor',
  'Nomor Akta Lahir',
  'Nomor Akta Kawin',
  'Tanggal Kwn',
  'Nomor Akta Cerai',
  'Tgl Cerai',
  'Petugas Registrasi',
  'Tgl Ubah',
  'Petugas Entri',
  'Tgl Entri',
];

/** One person as a SIAK row holds them (the fields the kiosk keeps). */
export interface SiakPerson {
  no_kk: string;
  nik: string;
  nama: string;
  /** Hidup, Mati, Pindah Dalam Negeri, Tidak Valid … */
  status: string;
  tempat_lahir: string;
  /** ISO; written as an Excel serial unless `textDate`. */
  tanggal_lahir: string;
  textDate?: boolean;
  /** Perempuan / Laki-Laki */
  kelamin: string;
  status_kawin: string;
  agama: string;
  alamat: string;
  rw: number;
  rt: number;
  pekerjaan: string;
}

/**
 * The i-th synthetic person in SIAK's words: the same person as row i of nativeCsv() (NIK, name,
 * birth, sex, KK, RT/RW), so a pair of the two files reconciles without differences.
 */
export function siakPerson(i: number): SiakPerson {
  const r = synthResident(i);
  return {
    no_kk: `180910010101${String(i % 10000).padStart(4, '0')}`,
    nik: r.nik,
    nama: r.nama,
    status: 'Hidup',
    tempat_lahir: 'pesawaran',
    tanggal_lahir: r.tanggal_lahir,
    kelamin: r.female ? 'Perempuan' : 'Laki-Laki',
    status_kawin: i % 3 === 0 ? 'Belum Kawin' : 'Kawin',
    agama: 'Islam',
    alamat: 'Dsn Hanura',
    rw: 2,
    rt: 1,
    pekerjaan: 'Mengurus Rumah Tangga',
  };
}

/** Excel's serial day number (1900 date system, with its phantom 29 February 1900). */
export function isoToExcelSerial(iso: string): number {
  const days = (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 31)) / 86_400_000;
  return days >= 60 ? days + 1 : days;
}

function row(p: SiakPerson): unknown[] {
  const [y, m, d] = p.tanggal_lahir.split('-');
  const v: Record<string, unknown> = {
    'Nomor KK': p.no_kk,
    NIK: p.nik,
    'Nama Penduduk': p.nama,
    Status: p.status,
    'Tempat Lahir': p.tempat_lahir,
    'Tanggal Lahir': p.textDate ? `${d}-${m}-${y}` : isoToExcelSerial(p.tanggal_lahir),
    Kelamin: p.kelamin,
    'NIK Ayah': '1809100101500001',
    Ayah: 'AYAH KANDUNG',
    Ibu: 'IBU KANDUNG',
    'Status Kawin': p.status_kawin,
    SHDK: 'Anak',
    Agama: p.agama,
    Kecamatan: 'TELUK PANDAN',
    'Desa/Kel': 'HANURA',
    Alamat: p.alamat,
    RW: p.rw,
    RT: p.rt,
    Pendidikan: 'SLTA/Sederajat',
    Pekerjaan: p.pekerjaan,
    'Gol. Darah': 'Tdk Th',
    'Cetak KTP': 41060,
    'Nomor Akta Lahir': '0833/DP/2000',
    'Petugas Registrasi': 'OPERATOR',
    'Tgl Entri': 38790,
  };
  return SIAK_HEADER.map((h) => v[h] ?? null);
}

/**
 * A large SIAK .xlsx streamed by exceljs (as Excel orders the parts, and without holding every
 * cell: SheetJS' writer needs gigabytes for 100,000 rows). For the benchmark.
 */
export async function writeSiakXlsxStream(path: string, count: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(SIAK_HEADER).commit();
  for (let i = 0; i < count; i++) ws.addRow(row(siakPerson(i))).commit();
  ws.commit();
  await wb.commit();
}

/**
 * Writes `people` as a SIAK export: real BIFF8 .xls, OOXML .xlsx, or CSV (RT "8.0"). BIFF8 holds
 * at most 65,536 rows, and SheetJS' BIFF8 writer is slow and memory-hungry past a few thousand.
 */
export function writeSiak(path: string, people: SiakPerson[], kind: 'xls' | 'xlsx' | 'csv'): void {
  const rows = [SIAK_HEADER, ...people.map(row)];
  if (kind === 'csv') {
    const cell = (v: unknown) => (v === null ? '' : typeof v === 'number' ? v.toFixed(1) : String(v));
    writeFileSync(path, `${rows.map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`);
    return;
  }
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'Sheet1');
  writeFileSync(
    path,
    XLSX.write(wb, { type: 'buffer', bookType: kind === 'xls' ? 'biff8' : 'xlsx', compression: true }),
  );
}

/**
 * A SIAK export as some versions save it: an HTML table in a file named .xls, every cell text
 * (dates DD-MM-YYYY).
 */
export function writeSiakHtmlXls(path: string, people: SiakPerson[]): void {
  const esc = (v: unknown) =>
    String(v ?? '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;');
  const tr = (cells: unknown[]) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const body = people.map((p) => tr(row({ ...p, textDate: true })));
  writeFileSync(path, `<html><body><table>${tr(SIAK_HEADER)}${body.join('')}</table></body></html>`);
}
