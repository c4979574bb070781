/**
 * Synthetic residents and cards of the demo village (Desa Hanura, Kec. Teluk Pandan,
 * Kab. Pesawaran, Lampung, 18.09.10.2004) for simulator mode. The people are invented; their
 * NIKs follow the real format (region 180910 + DDMMYY with day + 40 for women + sequence) so
 * every code path (masking, letters, QR) sees realistic data. A few records exist for the
 * unhappy paths: an incomplete record, a resident who moved away (PINDAH), a very long name and
 * a name with an apostrophe.
 */

import type { Resident } from './resident.ts';
import type { ResidentStore } from './resident-store.ts';

const REGION = '180910';

type Row = {
  nama: string;
  sex: 'L' | 'P';
  tempat: string;
  lahir: string; // YYYY-MM-DD
  agama?: string;
  kawin: string;
  kerja: string;
  dusun: string;
  rt: string;
  rw: string;
  kk: number; // family index, see FAMILIES
  seq: number;
  status?: string;
};

/** Family (Kartu Keluarga) issue dates and street addresses. */
const FAMILIES: { issued: string; alamat: string }[] = [
  { issued: '2012-03-14', alamat: 'JL. RAYA HANURA' },
  { issued: '2015-07-02', alamat: 'JL. PANTAI MUTUN' },
  { issued: '2010-11-21', alamat: 'JL. KAMPUNG BARU' },
  { issued: '2018-01-09', alamat: 'JL. SIDODADI' },
  { issued: '2016-05-30', alamat: 'JL. DERMAGA' },
  { issued: '2013-09-17', alamat: 'JL. MASJID AL-IKHLAS' },
  { issued: '2020-02-25', alamat: 'JL. KEBUN KOPI' },
  { issued: '2011-06-12', alamat: 'JL. LINTAS PESAWARAN' },
];

