/**
 * `anjungan letters …`, `verify` and `print-test` as processes, against a register seeded through
 * LetterRegister and tokens signed with the kiosk's own key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { decodeEscpos, jobText } from '../../src/hardware/escpos-decoder.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { signToken } from '../../src/letters/verification-token.ts';
import { silentLogger } from '../../src/log.ts';
import { loadOrCreateKeys, residentRef } from '../../src/store/keys.ts';
import { provisionedKiosk, runCli, SAMPLE_XLSX, tempDir, VILLAGE_FLAGS } from '../support/cli-process.ts';
import { sampleClaims } from '../support/letter-fixtures.ts';

const DEWI = '1809105702900005';
const SUPARMAN = '1809100506720001';

async function seededKiosk() {
  const k = await provisionedKiosk();
  assert.is((await runCli(['residents', 'import', SAMPLE_XLSX, '--config', k.config])).code, 0);
  const { config } = loadConfig({ path: k.config, env: {} });
  const keys = await loadOrCreateKeys(config, { create: false });
  const reg = await LetterRegister.open(config.data_dir, {
    numbering: config.letters.numbering,
    villageCode: config.village.code,
    logger: silentLogger(),
  });
  const issue = async (
    nik: string,
    type: string,
    code: string,
    at: string,
    purpose: string,
    fail?: string,
  ) => {
    const e = await reg.reserve({
      letter_type: type,
      code,
      resident_ref: residentRef(keys.uidKey, nik),
      nik_masked: `************${nik.slice(-4)}`,
      purpose,
      policy: type === 'sktm' ? 'pengantar' : 'final',
      at: new Date(at),
    });
    if (fail) await reg.markFailed(e.id, fail, new Date(at));
    else await reg.markPrinted(e.id, new Date(at));
    return e;
  };
  const a = await issue(DEWI, 'domisili', '470', '2026-10-15T09:00:00', 'Melamar pekerjaan');
  const b = await issue(SUPARMAN, 'sktm', '400.12', '2026-10-15T10:00:00', 'Beasiswa, "KIP"');
  const c = await issue(DEWI, 'domisili', '470', '2026-10-16T08:00:00', 'Bank', 'paper out');
  const d = await issue(SUPARMAN, 'domisili', '470', '2026-11-02T08:00:00', '=HYPERLINK("x")');
  await reg.close();
  return { ...k, config: k.config, keys, cfg: config, entries: [a, b, c, d] };
}

test('letters list, show and export read the register with names and masked NIKs', async () => {
  const k = await seededKiosk();
  const c = ['--config', k.config];
  const [a, b, failed] = k.entries;

  const list = await runCli(['letters', 'list', '--date', '2026-10-15', ...c]);
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /2 letter\(s\)/);
  assert.ok(list.stdout.includes(a!.number) && list.stdout.includes(b!.number));
  assert.match(list.stdout, /NI KADEK AYU PUSPITA DEWI \*{12}0005/);
  assert.not.match(list.stdout, /\d{16}/);
  const byType = await runCli(['letters', 'list', '--type', 'domisili', ...c]);
  assert.match(byType.stdout, /3 letter\(s\)/);

  const show = await runCli(['letters', 'show', failed!.number, ...c]);
  assert.is(show.code, 0, show.stderr);
  assert.match(show.stdout, /status +failed: paper out/);
  assert.match(show.stdout, /purpose +Bank/);
  assert.match(show.stdout, /resident +NI KADEK AYU PUSPITA DEWI/);
  assert.match(show.stdout, /NIK +\*{12}0005/);
  const missing = await runCli(['letters', 'show', '999/999', ...c]);
  assert.is(missing.code, 1);

  const out = path.join(k.dir, 'oktober.csv');
  const exp = await runCli(['letters', 'export', '--month', '2026-10', '--out', out, ...c]);
  assert.is(exp.code, 0, exp.stderr);
  assert.match(exp.stdout, /3 letter\(s\) of 2026-10 written/);
  const csv = fs.readFileSync(out, 'utf8');
  assert.ok(csv.startsWith('\uFEFFnumber,letter_type,title,status,issued_at,purpose'));
  const lines = csv.trim().split('\r\n');
  assert.is(lines.length, 4);
  assert.ok(lines[2]?.includes('"Beasiswa, ""KIP"""'), 'RFC 4180 quoting');
  assert.ok(lines[2]?.includes('SUPARMAN'));
  const nov = await runCli(['letters', 'export', '--month', '2026-11', ...c]);
  assert.match(nov.stdout, /'=HYPERLINK/, 'a formula-looking purpose is defused');
  const usage = await runCli(['letters', 'export', ...c]);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /needs --month/);
});

test('verify: a genuine token prints what it certifies; a tampered one exits 1 saying why', async () => {
  const k = await seededKiosk();
  const e = k.entries[0]!;
  const token = signToken(
    sampleClaims({
      number: e.number,
      issued: '2026-10-15',
      valid_until: '2026-11-14',
      resident_ref: e.resident_ref,
    }),
    k.keys.signingKey,
  );
  const good = await runCli(['verify', token, '--config', k.config]);
  assert.is(good.code, 0, good.stderr);
  assert.match(good.stdout, /^GENUINE/);
  assert.ok(good.stdout.includes(e.number));
  assert.match(good.stdout, /date +2026-10-15/);
  assert.match(good.stdout, /village +1809102004 \(DESA Hanura\)/);
  assert.match(good.stdout, /type +domisili \(SURAT KETERANGAN DOMISILI\)/);
  assert.match(good.stdout, /token +AJ2/);
  assert.match(good.stdout, /valid until +2026-11-14/);
  assert.match(good.stdout, /kiosk +kiosk-01/);
  // The verification page's address around the token (what a phone's camera reads) works too.
  const url = await runCli(['verify', `https://verifikasi.example.go.id/v/#${token}`, '--config', k.config]);
  assert.is(url.code, 0, url.stdout);
  assert.ok(url.stdout.includes(e.number));

  const [ver, , sig] = token.split('.');
  const forged = Buffer.from(
    JSON.stringify([
      '470/999/1809102004/X/2026',
      'domisili',
      'f',
      '2026-10-15',
      '2026-11-14',
      '1809102004',
      'kiosk-01',
      '0123456789ab',
      e.resident_ref,
    ]),
  ).toString('base64url');
  const bad = await runCli(['verify', `${ver}.${forged}.${sig}`, '--config', k.config]);
  assert.is(bad.code, 1);
  assert.match(bad.stdout, /^NOT GENUINE: the signature does not match/);
  assert.match(bad.stdout, /what the code claims \(NOT verified\):\n +number 470\/999/);
  const junk = await runCli(['verify', 'hello', '--config', k.config]);
  assert.is(junk.code, 1);
  assert.match(junk.stdout, /not an Anjungan letter code/);

  // Another village's kiosk (its own key) does not accept this village's letters…
  const other = await provisionedKiosk();
  const elsewhere = await runCli(['verify', token, '--config', other.config]);
  assert.is(elsewhere.code, 1);
  // …unless it is given this village's public key; '-' reads the token from standard input.
  const pub = path.join(k.cfg.data_dir, 'keys', 'letter-signing.pub.pem');
  const withKey = await runCli(['verify', '-', '--public-key', pub], { input: `${token}\n` });
  assert.is(withKey.code, 0, withKey.stderr);
  const noKey = await runCli(['verify', token, '--public-key', '/nonexistent.pem']);
  assert.is(noKey.code, 1);
  assert.match(noKey.stderr, /cannot read the public key \/nonexistent\.pem/);
});

test('print-test prints a test page through the configured (simulated) printer', async () => {
  const dir = tempDir();
  const config = path.join(dir, 'config.json');
  const p = await runCli([
    'provision',
    '--non-interactive',
    '--config',
    config,
    '--data-dir',
    path.join(dir, 'data'),
    ...VILLAGE_FLAGS,
    '--paper-mm',
    '80',
  ]);
  assert.is(p.code, 0, p.stderr);
  const r = await runCli(['print-test', '--config', config]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /status: ready/);
  const file = /: (\/\S+\.bin)/.exec(r.stdout)?.[1];
  assert.ok(file && fs.existsSync(file), r.stdout);
  const job = decodeEscpos(fs.readFileSync(file));
  const text = jobText(job);
  assert.match(text, /HALAMAN UJI PRINTER/);
  assert.match(text, /Paper +: 80 mm, 48 columns/);
  assert.ok(text.includes('123456789012345678901234567890123456789012345678'), 'a full 48-column ruler');
  assert.is(job.cuts, 1);
  const status = await runCli(['print-test', '--status-only', '--config', config]);
  assert.is(status.code, 0);
  assert.is(fs.readdirSync(path.dirname(file)).length, 1, '--status-only prints nothing');
});

test.run();
