import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { isKioskError } from '../../src/errors.ts';
import type { LetterType } from '../../src/letters/letter-type.ts';
import { loadLetterTypes, MENU_LABEL_MAX } from '../../src/letters/letter-types.ts';
import { fillTemplate, templateValues, validateTemplate } from '../../src/letters/template.ts';
import type { Resident } from '../../src/store/resident.ts';
import { sampleResident } from '../support/letter-fixtures.ts';

const SHIPPED = [
  'sktm',
  'domisili',
  'usaha',
  'keterangan_penduduk',
  'pengantar_skck',
  'belum_menikah',
  'bepergian',
  'pengantar_umum',
];

const resident: Resident = sampleResident({ status_perkawinan: 'BELUM KAWIN' });

/** The KioskError message thrown by fn, failing the test when it does not throw config_invalid. */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isKioskError(err, 'config_invalid'), `expected config_invalid, got ${String(err)}`);
    return (err as Error).message;
  }
  assert.unreachable('expected a config_invalid error');
  return '';
}

test('the eight shipped letter types load, valid and enabled', () => {
  const types = loadLetterTypes({});
  assert.equal(
    types.map((t) => t.id),
    SHIPPED,
  );
  for (const t of types) {
    assert.ok(t.enabled, t.id);
    assert.ok(t.purposes.length >= 3 && t.purposes.length <= 6, `${t.id} has 3-6 purposes`);
    assert.ok(t.menu_label.length <= MENU_LABEL_MAX, `${t.id} menu label fits`);
    assert.ok(t.validity_days > 0, `${t.id} validity`);
    assert.ok(t.required_fields.includes('nik') && t.required_fields.includes('nama'), t.id);
    assert.match(t.code, /^[0-9][0-9.]*$/);
    assert.equal(t.title, t.title.toUpperCase());
  }
});

test('policies: registry facts are final, facts a person must check are pengantar', () => {
  const policy = Object.fromEntries(loadLetterTypes({}).map((t) => [t.id, t.policy]));
  assert.equal(policy, {
    sktm: 'pengantar',
    domisili: 'final',
    usaha: 'pengantar',
    keterangan_penduduk: 'final',
    pengantar_skck: 'pengantar',
    belum_menikah: 'pengantar',
    bepergian: 'final',
    pengantar_umum: 'final',
  });
});

test('every shipped body fills completely (no placeholder left)', () => {
  const values = templateValues({
    village: defaultConfig().village,
    resident,
    purpose: 'Melamar pekerjaan',
    issuedAt: new Date(2026, 10, 23, 10),
    validUntil: null,
  });
  for (const t of loadLetterTypes({})) {
    const body = fillTemplate(t.body, values);
    assert.not.match(body, /[{}]/, t.id);
    assert.ok(body.includes('Hanura'), `${t.id} names the village`);
  }
});

test('a partial override changes only the given fields and keeps the order', () => {
  const types = loadLetterTypes({ sktm: { code: '400.12.3.2', policy: 'final', daily_limit: 1 } });
  const sktm = types.find((t) => t.id === 'sktm');
  assert.equal(types[0]?.id, 'sktm');
  assert.equal(sktm?.code, '400.12.3.2');
  assert.equal(sktm?.policy, 'final');
  assert.equal(sktm?.daily_limit, 1);
  assert.equal(sktm?.title, 'SURAT KETERANGAN TIDAK MAMPU');
  // The shipped data itself is untouched for the next caller.
  assert.equal(loadLetterTypes({}).find((t) => t.id === 'sktm')?.code, '460');
});

test('an override can disable a type', () => {
  const types = loadLetterTypes({ usaha: { enabled: false } });
  assert.equal(types.find((t) => t.id === 'usaha')?.enabled, false);
});

