/**
 * `anjungan letters …`, `verify` and `print-test` as processes, against a register seeded through
 * LetterRegister and tokens signed with the kiosk's own key.
 */
import { execFileSync } from 'node:child_process';
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
import {
  OTHER_UID,
  provisionedKiosk,
  runCli,
  SAMPLE_XLSX,
  tempDir,
  unprivilegedUnavailable,
  VILLAGE_FLAGS,
} from '../support/cli-process.ts';
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

test('letters refuses a date, month or type that is not one instead of listing 0 letters', async () => {
  const k = await provisionedKiosk();
  const c = ['--config', k.config];
  for (const date of ['2026-13-04', '2026-02-30', '2026-00-10', '2026-1-04']) {
    const r = await runCli(['letters', 'list', '--date', date, ...c]);
    assert.is(r.code, 2, `--date ${date}: ${r.stdout}`);
    assert.match(r.stderr, `--date '${date}' is not a date: give YYYY-MM-DD`);
    assert.not.match(r.stdout, 'letter(s)');
  }
  for (const month of ['2026-13', '2026-00', '26-10']) {
    const r = await runCli(['letters', 'export', '--month', month, ...c]);
    assert.is(r.code, 2, `--month ${month}`);
    assert.match(r.stderr, `--month '${month}' is not a month: give YYYY-MM`);
  }
  const leap = await runCli(['letters', 'list', '--date', '2028-02-29', ...c]);
  assert.is(leap.code, 0, leap.stderr);
  const both = await runCli(['letters', 'list', '--date', '2026-10-15', '--month', '2026-10', ...c]);
  assert.is(both.code, 2);
  assert.match(both.stderr, 'give --date or --month, not both');
  const typo = await runCli(['letters', 'list', '--type', 'sktmm', ...c]);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, /unknown letter type 'sktmm'; known: sktm, domisili/);
});

test('without sudo: letters list says to use sudo, or lists without the keys when the register is readable', async () => {
  if (unprivilegedUnavailable()) return;
  const k = await seededKiosk();
  const c = ['--config', k.config];
  const asUser = (args: string[]) => runCli(args, { unprivileged: true });
  // As installed: the config is the service group's, the data directory the service user's.
  fs.chownSync(k.config, OTHER_UID, OTHER_UID);
  execFileSync('chown', ['-R', `${OTHER_UID}:${OTHER_UID}`, k.dataDir]);
  const noConfig = await asUser(['letters', 'list', ...c]);
  assert.is(noConfig.code, 1);
  assert.match(noConfig.stderr, /cannot read config \S+: permission denied: run as root \(sudo\)/);
  assert.not.match(noConfig.stderr, /unexpected error|\n\s+at /);

  fs.chmodSync(k.config, 0o644);
  const noData = await asUser(['letters', 'list', ...c]);
  assert.is(noData.code, 1);
  assert.match(noData.stderr, /cannot read the letter register in \S+: permission denied .*run it with sudo/);
  assert.not.match(noData.stderr, /unexpected error|\n\s+at /);

  // A register others may read (the keys stay private): listed with masked NIKs, no names.
  execFileSync('chmod', ['-R', 'o+rX', k.dataDir]);
  fs.chmodSync(path.join(k.dataDir, 'keys'), 0o700);
  const list = await asUser(['letters', 'list', '--date', '2026-10-15', ...c]);
  assert.is(list.code, 0, list.stderr);
  assert.match(list.stdout, /2 letter\(s\)/);
  assert.match(list.stdout, /\(name: run with sudo\) \*{12}0005/);
  assert.not.match(list.stdout, 'DEWI');
  assert.match(list.stderr, /cannot read key file \S+: permission denied .*run it with sudo/);
  const exp = await asUser(['letters', 'export', '--month', '2026-10', ...c]);
  assert.is(exp.code, 0, exp.stderr);
  assert.is(exp.stdout.trim().split('\r\n').length, 4);
});

test('a file the user may not write is a message saying to use sudo, not a stack trace', async () => {
  if (unprivilegedUnavailable()) return;
  const k = await provisionedKiosk();
  const locked = path.join(k.dir, 'locked');
  fs.mkdirSync(locked, { mode: 0o755 });
  fs.chownSync(locked, OTHER_UID, OTHER_UID);
  const c = ['--config', k.config];
  const runs = [
    ['provision', '--non-interactive', '--config', path.join(locked, 'etc', 'config.json'), ...VILLAGE_FLAGS],
    ['letters', 'export', '--month', '2026-10', '--out', path.join(locked, 'register.csv'), ...c],
  ];
  for (const args of runs) {
    const r = await runCli(args, { unprivileged: true });
    assert.is(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`^anjungan ${args[0]}: EACCES: permission denied.*: run it with sudo`, 'm'),
    );
    assert.not.match(r.stderr, /unexpected error|\n\s+at /);
  }
});

test('a config directory that cannot be entered is a permission problem, not a missing file', async () => {
  if (unprivilegedUnavailable()) return;
  const k = await provisionedKiosk();
  const etc = path.dirname(k.config);
  fs.chownSync(etc, OTHER_UID, OTHER_UID);
  fs.chmodSync(etc, 0o750);
  for (const args of [
    ['run', '--config', k.config],
    ['letters', 'list'],
  ]) {
    const r = await runCli(args, { unprivileged: true, env: { ANJUNGAN_CONFIG: k.config } });
    assert.is(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, `cannot read config ${k.config}: permission denied on ${etc}`);
    assert.not.match(r.stderr, 'does not exist');
  }
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
  assert.match(bad.stdout, /^NOT GENUINE: the code was altered/);
  assert.match(bad.stdout, /what the code claims \(NOT verified\):\n +number 470\/999/);
  // One character changed: inside the claims, or the last one (whose unused bits Node ignores).
  const body = token.split('.')[1]!;
  const inside = `${ver}.${body.slice(0, 9)}${body[9] === 'A' ? 'B' : 'A'}${body.slice(10)}.${sig}`;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // The lowest bit of the last character of 64 bytes is one of its 4 unused bits.
  const lastChanged = `${ver}.${body}.${sig!.slice(0, -1)}${alphabet[alphabet.indexOf(sig!.slice(-1)) ^ 1]}`;
  for (const altered of [inside, lastChanged]) {
    const r = await runCli(['verify', altered, '--config', k.config]);
    assert.is(r.code, 1, altered);
    assert.match(r.stdout, /^NOT GENUINE: the code was altered/, altered);
  }
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
