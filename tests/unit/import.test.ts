/** Resident file parsing: NIK rules, card numbers, codes, formats, line numbers. Tables of cases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseHexUid, uidFromDecimal } from '../../src/import/card-uid.ts';
import { isIsoDate, nikProblems, normaliseDate } from '../../src/import/nik.ts';
import { loadCodeTables } from '../../src/import/opensid-codes.ts';
import { parseResidentFile } from '../../src/import/parse-resident-file.ts';
import {
  nativeCsv,
  OPENSID_HEADER,
  synthResident,
  writeOpensidCsv,
  writeOpensidXlsx,
} from '../support/import-fixtures.ts';

const SAMPLE = fileURLToPath(new URL('../fixtures/opensid-export-sample.xlsx', import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));

test('NIK against date of birth and sex', () => {
  const cases: [string, string | null, 'LAKI-LAKI' | 'PEREMPUAN' | null, RegExp | null][] = [
    ['1809100506720001', '1972-06-05', 'LAKI-LAKI', null],
    ['1809105702900005', '1990-02-17', 'PEREMPUAN', null], // day 17 + 40
    ['1809101702900005', '1990-02-17', 'PEREMPUAN', /PEREMPUAN \(women have day \+ 40\)/],
    ['1809105702900005', '1990-02-17', 'LAKI-LAKI', /above 40 \(a woman\)/],
    [
      '1809100506720001',
      '1972-06-06',
      'LAKI-LAKI',
      /does not match tanggal_lahir 1972-06-06 \(expected 060672\)/,
    ],
    ['1809104911750002', '1975-11-08', 'PEREMPUAN', /expected 481175/],
    ['180910050672001', '1972-06-05', 'LAKI-LAKI', /must be 16 digits \(has 15 digits\)/],
    ['18091005067200A1', null, null, /and other characters/],
    ['1809109913720001', null, null, /not a date/],
  ];
  for (const [nik, dob, sex, expected] of cases) {
    const problems = nikProblems(nik, dob, sex);
    if (expected === null) assert.equal(problems, [], nik);
    else
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${nik}: ${problems.join(' | ')}`,
      );
  }
});

test('dates: real calendar dates only, common spreadsheet forms normalised', () => {
  assert.ok(isIsoDate('2000-02-29'));
  assert.not.ok(isIsoDate('1900-02-29'));
  assert.not.ok(isIsoDate('1990-13-01'));
  assert.is(normaliseDate('05/06/1972'), '1972-06-05');
  assert.is(normaliseDate('5-6-1972'), '1972-06-05');
  assert.is(normaliseDate('1972-06-05T00:00:00.000Z'), '1972-06-05');
  assert.is(normaliseDate('kemarin'), 'kemarin');
});

test('card numbers: decimal tag_id_card is big-endian, 4 or 7 bytes; hex as typed', () => {
  assert.is(uidFromDecimal('1728394056').toString('hex'), '67053348');
  assert.is(uidFromDecimal('0000000001').toString('hex'), '00000001');
  assert.is(uidFromDecimal('04221185123456789').toString('hex'), '0eff253fd09715');
  assert.is(uidFromDecimal('4446891881').length, 7, 'a 10-digit value above 2^32 cannot be a 4-byte UID');
  assert.throws(() => uidFromDecimal('99999999999999999'), /larger than a 7-byte/);
  assert.throws(() => uidFromDecimal('12ab'), /decimal digits/);
  assert.is(parseHexUid('04:a1:b2:c3:d4:e5:f6').toString('hex'), '04a1b2c3d4e5f6');
  assert.throws(() => parseHexUid('04A1B2'), /4, 7 or 10 bytes/);
});

test('code tables turn OpenSID codes and labels into the printed words', () => {
  const codes = loadCodeTables();
  assert.is(codes.label('agama', '1'), 'ISLAM');
  assert.is(codes.label('agama', '01'), 'ISLAM');
  assert.is(codes.label('agama', 'islam'), 'ISLAM');
  assert.is(codes.label('kawin', '4'), 'CERAI MATI');
  assert.is(codes.label('pekerjaan', '88'), 'WIRASWASTA');
  assert.is(codes.label('warganegara', '2'), 'WNA');
  assert.is(codes.label('status_dasar', '2'), 'MATI');
  assert.is(codes.label('agama', '12'), undefined);
});

test('the OpenSID sample export: words, dashes, temporary NIK skipped, MATI kept, cards', async () => {
  const r = await parseResidentFile(SAMPLE, { today: new Date('2026-01-01') });
  assert.is(r.format, 'opensid');
  assert.is(r.kind, 'xlsx');
  assert.is(r.sheet, 'Data Penduduk');
  assert.equal(r.problems, []);
  assert.is(r.residents.length, 7);
  assert.equal(
    r.skipped.map((s) => s.line),
    [8],
    'SARIPAH has NIK 0 (spreadsheet row 8)',
  );
  const byName = new Map(r.residents.map((x) => [x.nama, x]));
  const dewi = byName.get('NI KADEK AYU PUSPITA DEWI');
  assert.is(dewi?.agama, 'HINDU');
  assert.is(dewi?.jenis_kelamin, 'PEREMPUAN');
  assert.is(dewi?.pekerjaan, 'KARYAWAN SWASTA');
  assert.is(byName.get("MUH. MA'RUF")?.status_perkawinan, 'CERAI MATI');
  assert.is(byName.get('ALM. WAGIMAN')?.status_dasar, 'MATI');
  const suparman = byName.get('SUPARMAN');
  assert.equal([suparman?.dusun, suparman?.rw, suparman?.rt], ['DUSUN I', '001', '002']);
  assert.equal(
    r.cards.map((c) => [c.line, c.uid.toString('hex')]),
    [
      [2, '67053348'],
      [4, '000001090e2f69'],
      [5, '0eff253fd09715'],
    ],
  );
  assert.equal(
    r.warnings.map((w) => w.line),
    [4],
  );
});

test('every problem is reported with its line; temporary NIKs and unknown columns do not block', async () => {
  const dir = tmp();
  const file = path.join(dir, 'warga.csv');
  const csv = nativeCsv(6, (i, row) => {
    if (i === 1) row.nik = '123';
    if (i === 2) row.tanggal_lahir = '1990-02-30';
    if (i === 3) row.jenis_kelamin = 'X';
    if (i === 4) row.nama = '';
    if (i === 5) row.status_dasar = 'HILANG ENTAH';
  }).replace('card_uid', 'card_uid,catatan');
  fs.writeFileSync(file, csv);
  const r = await parseResidentFile(file);
  assert.is(r.format, 'anjungan');
  const lines = r.problems.map((p) => p.line);
  assert.equal([...new Set(lines)], [3, 4, 5, 6, 7]);
  assert.ok(r.problems.some((p) => p.line === 4 && /1990-02-30/.test(p.message)));
  assert.ok(r.problems.some((p) => p.line === 5 && /jenis_kelamin 'X'/.test(p.message)));
  assert.ok(r.problems.some((p) => p.line === 6 && /nama is empty/.test(p.message)));
  assert.ok(r.problems.some((p) => p.line === 7 && /status_dasar 'HILANG ENTAH'/.test(p.message)));
});

test('duplicates in a file are problems on the later line', async () => {
  const file = path.join(tmp(), 'dup.csv');
  const first = synthResident(0);
  fs.writeFileSync(
    file,
    nativeCsv(3, (i, row) => {
      if (i === 0) row.card_uid = '04A1B2C3';
      if (i === 1) row.card_uid = '04a1b2c3';
      if (i === 2)
        Object.assign(row, {
          nik: first.nik,
          tanggal_lahir: first.tanggal_lahir,
          jenis_kelamin: 'LAKI-LAKI',
        });
    }),
  );
  const r = await parseResidentFile(file);
  assert.equal(r.problems, [
    { line: 3, message: 'card 04A1B2C3 is already on line 2' },
    { line: 4, message: `NIK ************${first.nik.slice(-4)} is already on line 2` },
  ]);
});

test('an OpenSID export saved as CSV with semicolons, CRLF and a BOM is detected', async () => {
  const file = path.join(tmp(), 'penduduk.csv');
  writeOpensidCsv(file, 5);
  fs.writeFileSync(file, `\uFEFF${fs.readFileSync(file, 'utf8')}`);
  const r = await parseResidentFile(file);
  assert.is(r.format, 'opensid');
  assert.is(r.residents.length, 5);
  assert.is(r.residents[0]?.agama, 'ISLAM');
  assert.is(r.residents[0]?.dusun, '', "'-' means empty");
  assert.is(OPENSID_HEADER.length, 45);
});

test('a large spreadsheet reports its progress while it is read (every 5,000 rows)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const file = path.join(dir, 'penduduk.xlsx');
  await writeOpensidXlsx(file, 12_000);
  const seen: number[] = [];
  const parsed = await parseResidentFile(file, { onRows: (n) => seen.push(n) });
  assert.is(parsed.rows, 12_000);
  assert.equal(seen, [5000, 10_000]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a file of neither format names both expected headers', async () => {
  const file = path.join(tmp(), 'x.csv');
  fs.writeFileSync(file, 'name,birthday\nBudi,1990-01-01\n');
  try {
    await parseResidentFile(file);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /OpenSID export .* or the kiosk's CSV format/);
  }
});

test.run();
