/** Resident file parsing: NIK rules, card numbers, codes, formats, line numbers. Tables of cases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseHexUid, uidFromDecimal } from '../../src/import/card-uid.ts';
import { isIsoDate, nikMismatches, nikProblems, normaliseDate, readBirthDate } from '../../src/import/nik.ts';
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

test('NIK: malformed is a problem; disagreeing with date of birth or sex is a mismatch (masked)', () => {
  const cases: [
    string,
    string | null,
    'LAKI-LAKI' | 'PEREMPUAN' | null,
    RegExp | null,
    'problem' | 'mismatch',
  ][] = [
    ['1809100506720001', '1972-06-05', 'LAKI-LAKI', null, 'mismatch'],
    ['1809105702900005', '1990-02-17', 'PEREMPUAN', null, 'mismatch'], // day 17 + 40
    ['1809101702900005', '1990-02-17', 'PEREMPUAN', /day below 41 .* PEREMPUAN/, 'mismatch'],
    ['1809105702900005', '1990-02-17', 'LAKI-LAKI', /day above 40 .* LAKI-LAKI/, 'mismatch'],
    [
      '1809100506720001',
      '1972-06-06',
      'LAKI-LAKI',
      /\*{12}0001: .*differs from tanggal_lahir in the day \(/,
      'mismatch',
    ],
    ['5201145003976995', '1996-03-10', 'PEREMPUAN', /in the year \(/, 'mismatch'],
    ['5201140107867064', '1985-12-30', 'LAKI-LAKI', /in the day, month and year/, 'mismatch'],
    [
      '180910050672001',
      '1972-06-05',
      'LAKI-LAKI',
      /'\*{12}2001' must be 16 digits \(has 15 digits\)/,
      'problem',
    ],
    ['18091005067200A1', null, null, /and other characters/, 'problem'],
    ['1809109913720001', null, null, /birth date part is not a date/, 'problem'],
  ];
  for (const [nik, dob, sex, expected, kind] of cases) {
    const found = kind === 'problem' ? nikProblems(nik) : nikMismatches(nik, dob, sex);
    if (expected === null) assert.equal([...nikProblems(nik), ...found], [], nik);
    else
      assert.ok(
        found.some((p) => expected.test(p)),
        `${nik}: ${found.join(' | ')}`,
      );
    for (const f of found) assert.not.ok(f.includes(nik.slice(6, 12)), `no date part of the NIK shown: ${f}`);
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

test('date messages say what is wrong and how an ambiguous date was read', () => {
  const bad = (v: string) => {
    const r = readBirthDate(v, 'tanggal_lahir');
    return r.ok ? '' : r.message;
  };
  assert.match(bad('1985-02-30'), /'1985-02-30' is not a real date \(no day 30 in month 2 of 1985\)/);
  assert.not.match(bad('1985-02-30'), /YYYY-MM-DD/, 'it is in that form: the date itself is wrong');
  assert.match(bad('kemarin'), /'kemarin' is not a date: write it as YYYY-MM-DD/);
  assert.match(
    bad('6/25/1972'),
    /not a real date read as day\/month\/year \(day 6, month 25\); if it is month\/day\/year, write it as 1972-06-25/,
  );
  const us = readBirthDate('6/5/1972', 'tanggal_lahir');
  assert.equal(us, {
    ok: true,
    iso: '1972-05-06',
    note: "tanggal_lahir '6/5/1972' was read as day/month/year: 6 Mei 1972 (not 5 Juni)",
  });
  assert.equal(
    readBirthDate('17/08/1985', 'tanggal_lahir'),
    { ok: true, iso: '1985-08-17' },
    'unambiguous: no note',
  );
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
  assert.equal(r.cardColumn, { name: 'tag_id_card', reading: 'decimal' });
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
  })
    .split('\n')
    .map((l, i) => (l === '' ? l : `${l},${i === 0 ? 'catatan' : 'bebas'}`))
    .join('\n');
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
    { line: 3, message: 'card …B2C3 is already on line 2' },
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
