/**
 * `anjungan residents reconcile` and `import --from-reconcile` as processes: a Dukcapil SIAK
 * export (real BIFF8) and a village census with every kind of difference; the report is read
 * back sheet by sheet.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { residentsInDocument } from '../../src/store/resident-store.ts';
import { provisionedKiosk, runCli } from '../support/cli-process.ts';
import { nativeCsv, synthResident } from '../support/import-fixtures.ts';
import { siakPerson, writeSiak } from '../support/siak-fixtures.ts';

const nik = (i: number) => synthResident(i).nik;
const kk = (i: number) => `180910010101${String(i).padStart(4, '0')}`;

/** Dukcapil: people 0–8 and 10, and one invalid NIK. Village: 0–9 and person 0 twice. */
function writePair(dir: string): { dukcapil: string; village: string } {
  const dukcapil = path.join(dir, 'siak.xls');
  const village = path.join(dir, 'sensus.csv');
  const d = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11].map((i) => ({ ...siakPerson(i), no_kk: kk(i), rt: 1 }));
  d[7]!.rt = 8; // RT differs
  d[8]!.status = 'Mati'; // status differs
  d[10]!.nik = d[10]!.nik.slice(0, 15); // not 16 digits
  writeSiak(dukcapil, d, 'xls');
  const p10 = siakPerson(10);
  const csv = nativeCsv(10, (i, row) => {
    row.no_kk = kk(i);
    if (i === 1) row.nama = 'warga  perempuan-1'; // only case, spaces, punctuation: the same name
    if (i === 2) row.nama = 'WAHYU LAKI 2';
    if (i === 3) row.tanggal_lahir = '1940-01-05';
    if (i === 4) row.tempat_lahir = 'BANDAR LAMPUNG';
    if (i === 5) row.jenis_kelamin = 'LAKI-LAKI';
    if (i === 6) row.no_kk = kk(66);
    if (i === 9)
      Object.assign(row, { nama: p10.nama, tanggal_lahir: p10.tanggal_lahir, jenis_kelamin: 'PEREMPUAN' });
  });
  // Person 0 a second time, at another address: alamat ganda.
  const again = nativeCsv(1, (_, row) => {
    row.no_kk = kk(0);
    row.dusun = 'DUSUN II';
  }).split('\n')[1];
  fs.writeFileSync(village, `${csv}${again}\n`);
  return { dukcapil, village };
}

const reconcileCli = (dukcapil: string, village: string, more: string[]) =>
  runCli(['residents', 'reconcile', '--dukcapil', dukcapil, '--village', village, ...more]);
const importFrom = (report: string, prefer: string, more: string[]) =>
  runCli(['residents', 'import', '--from-reconcile', report, '--prefer', prefer, ...more]);

async function sheetRows(file: string): Promise<Map<string, string[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out = new Map<string, string[][]>();
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    ws.eachRow((row) =>
      rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))),
    );
    out.set(ws.name, rows);
  });
  return out;
}

