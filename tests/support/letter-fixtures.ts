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
