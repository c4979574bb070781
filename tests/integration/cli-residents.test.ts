/** `anjungan residents …` as a process: imports, all-or-nothing refusal, --replace, --dry-run, listings. */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { residentsInDocument } from '../../src/store/resident-store.ts';
import { provisionedKiosk, runCli, SAMPLE_XLSX } from '../support/cli-process.ts';
import { nativeCsv, synthResident, writeOpensidExampleLike } from '../support/import-fixtures.ts';

const residentsJson = (dataDir: string) => path.join(dataDir, 'residents.json');
/** The residents file as written (format 2 keeps rows in one string; residentsInDocument reads any format). */
const stored = (dataDir: string) => {
  const doc = JSON.parse(fs.readFileSync(residentsJson(dataDir), 'utf8')) as {
    cards: Record<string, { nik: string }>;
  };
  return { residents: residentsInDocument(doc), cards: doc.cards };
};

test('the OpenSID sample export imports: words, cards, NIK-0 skipped, MATI kept; listings are masked', async () => {
  const k = await provisionedKiosk();
  const r = await runCli(['residents', 'import', SAMPLE_XLSX, '--config', k.config]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /OpenSID export, 8 rows/);
  assert.match(r.stdout, /added: +7\n/);
  assert.match(r.stdout, /cards bound: 3\n/);
  assert.match(r.stdout, /skipped: +1 \(no NIK\)/);
  assert.match(r.stdout, /status not HIDUP\): 1/);
  assert.not.match(r.stdout, /removed/, 'removed only with --replace');
  assert.match(r.stdout, /card numbers: tag_id_card read as DECIMAL/, 'says how it read the card column');
  // Warnings are masked as the daemon's logs are: no name, no card number, no NIK.
  assert.match(r.stderr, /row 8: warning: resident has no NIK \(temporary '0'\): skipped/);
  assert.match(
    r.stderr,
    /row 4: warning: tag_id_card …1881 is too large for a 4-byte card: bound as a 7-byte UID \(…2F69\)/,
  );
  assert.not.match(r.stderr, /SARIPAH|4446891881|000001090E2F69/i);
  const doc = stored(k.dataDir);
  assert.is(Object.keys(doc.residents).length, 7);
  assert.is(doc.residents['1809101505400007']?.status_dasar, 'MATI');
  assert.is(Object.keys(doc.cards).length, 3);
  assert.not.ok(JSON.stringify(doc.cards).includes('67053348'), 'card UIDs are stored only as HMAC');

  const again = await runCli(['residents', 'import', SAMPLE_XLSX, '--config', k.config]);
  assert.match(again.stdout, /added: +0\n {2}updated: +0\n {2}unchanged: 7\n/);
  assert.match(again.stdout, /cards bound: 0/);

  const list = await runCli(['residents', 'list', '--config', k.config]);
  assert.is(list.code, 0);
  assert.match(list.stdout, /\*{12}0005 +NI KADEK AYU PUSPITA DEWI/);
  assert.not.match(list.stdout, /\d{16}/, 'no full NIK in a listing');
  const show = await runCli(['residents', 'show', '1809101505400007', '--config', k.config]);
  assert.match(show.stdout, /letters +refused \(status MATI\)/);
  assert.not.match(show.stdout, /\d{16}/);
});

test('a bad NIK on line 5,000 of a CSV imports nothing and says where', async () => {
  const k = await provisionedKiosk();
  const dir = path.dirname(k.config);
  const good = path.join(dir, 'good.csv');
  fs.writeFileSync(good, nativeCsv(10));
  assert.is((await runCli(['residents', 'import', good, '--config', k.config])).code, 0);
  const before = fs.readFileSync(residentsJson(k.dataDir), 'utf8');

  const bad = path.join(dir, 'bad.csv');
  // Data row i sits on line i + 2 (line 1 is the header): line 5,000 is row 4,998.
  fs.writeFileSync(
    bad,
    nativeCsv(6000, (i, row) => {
      if (i === 4998) row.nik = '18091001019000';
    }),
  );
  const r = await runCli(['residents', 'import', bad, '--config', k.config]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /bad\.csv: line 5000: NIK '\*{12}9000' must be 16 digits/);
  assert.match(r.stderr, /import refused: 1 problem\(s\) in 1 of 6000 row\(s\)\. Nothing was imported/);
  assert.is(r.stdout, '');
  assert.is(fs.readFileSync(residentsJson(k.dataDir), 'utf8'), before, 'the store is untouched');
});