test('a new id with every field adds a type at the end', () => {
  const kehilangan: Partial<LetterType> = {
    code: '331.1',
    title: 'SURAT PENGANTAR LAPORAN KEHILANGAN',
    menu_label: 'Laporan Kehilangan',
    body: 'Orang tersebut di atas adalah benar penduduk {sebutan_desa} {desa} yang melaporkan kehilangan.',
    purposes: ['Kehilangan KTP', 'Kehilangan STNK', 'Kehilangan buku tabungan'],
    validity_days: 14,
    policy: 'pengantar',
    required_fields: ['nik', 'nama'],
    enabled: true,
  };
  const types = loadLetterTypes({ kehilangan });
  assert.equal(types.length, 9);
  assert.equal(types.at(-1)?.id, 'kehilangan');
  assert.equal(types.at(-1)?.validity_days, 14);
});

test('a new id missing fields is refused, naming the first missing key', () => {
  const msg = configError(() => loadLetterTypes({ kehilangan: { title: 'SURAT KEHILANGAN' } }));
  assert.match(msg, /letters\.types\.kehilangan\.code/);
  assert.match(msg, /missing: code, menu_label, body, purposes/);
});

test('bad override values name letters.types.<id>.<field>', () => {
  const cases: [Record<string, Partial<LetterType>>, RegExp][] = [
    [{ domisili: { validity_days: -1 } }, /letters\.types\.domisili\.validity_days: expected a whole number/],
    [
      { domisili: { body: 'Penduduk {nama_lengkap} di {desa}' } },
      /letters\.types\.domisili\.body: unknown placeholder \{nama_lengkap\}/,
    ],
    [{ domisili: { body: 'Penduduk {nama di {desa}' } }, /letters\.types\.domisili\.body: stray "\{"/],
    [
      { sktm: { policy: 'langsung' as never } },
      /letters\.types\.sktm\.policy: expected "final" or "pengantar", got "langsung"/,
    ],
    [{ sktm: { required_fields: ['nik', 'umur' as never] } }, /letters\.types\.sktm\.required_fields\[1\]/],
    [{ sktm: { purposes: [] } }, /letters\.types\.sktm\.purposes/],
    [
      { sktm: { menu_label: 'Surat Keterangan Tidak Mampu (SKTM)' } },
      /letters\.types\.sktm\.menu_label: expected at most 24/,
    ],
    [{ sktm: { code: '' } }, /letters\.types\.sktm\.code/],
    [{ sktm: { id: 'other' } }, /letters\.types\.sktm\.id/],
    [{ sktm: { colour: 'red' } as never }, /letters\.types\.sktm\.colour/],
  ];
  for (const [override, pattern] of cases)
    assert.match(
      configError(() => loadLetterTypes(override)),
      pattern,
    );
});

test('validateTemplate accepts every documented placeholder and rejects stray braces', () => {
  validateTemplate(
    '{nama} {nik} {ttl} {alamat_lengkap} {keperluan} {tanggal} {berlaku_sampai} {kantor_desa}',
    'x',
  );
  assert.throws(
    () => validateTemplate('a } b', 'letters.types.x.body'),
    /letters\.types\.x\.body: stray "\}"/,
  );
});

test('template values: Indonesian dates, full address, "-" for blanks', () => {
  const values = templateValues({
    village: { ...defaultConfig().village, kind: 'kelurahan' },
    resident: { ...resident, dusun: '-', rw: '' },
    purpose: 'Melamar pekerjaan',
    issuedAt: new Date(2026, 10, 23, 10),
    validUntil: new Date(2026, 11, 23, 12),
  });
  assert.is(values.tanggal_lahir, '12 Agustus 1985');
  assert.is(values.ttl, 'Pesawaran, 12 Agustus 1985');
  assert.is(values.alamat_lengkap, 'Jl. Melati No. 5, RT 002, Kelurahan Hanura');
  assert.is(values.dusun, '-');
  assert.is(values.kepala_desa, 'Lurah');
  assert.is(values.tanggal, '23 November 2026');
  assert.is(values.berlaku_sampai, '23 Desember 2026');
});

test.run();
