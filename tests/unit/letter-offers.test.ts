import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { FIELD_LABELS, offersFor } from '../../src/letters/offers.ts';
import { RESIDENT_FIELDS, type Resident } from '../../src/store/resident.ts';

const resident: Resident = {
  nik: '3201011507900001',
  no_kk: '3201010101900001',
  nama: 'BUDI SANTOSO',
  tempat_lahir: 'Bogor',
  tanggal_lahir: '1990-07-15',
  jenis_kelamin: 'LAKI-LAKI',
  agama: 'ISLAM',
  status_perkawinan: 'KAWIN',
  pekerjaan: 'WIRASWASTA',
  kewarganegaraan: 'WNI',
  alamat: 'Jl. Mawar 1',
  rt: '001',
  rw: '002',
  dusun: 'Krajan',
  status_dasar: 'HIDUP',
};

test('every resident field has an Indonesian label', () => {
  for (const f of RESIDENT_FIELDS) assert.ok(FIELD_LABELS[f]?.length, f);
  assert.is(FIELD_LABELS.tempat_lahir, 'Tempat Lahir');
});

test('offers: enabled types only, with purposes, policy and the default limit', () => {
  const types = loadLetterTypes({ usaha: { enabled: false } });
  const offers = offersFor(resident, types, () => 0, 2);
  assert.equal(offers.length, 7);
  assert.not.ok(offers.some((o) => o.type_id === 'usaha'));
  const sktm = offers.find((o) => o.type_id === 'sktm');
  assert.is(sktm?.policy, 'pengantar');
  assert.is(sktm?.menu_label, 'Tidak Mampu (SKTM)');
  assert.ok((sktm?.purposes.length ?? 0) >= 3);
  assert.equal(sktm?.missing_fields, []);
  assert.is(sktm?.daily_limit, 2);
});

test('offers: missing fields are empty or "-", named in Indonesian', () => {
  const incomplete = { ...resident, pekerjaan: '-', tempat_lahir: ' ', agama: '' };
  const offers = offersFor(incomplete, loadLetterTypes({}), () => 0, 2);
  assert.equal(offers.find((o) => o.type_id === 'sktm')?.missing_fields, ['Tempat Lahir', 'Pekerjaan']);
  assert.equal(offers.find((o) => o.type_id === 'keterangan_penduduk')?.missing_fields, [
    'Tempat Lahir',
    'Agama',
    'Pekerjaan',
  ]);
  assert.equal(offers.find((o) => o.type_id === 'domisili')?.missing_fields, ['Tempat Lahir']);
});

test('offers: per-type daily limit overrides the default; issued_today comes from the register', () => {
  const types = loadLetterTypes({ domisili: { daily_limit: 5 } });
  const offers = offersFor(resident, types, (id) => (id === 'domisili' ? 3 : 1), 2);
  const domisili = offers.find((o) => o.type_id === 'domisili');
  assert.is(domisili?.daily_limit, 5);
  assert.is(domisili?.issued_today, 3);
  assert.is(offers.find((o) => o.type_id === 'sktm')?.issued_today, 1);
});

test.run();
