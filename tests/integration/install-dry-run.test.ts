/**
 * scripts/install.sh: shellcheck-clean; `--dry-run` says what it would change and changes
 * nothing (on a fake root and on this machine); a real run into a fake root is idempotent.
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from '../support/cli-process.ts';

const SCRIPT = path.join(ROOT, 'scripts/install.sh');

function install(args: string[], script = SCRIPT) {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The service user for fake-root runs: `nobody` exists everywhere, its group is `nogroup`. */
const TEST_USER = ['--app-user', 'nobody'];

/** Every path under `dir` with its content hash and mode: any change shows. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      const hash = e.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : '';
      out.push(`${path.relative(dir, p)} ${(st.mode & 0o7777).toString(8)} ${hash}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function fakeRoot(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'boot/firmware'), { recursive: true });
  fs.writeFileSync(path.join(root, 'boot/firmware/config.txt'), '[all]\ndtparam=audio=on\n');
  fs.mkdirSync(path.join(root, 'etc/anjungan'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'etc/anjungan/config.json'),
    JSON.stringify({ hardware: { buttons: { pins: { up: 5, down: 6, ok: 13, back: 19 } } } }),
  );
  return root;
}

test('install.sh passes shellcheck', () => {
  const r = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    if (process.env.CI === 'true')
      throw new Error('shellcheck is required in CI (apt-get install shellcheck)');
    console.log('  skipped: shellcheck is not installed');
    return;
  }
  const check = spawnSync('shellcheck', ['--severity=style', SCRIPT], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout);
});

test('--dry-run on a fake root lists every change and changes nothing', () => {
  const root = fakeRoot();
  const before = snapshot(root);
  const r = install(['--dry-run', '--prefix', root, ...TEST_USER]);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /DRY RUN: nothing will be changed/);
  for (const expected of [
    /would: install the application as \/opt\/anjungan\/releases\/\d+\.\d+\.\d+/,
    /would: point \/opt\/anjungan\/current at releases\/\d+\.\d+\.\d+/,
    /would: write \/etc\/systemd\/system\/anjungan-update\.service/,
    /would: write \/etc\/systemd\/system\/anjungan-update\.path/,
    /would: link \/usr\/local\/bin\/anjungan/,
    /would: write \/etc\/polkit-1\/rules\.d\/50-anjungan-pcscd\.rules/,
    /would: write \/etc\/modprobe\.d\/anjungan-nfc-blacklist\.conf/,
    /would: set gpio=5,6,13,19=ip,pu in \/boot\/firmware\/config\.txt/,
    /would: write \/etc\/systemd\/system\/anjungan\.service/,
    /would: make \/etc\/anjungan root:nogroup 0750/,
    /would: make \/etc\/anjungan\/config\.d nobody:nogroup 0750 \(remote settings\)/,
    /would: write \/etc\/systemd\/system\.conf\.d\/anjungan-watchdog\.conf/,
    /would: write \/etc\/systemd\/journald\.conf\.d\/anjungan\.conf/,
    /skip: console hardening/,
    /DRY RUN done: 13 change\(s\) would be made/,
  ]) {
    assert.match(r.out, expected);
  }
  assert.equal(snapshot(root), before, 'nothing under the fake root changed');
  fs.rmSync(root, { recursive: true, force: true });
});

test('--dry-run on this machine exits 0 and installs nothing', () => {
  const watched = [
    '/etc/systemd/system/anjungan.service',
    '/opt/anjungan',
    '/etc/polkit-1/rules.d/50-anjungan-pcscd.rules',
  ];
  const before = watched.map((p) => fs.existsSync(p));
  const r = install(['--dry-run']);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /DRY RUN done: \d+ change\(s\) would be made/);
  assert.equal(
    watched.map((p) => fs.existsSync(p)),
    before,
  );
});

test('a real run into a fake root installs the files once; the second run changes nothing', () => {
  const root = fakeRoot();
  const first = install(['--prefix', root, ...TEST_USER]);
  assert.is(first.code, 0, first.out);
  assert.match(first.out, /done: 13 change\(s\)/);
  const unit = fs.readFileSync(path.join(root, 'etc/systemd/system/anjungan.service'), 'utf8');
  assert.is(unit, fs.readFileSync(path.join(ROOT, 'systemd/anjungan.service'), 'utf8'));
  assert.match(
    fs.readFileSync(path.join(root, 'etc/modprobe.d/anjungan-nfc-blacklist.conf'), 'utf8'),
    /^blacklist pn533_usb$/m,
  );
  assert.match(
    fs.readFileSync(path.join(root, 'etc/polkit-1/rules.d/50-anjungan-pcscd.rules'), 'utf8'),
    /subject\.user == "nobody"/,
  );
  assert.is(
    fs.readlinkSync(path.join(root, 'usr/local/bin/anjungan')),
    '/opt/anjungan/current/bin/anjungan.js',
  );
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  assert.is(fs.readlinkSync(path.join(root, 'opt/anjungan/current')), `releases/${version}`);
  assert.ok(fs.existsSync(path.join(root, 'opt/anjungan/current/src/cli.ts')));
  const afterFirst = snapshot(root);

  const second = install(['--prefix', root, ...TEST_USER]);
  assert.is(second.code, 0, second.out);
  assert.match(second.out, /done: 0 change\(s\)/);
  assert.equal(snapshot(root), afterFirst, 'idempotent');
  const config = fs.readFileSync(path.join(root, 'boot/firmware/config.txt'), 'utf8');
  assert.is(config.match(/gpio=5,6,13,19=ip,pu/g)?.length, 1, 'the pull-up line appears once');
  assert.match(config, /^dtparam=audio=on$/m, "the technician's own lines are kept");
  fs.rmSync(root, { recursive: true, force: true });
});

test('with CUPS installed, cupsd keeps no job files (they hold full NIKs); once only', () => {
  const root = fakeRoot();
  fs.mkdirSync(path.join(root, 'etc/cups'), { recursive: true });
  const cfg = path.join(root, 'etc/cups/cupsd.conf');
  fs.writeFileSync(cfg, 'LogLevel warn\nPreserveJobFiles Yes\nMaxJobs 500\n');
  const first = install(['--prefix', root]);
  assert.is(first.code, 0, first.out);
  assert.match(first.out, /set PreserveJobFiles No and PreserveJobHistory 300/);
  const second = install(['--prefix', root]);
  assert.match(second.out, /ok: CUPS keeps no job files/);
  const text = fs.readFileSync(cfg, 'utf8');
  assert.equal(text.match(/^PreserveJob\S+ .*$/gm), ['PreserveJobFiles No', 'PreserveJobHistory 300']);
  assert.match(text, /^MaxJobs 500$/m, "the technician's own lines are kept");
  fs.rmSync(root, { recursive: true, force: true });
});

test.run();
