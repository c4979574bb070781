/**
 * Synthetic resident files for import tests and the import benchmark: valid NIKs (region
 * 180910, birth date DDMMYY with day + 40 for women), in the kiosk's CSV format or as an
 * OpenSID export (.xlsx sheet "Data Penduduk" or CSV). The people are invented.
 */
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { RESIDENT_FIELDS } from '../../src/store/resident.ts';

export interface SynthResident {
  nik: string;
  nama: string;
  tanggal_lahir: string;
  female: boolean;
}

/** The i-th synthetic resident (deterministic, unique NIK for i < 1,000,000). */
export function synthResident(i: number): SynthResident {
  const female = i % 2 === 1;
  const day = (i % 28) + 1;
  const month = (Math.floor(i / 28) % 12) + 1;
  const year = 1940 + (Math.floor(i / 336) % 60);
  const seq = String(Math.floor(i / 20160) + 1).padStart(4, '0');
  const dd = String(female ? day + 40 : day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const nik = `180910${dd}${mm}${String(year).slice(2)}${seq}`;
  const iso = `${year}-${mm}-${String(day).padStart(2, '0')}`;
  return { nik, nama: `WARGA ${female ? 'PEREMPUAN' : 'LAKI'} ${i}`, tanggal_lahir: iso, female };
}

/** The kiosk's own CSV format: the resident fields, then an optional card UID in hex. */
const NATIVE_HEADER = [...RESIDENT_FIELDS, 'card_uid'];

/** A CSV in the kiosk's own format; `mutate` may change a row's cells (by header name). */
export function nativeCsv(count: number, mutate?: (i: number, row: Record<string, string>) => void): string {
  const lines = [NATIVE_HEADER.join(',')];
  for (let i = 0; i < count; i++) {
    const r = synthResident(i);
    const row: Record<string, string> = {
      nik: r.nik,
      no_kk: `180910010101${String(i % 10000).padStart(4, '0')}`,
      nama: r.nama,
      tempat_lahir: 'PESAWARAN',
      tanggal_lahir: r.tanggal_lahir,
      jenis_kelamin: r.female ? 'PEREMPUAN' : 'LAKI-LAKI',
      agama: 'ISLAM',
      status_perkawinan: 'KAWIN',
      pekerjaan: 'PETANI/PEKEBUN',
      kewarganegaraan: 'WNI',
      alamat: 'JL. RAYA HANURA',
      rt: '001',
      rw: '002',
      dusun: 'DUSUN I',
      status_dasar: 'HIDUP',
      card_uid: '',
    };
    mutate?.(i, row);
    lines.push(NATIVE_HEADER.map((h) => csvCell(row[h] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const OPENSID_HEADER =
  'alamat,dusun,rw,rt,nama,no_kk,no_rtm,nik,sex,tempatlahir,tanggallahir,agama_id,pendidikan_kk_id,pendidikan_sedang_id,pekerjaan_id,status_kawin,kk_level,warganegara_id,ayah_nik,nama_ayah,ibu_nik,nama_ibu,golongan_darah_id,akta_lahir,dokumen_pasport,tanggal_akhir_paspor,dokumen_kitas,akta_perkawinan,tanggalperkawinan,akta_perceraian,tanggalperceraian,cacat_id,cara_kb_id,hamil,ktp_el,status_rekam,alamat_sekarang,status_dasar,suku,tag_id_card,id_asuransi,no_asuransi,lat,lng,ket'.split(
    ',',
  );

function opensidRow(i: number): string[] {
  const r = synthResident(i);
  const v: Record<string, string> = {
    alamat: 'JL. RAYA HANURA',
    dusun: i % 7 === 0 ? '-' : 'DUSUN II',
    rw: '002',
    rt: '001',
    nama: r.nama,
    no_kk: `180910010101${String(i % 10000).padStart(4, '0')}`,
    nik: r.nik,
    sex: r.female ? '2' : '1',
    tempatlahir: 'PESAWARAN',
    tanggallahir: r.tanggal_lahir,
    agama_id: '1',
    pekerjaan_id: '9',
    status_kawin: '2',
    warganegara_id: '1',
    status_dasar: '1',
    tag_id_card: i % 3 === 0 ? String(1000000000 + i) : '',
  };
  return OPENSID_HEADER.map((h) => v[h] ?? '');
}

/** An OpenSID export as .xlsx (every cell text, as OpenSID writes it), streamed to `path`. */
export async function writeOpensidXlsx(path: string, count: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('Data Penduduk');
  ws.addRow(OPENSID_HEADER).commit();
  for (let i = 0; i < count; i++) ws.addRow(opensidRow(i)).commit();
  ws.commit();
  await wb.commit();
}

/** An OpenSID export saved as CSV by a spreadsheet program in an Indonesian locale (';'). */
export function writeOpensidCsv(path: string, count: number): void {
  const lines = [OPENSID_HEADER.join(';')];
  for (let i = 0; i < count; i++) lines.push(opensidRow(i).join(';'));
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
}

/**
 * A file in the shape of OpenSID's own example `assets/import/contoh_penduduk.xlsx` (the file
 * villages copy to start their register; read there, not copied: it is GPL-3.0): sheet "Sheet1",
 * the 43 template columns (no no_rtm / ket), every cell text, alamat empty, rw '-', rows of empty
 * cells after the data, and a NIK whose date part disagrees with tanggallahir on EVERY row: the
 * year off by one on most (as 93 of its 97 rows), day, month and year all different on every
 * 25th (as its other 4). The people are invented. Returns the rows' NIKs and birth dates.
 */
export async function writeOpensidExampleLike(
  path: string,
  count = 97,
): Promise<{ nik: string; tanggallahir: string; nama: string }[]> {
  const header = OPENSID_HEADER.filter((h) => h !== 'no_rtm' && h !== 'ket');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(header).commit();
  const people: { nik: string; tanggallahir: string; nama: string }[] = [];
  for (let i = 0; i < count; i++) {
    const r = synthResident(i);
    const [y, m, d] = r.tanggal_lahir.split('-');
    const dd = String(Number(d) + (r.female ? 40 : 0)).padStart(2, '0');
    const allDiffer = i % 25 === 3;
    // The NIK's DDMMYY: the year one later, or (every 25th) another date altogether.
    const part = allDiffer
      ? `${r.female ? '69' : '29'}07${String((Number(y) + 2) % 100).padStart(2, '0')}`
      : `${dd}${m}${String((Number(y) + 1) % 100).padStart(2, '0')}`;
    const nik = `520114${part}${String(6900 + i)}`.slice(0, 16);
    const v: Record<string, string> = {
      dusun: ['MANGSIT', 'SENGGIGI', 'KERANDANGAN'][i % 3]!,
      rw: '-',
      rt: `00${(i % 6) + 1}`,
      nama: r.nama,
      no_kk: `520114010412${String(6994 + Math.floor(i / 4)).padStart(4, '0')}`,
      nik,
      sex: r.female ? '2' : '1',
      tempatlahir: 'MANGSIT',
      tanggallahir: r.tanggal_lahir,
      agama_id: '1',
      pendidikan_kk_id: '4',
      pendidikan_sedang_id: '18',
      pekerjaan_id: '2',
      status_kawin: '2',
      kk_level: i % 4 === 0 ? '1' : '4',
      warganegara_id: '1',
      golongan_darah_id: '13',
      status_dasar: '1',
    };
    people.push({ nik, tanggallahir: r.tanggal_lahir, nama: r.nama });
    ws.addRow(header.map((h) => v[h] ?? '')).commit();
  }
  // The example's sheet runs to row 1000 with empty rows after the data.
  for (let i = count; i < 120; i++) ws.addRow(header.map(() => '')).commit();
  ws.commit();
  await wb.commit();
  return people;
}
