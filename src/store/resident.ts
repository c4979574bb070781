/**
 * A resident as the kiosk keeps them: the fields a village letter prints. Coded values from
 * OpenSID are stored as the words a letter prints (agama "ISLAM", not 1).
 */
export interface Resident {
  /** 16 digits, the key. */
  nik: string;
  /** Kartu Keluarga number, 16 digits (may be empty when unknown). */
  no_kk: string;
  nama: string;
  tempat_lahir: string;
  /** ISO date YYYY-MM-DD. */
  tanggal_lahir: string;
  jenis_kelamin: 'LAKI-LAKI' | 'PEREMPUAN';
  agama: string;
  status_perkawinan: string;
  pekerjaan: string;
  kewarganegaraan: string;
  alamat: string;
  rt: string;
  rw: string;
  dusun: string;
  /** OpenSID status_dasar label; only HIDUP residents may get letters. */
  status_dasar: string;
}

export const RESIDENT_FIELDS: readonly (keyof Resident)[] = [
  'nik',
  'no_kk',
  'nama',
  'tempat_lahir',
  'tanggal_lahir',
  'jenis_kelamin',
  'agama',
  'status_perkawinan',
  'pekerjaan',
  'kewarganegaraan',
  'alamat',
  'rt',
  'rw',
  'dusun',
  'status_dasar',
];

/** The only form of a NIK allowed on screens, in logs and in the register: last 4 digits. */
export function maskNik(nik: string): string {
  const tail = nik.slice(-4);
  return `************${tail}`.slice(-16);
}
