/**
 * scripts/install.sh as a careful sysadmin reads it: installed code belongs to root whoever owns
 * the checkout, /etc/anjungan is root:<service group> 0750, the pull-ups apply to every board,
 * and a re-run restarts the service only when something changed, never self-testing against
 * the running kiosk. Runs into a fake root with a stand-in systemctl that keeps its state.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from '../support/cli-process.ts';

const IS_ROOT = process.getuid?.() === 0;
const CHECKOUT_PARTS = [
  'bin',
  'src',
  'data',
  'systemd',
  'docs',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** A copy of this checkout owned by uid/gid 1000 (the `pi` user), some files group-writable. */
function foreignCheckout(): string {
  const dir = tempDir();
  for (const part of CHECKOUT_PARTS) {
    fs.cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  }
  fs.chmodSync(path.join(dir, 'src/cli.ts'), 0o664);
  fs.chmodSync(path.join(dir, 'src'), 0o775);
  spawnSync('chown', ['-R', '1000:1000', dir]);
  return dir;
}

function fakeRoot(bootConfig = '[all]\ndtparam=audio=on\n'): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'boot/firmware'), { recursive: true });
  fs.writeFileSync(path.join(root, 'boot/firmware/config.txt'), bootConfig);
  fs.mkdirSync(path.join(root, 'etc/anjungan'), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(root, 'etc/anjungan/config.json'), '{}', { mode: 0o644 });
  return root;
}

/**
 * A systemctl that keeps the unit's state (enabled, active) in a file and logs every call that
 * changes it; the self-test stand-in logs whether the service was running when it ran.
 */
function standIns(root: string): { systemctl: string; selftest: string; log: string } {
  const state = path.join(root, 'systemctl.state');
  const log = path.join(root, 'calls.log');
  fs.writeFileSync(state, 'inactive -\n');
  fs.writeFileSync(log, '');
  const systemctl = path.join(root, 'fake-systemctl');
  const enabled = path.join(root, 'systemctl.enabled');
  fs.writeFileSync(enabled, '');
  fs.writeFileSync(
    systemctl,
    `#!/usr/bin/env bash
read -r active _ < "${state}"
unit="\${3:-$2}"; unit="\${unit%.service}"
case "$1" in
  is-active) [[ $active == active ]]; exit ;;
  is-enabled) grep -qx "$unit" "${enabled}"; exit ;;
  enable) echo "$unit" >> "${enabled}" ;;
  start) active=active ;;
  stop) active=inactive ;;
  restart) active=active ;;
esac
echo "$active -" > "${state}"
echo "systemctl $*" >> "${log}"
`,
    { mode: 0o755 },
  );
  const selftest = path.join(root, 'fake-selftest');
  fs.writeFileSync(
    selftest,
    `#!/usr/bin/env bash
read -r active _ < "${state}"
echo "selftest while $active" >> "${log}"
`,
    { mode: 0o755 },
  );
  return { systemctl, selftest, log };
}

