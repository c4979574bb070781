/**
 * Dukcapil's SIAK export: the legacy Excel `.xls` (BIFF8) SIAK produces, or the same columns as
 * `.xlsx` / CSV. 37 columns (Nomor KK, NIK, Nama Penduduk, Status, Tempat Lahir, Tanggal Lahir,
 * Kelamin, NIK Ayah, Ayah, NIK Ibu, Ibu, Status Kawin, SHDK, Agama, Kecamatan, Desa/Kel, Alamat,
 * RW, RT, Pendidikan, Pekerjaan, …); only those a letter prints are kept, the rest (parents,
 * education, blood type, KTP and deed numbers, clerks) are read and dropped, never stored.
 *
 * What differs from OpenSID's export, and how it is read:
 *   Tanggal Lahir  an Excel serial number (1900 date system) or text DD-MM-YYYY / DD/MM/YYYY
 *   RT, RW         numbers (8, or "8.0" in a CSV) → "008", as OpenSID writes them
 *   words          mixed case (Perempuan, Kawin, Islam, Pindah Dalam Negeri) → the kiosk's words
 */
import type { Resident } from '../store/resident.ts';

/** SIAK header (lower-cased) → Resident field. */
export const SIAK_COLUMNS = {
  nik: 'nik',
  'nomor kk': 'no_kk',
  'nama penduduk': 'nama',
  'tempat lahir': 'tempat_lahir',
  'tanggal lahir': 'tanggal_lahir',
  kelamin: 'jenis_kelamin',
  agama: 'agama',
  'status kawin': 'status_perkawinan',
  pekerjaan: 'pekerjaan',
  alamat: 'alamat',
  rt: 'rt',
  rw: 'rw',
  status: 'status_dasar',
} as const satisfies Record<string, keyof Resident>;

export const SIAK_REQUIRED = ['nik', 'nama penduduk', 'tanggal lahir', 'kelamin'] as const;

/** True when the header row is SIAK's. */
export function isSiakHeader(headers: Set<string>): boolean {
  return (
    headers.has('nik') && headers.has('nama penduduk') && (headers.has('kelamin') || headers.has('nomor kk'))
  );
}

/** How a SIAK file's columns were read, counted while mapping, for the import summary. */
export class SiakReading {
  serialDates = 0;
  textDates = 0;
  numericRtRw = 0;
  words = new Map<string, string>();
  dropped = 0;

  /** The summary lines: one per column kind, with an example of each conversion. */
  lines(): string[] {
    const out: string[] = [];
    const dates = [
      this.serialDates > 0 ? `${this.serialDates} Excel serial number(s) (1900 date system)` : '',
      this.textDates > 0 ? `${this.textDates} text date(s) (day first)` : '',
    ].filter(Boolean);
    if (dates.length > 0) out.push(`Tanggal Lahir: ${dates.join(', ')}`);
    if (this.numericRtRw > 0) out.push(`RT, RW: ${this.numericRtRw} number(s) written as 3 digits (8 → 008)`);
    if (this.words.size > 0) {
      const examples = [...this.words].slice(0, 3).map(([from, to]) => `${from} → ${to}`);
      out.push(
        `Kelamin, Agama, Status Kawin, Pekerjaan, Status: words in the kiosk's form (${examples.join(', ')})`,
      );
    }
    if (this.dropped > 0) out.push(`${this.dropped} other column(s) read and dropped (not stored)`);
    return out;
  }
}

const NUMBER = /^\d+(?:\.0+)?$/;

/**
 * A SIAK cell value in the form the shared mapper expects: dates as ISO text, RT/RW padded,
 * status words reduced to OpenSID's status_dasar labels. Other words are upper-cased by the
 * mapper through the code tables.
 */
export function siakValue(field: keyof Resident, value: string, reading: SiakReading): string {
  if (value === '') return value;
  if (field === 'tanggal_lahir') {
    if (NUMBER.test(value)) {
      reading.serialDates++;
      return excelSerialToIso(Number(value)) ?? value;
    }
    reading.textDates++;
    return value;
  }
  if ((field === 'rt' || field === 'rw') && NUMBER.test(value)) {
    reading.numericRtRw++;
    return String(Number(value)).padStart(3, '0');
  }
  if (field === 'status_dasar' && /^pindah\b/i.test(value)) return note(reading, value, 'PINDAH');
  if (field === 'tempat_lahir' || field === 'nama' || field === 'alamat') return value.toUpperCase();
  return value;
}

/** Records a word conversion for the summary (first few kinds only). */
export function noteWord(reading: SiakReading, from: string, to: string): void {
  if (from !== to && reading.words.size < 8 && !reading.words.has(from)) reading.words.set(from, to);
}

function note(reading: SiakReading, from: string, to: string): string {
  noteWord(reading, from, to);
  return to;
}

/**
 * An Excel serial day number (1900 date system) as YYYY-MM-DD. Excel counts a 29 February 1900
 * that never was (serial 60, kept from Lotus 1-2-3): serials from 61 on are one day ahead of a
 * plain count from 1899-12-31, and 60 itself is no date (null).
 */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 1 || serial === 60) return null;
  const epoch = Date.UTC(1899, 11, serial < 60 ? 31 : 30);
  return new Date(epoch + serial * 86_400_000).toISOString().slice(0, 10);
}