const ROWS: Row[] = [
  {
    nama: 'BUDI SANTOSO',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '1985-08-17',
    kawin: 'KAWIN',
    kerja: 'PETANI/PEKEBUN',
    dusun: 'HANURA',
    rt: '001',
    rw: '001',
    kk: 0,
    seq: 1,
  },
  {
    nama: 'SITI AMINAH',
    sex: 'P',
    tempat: 'BANDAR LAMPUNG',
    lahir: '1988-02-05',
    kawin: 'KAWIN',
    kerja: 'MENGURUS RUMAH TANGGA',
    dusun: 'HANURA',
    rt: '001',
    rw: '001',
    kk: 0,
    seq: 2,
  },
  {
    nama: 'RIZKY SANTOSO',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '2006-11-30',
    kawin: 'BELUM KAWIN',
    kerja: 'PELAJAR/MAHASISWA',
    dusun: 'HANURA',
    rt: '001',
    rw: '001',
    kk: 0,
    seq: 3,
  },
  {
    nama: 'WAYAN SUDARSANA',
    sex: 'L',
    tempat: 'TEGINENENG',
    lahir: '1979-04-03',
    agama: 'HINDU',
    kawin: 'KAWIN',
    kerja: 'NELAYAN/PERIKANAN',
    dusun: 'PANTAI MUTUN',
    rt: '003',
    rw: '002',
    kk: 1,
    seq: 1,
  },
  {
    nama: 'NI KOMANG AYU LESTARI',
    sex: 'P',
    tempat: 'TEGINENENG',
    lahir: '1983-12-21',
    agama: 'HINDU',
    kawin: 'KAWIN',
    kerja: 'PEDAGANG',
    dusun: 'PANTAI MUTUN',
    rt: '003',
    rw: '002',
    kk: 1,
    seq: 2,
  },
  {
    nama: 'RADEN AYU SRI WAHYUNINGSIH KUSUMAWARDHANI PUTRI',
    sex: 'P',
    tempat: 'YOGYAKARTA',
    lahir: '1975-06-09',
    kawin: 'CERAI MATI',
    kerja: 'GURU',
    dusun: 'SIDODADI',
    rt: '002',
    rw: '001',
    kk: 2,
    seq: 1,
  },
  {
    nama: "MA'RUF HIDAYAT",
    sex: 'L',
    tempat: 'METRO',
    lahir: '1990-01-12',
    kawin: 'KAWIN',
    kerja: 'WIRASWASTA',
    dusun: 'SIDODADI',
    rt: '004',
    rw: '001',
    kk: 3,
    seq: 1,
  },
  {
    nama: "NUR'AINI",
    sex: 'P',
    tempat: 'PESAWARAN',
    lahir: '1992-10-08',
    kawin: 'KAWIN',
    kerja: 'MENGURUS RUMAH TANGGA',
    dusun: 'SIDODADI',
    rt: '004',
    rw: '001',
    kk: 3,
    seq: 2,
  },
  {
    nama: 'SLAMET RIYADI',
    sex: 'L',
    tempat: '',
    lahir: '1968-03-01',
    kawin: 'KAWIN',
    kerja: '',
    dusun: 'BANJARSARI',
    rt: '002',
    rw: '003',
    kk: 4,
    seq: 1,
  },
  {
    nama: 'SUWARNI',
    sex: 'P',
    tempat: 'KEBUMEN',
    lahir: '1970-07-15',
    kawin: 'KAWIN',
    kerja: 'PETANI/PEKEBUN',
    dusun: 'BANJARSARI',
    rt: '002',
    rw: '003',
    kk: 4,
    seq: 2,
  },
  {
    nama: 'AHMAD FAUZI',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '1995-05-22',
    kawin: 'BELUM KAWIN',
    kerja: 'BURUH HARIAN LEPAS',
    dusun: 'BANJARSARI',
    rt: '002',
    rw: '003',
    kk: 4,
    seq: 3,
    status: 'PINDAH',
  },
  {
    nama: 'HERMANSYAH',
    sex: 'L',
    tempat: 'KALIANDA',
    lahir: '1982-09-09',
    kawin: 'KAWIN',
    kerja: 'SOPIR',
    dusun: 'HANURA',
    rt: '002',
    rw: '001',
    kk: 5,
    seq: 1,
  },
  {
    nama: 'YULIANA',
    sex: 'P',
    tempat: 'PRINGSEWU',
    lahir: '1986-04-27',
    agama: 'KATHOLIK',
    kawin: 'KAWIN',
    kerja: 'BIDAN',
    dusun: 'HANURA',
    rt: '002',
    rw: '001',
    kk: 5,
    seq: 2,
  },
  {
    nama: 'DEWI PERMATASARI',
    sex: 'P',
    tempat: 'PESAWARAN',
    lahir: '2003-08-14',
    kawin: 'BELUM KAWIN',
    kerja: 'PELAJAR/MAHASISWA',
    dusun: 'HANURA',
    rt: '002',
    rw: '001',
    kk: 5,
    seq: 3,
  },
  {
    nama: 'SUKARDI',
    sex: 'L',
    tempat: 'WONOSOBO',
    lahir: '1958-12-31',
    kawin: 'KAWIN',
    kerja: 'PETANI/PEKEBUN',
    dusun: 'SUKAJAYA',
    rt: '005',
    rw: '002',
    kk: 6,
    seq: 1,
  },
  {
    nama: 'PAIJEM',
    sex: 'P',
    tempat: 'WONOSOBO',
    lahir: '1961-02-28',
    kawin: 'KAWIN',
    kerja: 'PETANI/PEKEBUN',
    dusun: 'SUKAJAYA',
    rt: '005',
    rw: '002',
    kk: 6,
    seq: 2,
  },
  {
    nama: 'EKO PRASETYO',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '1989-06-19',
    kawin: 'KAWIN',
    kerja: 'KARYAWAN SWASTA',
    dusun: 'SUKAJAYA',
    rt: '005',
    rw: '002',
    kk: 6,
    seq: 3,
  },
  {
    nama: 'M. ZULKIFLI',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '1977-01-05',
    kawin: 'KAWIN',
    kerja: 'NELAYAN/PERIKANAN',
    dusun: 'PANTAI MUTUN',
    rt: '001',
    rw: '002',
    kk: 7,
    seq: 1,
  },
  {
    nama: 'ROSMALA DEWI',
    sex: 'P',
    tempat: 'MENGGALA',
    lahir: '1980-03-23',
    kawin: 'KAWIN',
    kerja: 'PEDAGANG',
    dusun: 'PANTAI MUTUN',
    rt: '001',
    rw: '002',
    kk: 7,
    seq: 2,
  },
  {
    nama: 'INDAH PURNAMASARI',
    sex: 'P',
    tempat: 'PESAWARAN',
    lahir: '2001-09-02',
    kawin: 'BELUM KAWIN',
    kerja: 'BELUM/TIDAK BEKERJA',
    dusun: 'PANTAI MUTUN',
    rt: '001',
    rw: '002',
    kk: 7,
    seq: 3,
  },
  {
    nama: 'ANDI SAPUTRA',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '2004-12-10',
    kawin: 'BELUM KAWIN',
    kerja: 'PELAJAR/MAHASISWA',
    dusun: 'PANTAI MUTUN',
    rt: '001',
    rw: '002',
    kk: 7,
    seq: 4,
  },
  {
    nama: 'SRI HARTATI',
    sex: 'P',
    tempat: 'PESAWARAN',
    lahir: '1973-10-16',
    kawin: 'CERAI HIDUP',
    kerja: 'WIRASWASTA',
    dusun: 'SIDODADI',
    rt: '003',
    rw: '001',
    kk: 2,
    seq: 2,
  },
  {
    nama: 'TRI WIBOWO',
    sex: 'L',
    tempat: 'BANDAR LAMPUNG',
    lahir: '1998-07-07',
    kawin: 'BELUM KAWIN',
    kerja: 'PETANI/PEKEBUN',
    dusun: 'BANJARSARI',
    rt: '001',
    rw: '003',
    kk: 4,
    seq: 4,
  },
  {
    nama: 'MUHAMMAD RAFI ALFARIZI',
    sex: 'L',
    tempat: 'PESAWARAN',
    lahir: '2000-04-01',
    kawin: 'BELUM KAWIN',
    kerja: 'KARYAWAN HONORER',
    dusun: 'SUKAJAYA',
    rt: '004',
    rw: '002',
    kk: 6,
    seq: 4,
  },
];

