import type { NewTokenClaims } from '../../src/letters/verification-token.ts';
import type { Resident } from '../../src/store/resident.ts';

/** One complete, valid resident for letter tests (a woman: day of birth + 40 in the NIK). */
export function sampleResident(over: Partial<Resident> = {}): Resident {
  return {
    nik: '1809105208850003',
    no_kk: '1809101234560001',
    nama: 'SITI AMINAH',
    tempat_lahir: 'Pesawaran',
    tanggal_lahir: '1985-08-12',
    jenis_kelamin: 'PEREMPUAN',
    agama: 'ISLAM',
    status_perkawinan: 'KAWIN',
    pekerjaan: 'PETANI/PEKEBUN',
    kewarganegaraan: 'WNI',
    alamat: 'Jl. Melati No. 5',
    rt: '002',
    rw: '001',
    dusun: 'Sukamaju',
    status_dasar: 'HIDUP',
    ...over,
  };
}

/** The claims of a realistic AJ2 token (a domisili letter of Desa Hanura's kiosk-01). */
export function sampleClaims(over: Partial<NewTokenClaims> = {}): NewTokenClaims {
  return {
    number: '470/001/1809102004/XI/2026',
    type: 'domisili',
    policy: 'final',
    issued: '2026-11-23',
    valid_until: '2026-12-23',
    village: '1809102004',
    device: 'kiosk-01',
    key_id: '0123456789ab',
    resident_ref: 'r_0123456789abcdef0123',
    ...over,
  };
}