test('reconcile writes one sheet per kind, each difference with both values; nothing is imported', async () => {
  const k = await provisionedKiosk();
  const dir = path.dirname(k.config);
  const { dukcapil, village } = writePair(dir);
  const report = path.join(dir, 'laporan.xlsx');
  const r = await reconcileCli(dukcapil, village, ['--out', report]);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /Hanya di Dukcapil +1\n +Hanya di Desa +1\n +Data Berbeda +7\n +Alamat Ganda +4\n +NIK Tidak Cocok +3\n +NIK Tidak Valid +1\n +NIK in both, once +8\n/,
  );
  assert.not.match(r.stdout, /\d{16}|WARGA/, 'the terminal shows counts, not people');
  assert.not.ok(fs.existsSync(path.join(k.dataDir, 'residents.json')), 'nothing imported');
  assert.is(fs.statSync(report).mode & 0o777, 0o600);

  const sheets = await sheetRows(report);
  assert.equal(
    [...sheets.keys()],
    [
      'Ringkasan',
      'Hanya di Dukcapil',
      'Hanya di Desa',
      'Data Berbeda',
      'Alamat Ganda',
      'NIK Tidak Cocok',
      'NIK Tidak Valid',
    ],
  );
  const [head, ...only] = sheets.get('Hanya di Dukcapil')!;
  assert.equal(head?.slice(0, 5), ['Berkas', 'Baris', 'NIK', 'Nama', 'Tanggal Lahir']);
  assert.equal(
    only.map((x) => x.slice(0, 4)),
    [['Dukcapil', '11', nik(10), 'WARGA LAKI 10']],
  );
  assert.equal(
    sheets
      .get('Hanya di Desa')!
      .slice(1)
      .map((x) => x.slice(0, 3)),
    [['Desa', '11', nik(9)]],
  );
  assert.equal(
    sheets
      .get('Data Berbeda')!
      .slice(1)
      .map((x) => x.slice(0, 4)),
    [
      [nik(2), 'Nama', 'WARGA LAKI 2', 'WAHYU LAKI 2'],
      [nik(3), 'Tanggal Lahir', synthResident(3).tanggal_lahir, '1940-01-05'],
      [nik(4), 'Tempat Lahir', 'PESAWARAN', 'BANDAR LAMPUNG'],
      [nik(5), 'Jenis Kelamin', 'PEREMPUAN', 'LAKI-LAKI'],
      [nik(6), 'Nomor KK', kk(6), kk(66)],
      [nik(7), 'RT', '008', '001'],
      [nik(8), 'Status', 'MATI', 'HIDUP'],
    ],
  );
  assert.equal(
    sheets
      .get('Alamat Ganda')!
      .slice(1)
      .map((x) => [x[0], x[1], x[2], x[4], x[13] ?? '']),
    [
      ['1', 'NIK ganda dalam satu berkas', 'Desa', nik(0), 'DUSUN I'],
      ['1', 'NIK ganda dalam satu berkas', 'Desa', nik(0), 'DUSUN II'],
      ['2', 'Satu orang, dua NIK', 'Dukcapil', nik(10), ''],
      ['2', 'Satu orang, dua NIK', 'Desa', nik(9), 'DUSUN I'],
    ],
  );
  assert.equal(
    sheets
      .get('NIK Tidak Cocok')!
      .slice(1)
      .map((x) => [x[0], x[2], x.at(-1)?.replace(/^NIK \S+: /, '')]),
    [
      [
        'Desa',
        nik(3),
        'its birth date part differs from tanggal_lahir in the day (imported; letters print tanggal_lahir as recorded)',
      ],
      ['Desa', nik(5), "day above 40 (a woman's NIK) but the resident is LAKI-LAKI"],
      [
        'Desa',
        nik(9),
        'its birth date part differs from tanggal_lahir in the day (imported; letters print tanggal_lahir as recorded)',
      ],
    ],
  );
  assert.equal(
    sheets
      .get('NIK Tidak Valid')!
      .slice(1)
      .map((x) => [x[0], x[1], x[2]]),
    [['Dukcapil', '12', nik(11).slice(0, 15)]],
  );
  const summary = sheets.get('Ringkasan')!;
  assert.ok(
    summary.some((x) => x[0] === 'Berkas Dukcapil' && x[1] === dukcapil && /^[0-9a-f]{64}$/.test(x[2]!)),
  );

  const csv = await reconcileCli(dukcapil, village, ['--format', 'csv', '--out', path.join(dir, 'lap')]);
  assert.is(csv.code, 0, csv.stderr);
  const berbeda = fs.readFileSync(path.join(dir, 'lap-data_berbeda.csv'), 'utf8');
  assert.match(berbeda, /^\uFEFFNIK,Kolom,Data Dukcapil,Data Desa,Baris Dukcapil,Baris Desa\r\n/);
  assert.is(berbeda.trim().split('\r\n').length, 8);
});

test('import --from-reconcile takes the matched NIKs with the preferred data; a changed file is refused', async () => {
  const k = await provisionedKiosk();
  const dir = path.dirname(k.config);
  const { dukcapil, village } = writePair(dir);
  const report = path.join(dir, 'laporan.xlsx');
  assert.is((await reconcileCli(dukcapil, village, ['--out', report])).code, 0);
  const c = ['--config', k.config];
  const noPrefer = await runCli(['residents', 'import', '--from-reconcile', report, ...c]);
  assert.is(noPrefer.code, 2);

  const fromD = await importFrom(report, 'dukcapil', c);
  assert.is(fromD.code, 0, fromD.stderr);
  assert.match(fromD.stdout, /8 NIK\(s\) in both files, with the Dukcapil data/);
  assert.match(
    fromD.stdout,
    /left out: 2 in only one file, 1 NIK\(s\) twice in a file \(alamat ganda\), 1 invalid NIK/,
  );
  assert.match(fromD.stdout, /added: +8\n/);
  const stored = () =>
    residentsInDocument(JSON.parse(fs.readFileSync(path.join(k.dataDir, 'residents.json'), 'utf8')));
  assert.equal(Object.keys(stored()).sort(), [1, 2, 3, 4, 5, 6, 7, 8].map(nik).sort());
  assert.is(stored()[nik(8)]?.status_dasar, 'MATI');
  assert.is(stored()[nik(2)]?.nama, 'WARGA LAKI 2');

  const fromV = await importFrom(report, 'village', c);
  assert.is(fromV.code, 0, fromV.stderr);
  assert.match(
    fromV.stderr,
    /NIK \*{12}\d{4}: its birth date part differs/,
    'the village data has mismatches: warnings',
  );
  assert.is(stored()[nik(2)]?.nama, 'WAHYU LAKI 2');
  assert.is(stored()[nik(8)]?.status_dasar, 'HIDUP');

  fs.appendFileSync(village, '\n');
  const changed = await importFrom(report, 'village', c);
  assert.is(changed.code, 1);
  assert.match(
    changed.stderr,
    /sensus\.csv changed since the report .* was made: run residents reconcile again/,
  );
});

test.run();