/** NIK from region, birth date (day + 40 for women) and the sequence. */
function nikOf(lahir: string, sex: 'L' | 'P', seq: number): string {
  const [y, m, d] = lahir.split('-');
  const day = Number(d) + (sex === 'P' ? 40 : 0);
  return `${REGION}${String(day).padStart(2, '0')}${m}${y!.slice(2)}${String(seq).padStart(4, '0')}`;
}

function kkOf(family: number): string {
  const f = FAMILIES[family]!;
  const [y, m, d] = f.issued.split('-');
  return `${REGION}${d}${m}${y!.slice(2)}${String(family + 1).padStart(4, '0')}`;
}

function toResident(row: Row): Resident {
  const family = FAMILIES[row.kk]!;
  return {
    nik: nikOf(row.lahir, row.sex, row.seq),
    no_kk: kkOf(row.kk),
    nama: row.nama,
    tempat_lahir: row.tempat,
    tanggal_lahir: row.lahir,
    jenis_kelamin: row.sex === 'L' ? 'LAKI-LAKI' : 'PEREMPUAN',
    agama: row.agama ?? 'ISLAM',
    status_perkawinan: row.kawin,
    pekerjaan: row.kerja,
    kewarganegaraan: 'WNI',
    alamat: family.alamat,
    rt: row.rt,
    rw: row.rw,
    dusun: row.dusun,
    status_dasar: row.status ?? 'HIDUP',
  };
}

/** The demo residents (fresh objects on every call). */
export function demoResidents(): Resident[] {
  return ROWS.map(toResident);
}

function nikByName(nama: string): string {
  const row = ROWS.find((r) => r.nama === nama);
  if (row === undefined) throw new Error(`demo resident ${nama} missing`);
  return toResident(row).nik;
}

/**
 * Demo cards to `tap` in simulator mode: 4- and 7-byte UIDs (7-byte NXP UIDs start 04).
 * Any other UID (e.g. DEADBEEF) is an unknown card.
 */
export const DEMO_CARDS: { uid: string; nik: string; note: string }[] = [
  { uid: '04A1B2C3D4E5F6', nik: nikByName('BUDI SANTOSO'), note: 'Budi Santoso — lengkap' },
  { uid: 'C3D2E1F0', nik: nikByName('SITI AMINAH'), note: 'Siti Aminah — lengkap (perempuan)' },
  {
    uid: '04B7C81A2F6480',
    nik: nikByName('RADEN AYU SRI WAHYUNINGSIH KUSUMAWARDHANI PUTRI'),
    note: 'Raden Ayu Sri Wahyuningsih … — nama sangat panjang',
  },
  { uid: '5A7B9C1D', nik: nikByName("MA'RUF HIDAYAT"), note: "Ma'ruf Hidayat — nama dengan apostrof" },
  {
    uid: 'E2F30411',
    nik: nikByName('SLAMET RIYADI'),
    note: 'Slamet Riyadi — data tidak lengkap (tempat lahir, pekerjaan)',
  },
  { uid: '04D2E3F4A5B6C7', nik: nikByName('AHMAD FAUZI'), note: 'Ahmad Fauzi — status PINDAH (tidak aktif)' },
];

/**
 * Seeds an empty store with the demo residents and binds the demo cards, in one write (two would
 * leave a backup holding the residents without their cards). Leaves a store that already has
 * residents alone (the technician's data always wins). Returns true when it seeded.
 */
export async function seedDemo(store: ResidentStore): Promise<boolean> {
  if (store.count() > 0) return false;
  await store.importResidents(
    demoResidents(),
    DEMO_CARDS.map((c) => ({ uid: Buffer.from(c.uid, 'hex'), nik: c.nik })),
  );
  return true;
}