function install(script: string, args: string[]) {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function skipUnlessRoot(): boolean {
  if (IS_ROOT) return false;
  if (process.env.CI === 'true') throw new Error('these install tests run as root in CI');
  console.log('  skipped: needs root (chown)');
  return true;
}

test('installed code is owned by root and writable by root only, whoever owns the checkout', () => {
  if (skipUnlessRoot()) return;
  const checkout = foreignCheckout();
  const root = fakeRoot();
  const r = install(path.join(checkout, 'scripts/install.sh'), ['--prefix', root, '--app-user', 'nobody']);
  assert.is(r.code, 0, r.out);
  const dest = path.join(root, 'opt/anjungan');
  const offenders = spawnSync(
    'find',
    [dest, '(', '!', '-user', '0', '-o', '!', '-group', '0', '-o', '-perm', '/022', ')', '!', '-type', 'l'],
    { encoding: 'utf8' },
  ).stdout.trim();
  assert.is(offenders, '', `not root's, or writable by others:\n${offenders}`);
  assert.ok(fs.existsSync(path.join(dest, 'current/src/cli.ts')));

  // Someone later makes a file group-writable: the next run notices and fixes it.
  fs.chmodSync(path.join(dest, 'current/src/cli.ts'), 0o666);
  const again = install(path.join(checkout, 'scripts/install.sh'), [
    '--prefix',
    root,
    '--app-user',
    'nobody',
  ]);
  assert.match(again.out, /change: make \/opt\/anjungan owned by root/);
  assert.is(fs.statSync(path.join(dest, 'current/src/cli.ts')).mode & 0o022, 0);
  fs.rmSync(checkout, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

test('/etc/anjungan is root:<service group> 0750 and the config is not world-readable', () => {
  if (skipUnlessRoot()) return;
  const root = fakeRoot();
  const r = install(path.join(ROOT, 'scripts/install.sh'), ['--prefix', root, '--app-user', 'nobody']);
  assert.is(r.code, 0, r.out);
  const dir = fs.statSync(path.join(root, 'etc/anjungan'));
  const group = spawnSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).stdout.split(':')[2];
  assert.is(dir.uid, 0);
  assert.is(dir.gid, Number(group));
  assert.is((dir.mode & 0o7777).toString(8), '750');
  const config = fs.statSync(path.join(root, 'etc/anjungan/config.json'));
  assert.is((config.mode & 0o777).toString(8), '640');
  assert.is(config.gid, Number(group));
  fs.rmSync(root, { recursive: true, force: true });
});

test('the GPIO pull-ups apply to every board even when config.txt ends in a [cm5] section', () => {
  const root = fakeRoot('dtparam=audio=on\n[cm5]\ndtoverlay=dwc2,dr_mode=host\n');
  const r = install(path.join(ROOT, 'scripts/install.sh'), ['--prefix', root, '--app-user', 'nobody']);
  assert.is(r.code, 0, r.out);
  const lines = fs.readFileSync(path.join(root, 'boot/firmware/config.txt'), 'utf8').split('\n');
  const gpio = lines.findIndex((l) => l.startsWith('gpio='));
  assert.ok(gpio > 0, 'the gpio line is there');
  const section = lines
    .slice(0, gpio)
    .filter((l) => /^\[.*\]$/.test(l.trim()))
    .at(-1);
  assert.is(section, '[all]', 'the last section before the gpio line is [all]');
  assert.ok(lines.includes('dtoverlay=dwc2,dr_mode=host'), "the technician's [cm5] line is kept");
  fs.rmSync(root, { recursive: true, force: true });
});

test('re-runs: nothing changed restarts nothing; changed code stops, self-tests, starts once', () => {
  if (skipUnlessRoot()) return;
  const checkout = foreignCheckout();
  const root = fakeRoot();
  const { systemctl, selftest, log } = standIns(root);
  const script = path.join(checkout, 'scripts/install.sh');
  const args = [
    '--prefix',
    root,
    '--app-user',
    'nobody',
    '--systemctl',
    systemctl,
    '--selftest-cmd',
    selftest,
  ];
  const calls = () => fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

  const first = install(script, args);
  assert.is(first.code, 0, first.out);
  assert.equal(calls(), [
    'systemctl daemon-reload',
    'systemctl enable anjungan.service',
    'systemctl enable anjungan-update.service',
    'systemctl enable --now anjungan-update.path',
    'selftest while inactive',
    'systemctl start anjungan.service',
  ]);

  fs.writeFileSync(log, '');
  const second = install(script, args);
  assert.is(second.code, 0, second.out);
  assert.match(second.out, /done: 0 change\(s\)/);
  assert.equal(calls(), [], 'a re-run with nothing changed restarts nothing and self-tests nothing');

  fs.appendFileSync(path.join(checkout, 'src/cli.ts'), '\n// a new release\n');
  fs.writeFileSync(log, '');
  const third = install(script, args);
  assert.is(third.code, 0, third.out);
  assert.equal(calls(), [
    'systemctl stop anjungan.service',
    'selftest while inactive',
    'systemctl start anjungan.service',
  ]);
  fs.rmSync(checkout, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

test('--systemctl and --selftest-cmd are refused without --prefix', () => {
  const r = install(path.join(ROOT, 'scripts/install.sh'), ['--dry-run', '--systemctl', '/bin/true']);
  assert.is(r.code, 2, r.out);
  assert.match(r.out, /for tests, with --prefix/);
});

test.run();