test('--replace removes residents (and their cards) missing from the file; --dry-run changes nothing', async () => {
  const k = await provisionedKiosk();
  const dir = path.dirname(k.config);
  const all = path.join(dir, 'all.csv');
  const fewer = path.join(dir, 'fewer.csv');
  fs.writeFileSync(
    all,
    nativeCsv(4, (i, row) => {
      if (i === 3) row.card_uid = '04A1B2C3D4E5F6';
    }),
  );
  fs.writeFileSync(
    fewer,
    nativeCsv(2, (i, row) => {
      if (i === 1) row.alamat = 'JL. BARU';
    }),
  );
  assert.is((await runCli(['residents', 'import', all, '--config', k.config])).code, 0);

  const dry = await runCli(['residents', 'import', fewer, '--replace', '--dry-run', '--config', k.config]);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /DRY RUN, nothing changed/);
  assert.match(dry.stdout, /updated: +1\n {2}unchanged: 1\n {2}removed: +2\n/);
  assert.is(Object.keys(stored(k.dataDir).residents).length, 4);

  const plain = await runCli(['residents', 'import', fewer, '--config', k.config]);
  assert.match(plain.stdout, /updated: +1/);
  assert.is(Object.keys(stored(k.dataDir).residents).length, 4, 'without --replace nobody is removed');

  const replaced = await runCli(['residents', 'import', all, '--config', k.config]);
  assert.is(replaced.code, 0);
  const r = await runCli(['residents', 'import', fewer, '--replace', '--config', k.config]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed: +2\n/);
  const doc = stored(k.dataDir);
  assert.equal(Object.keys(doc.residents).sort(), [synthResident(0).nik, synthResident(1).nik].sort());
  assert.equal(doc.cards, {}, "the removed resident's card binding went with them");
});

test("OpenSID's example file imports with its mismatches listed; --strict refuses it; list --mismatches", async () => {
  const k = await provisionedKiosk();
  const file = path.join(path.dirname(k.config), 'contoh_penduduk.xlsx');
  const people = await writeOpensidExampleLike(file);
  const strict = await runCli(['residents', 'import', file, '--strict', '--config', k.config]);
  assert.is(strict.code, 1);
  assert.match(strict.stderr, /import refused: 97 problem\(s\) in 97 of 97 row\(s\)/);
  assert.not.ok(fs.existsSync(residentsJson(k.dataDir)));

  const r = await runCli(['residents', 'import', file, '--config', k.config]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /added: +97\n/);
  assert.match(r.stdout, /NIK \/ birth date or sex mismatches: 97 \(imported; listed above by line/);
  assert.match(
    r.stderr,
    /sheet "Sheet1" row 2: warning: NIK \*{12}\d{4}: its birth date part differs from tanggal_lahir in the year/,
  );
  assert.is(r.stderr.match(/differs from tanggal_lahir/g)?.length, 97);
  assert.is(
    stored(k.dataDir).residents[people[0]!.nik]?.tanggal_lahir,
    people[0]!.tanggallahir,
    'as recorded',
  );

  const list = await runCli(['residents', 'list', '--mismatches', '--limit', '3', '--config', k.config]);
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /NIK +NAMA +MISMATCH/);
  assert.match(
    list.stdout,
    /\*{12}\d{4} +WARGA \S+ \d+ +its birth date part differs from tanggal_lahir in the/,
  );
  assert.match(list.stdout, /… and 94 more\n97 of 97 resident\(s\) have a NIK that disagrees/);
  assert.not.match(list.stdout, /\d{16}/);
});

test('usage errors exit 2; an unreadable file exits 1', async () => {
  const k = await provisionedKiosk();
  const noFile = await runCli(['residents', 'import', '--config', k.config]);
  assert.is(noFile.code, 2);
  assert.match(noFile.stderr, /needs a file/);
  const unknown = await runCli(['residents', 'import', 'x.csv', '--frobnicate']);
  assert.is(unknown.code, 2);
  const missing = await runCli(['residents', 'import', '/nonexistent/warga.csv', '--config', k.config]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /cannot read \/nonexistent\/warga\.csv/);
  const help = await runCli(['residents', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /anjungan residents import <file>/);
});

test.run();
