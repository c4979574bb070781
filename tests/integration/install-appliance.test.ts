/**
 * scripts/install.sh makes the Pi an appliance: with the kiosk on the console's framebuffer no
 * login prompt, cursor or kernel message reaches the panel; the hardware watchdog reboots a hung
 * kernel; journald is capped; time comes from the district's NTP servers. Into a fake root.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir } from '../support/cli-process.ts';

const SCRIPT = path.join(ROOT, 'scripts/install.sh');
const CMDLINE =
  'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait cfg80211.ieee80211_regdom=ID';

function install(root: string, extra: string[] = []) {
  const r = spawnSync('bash', [SCRIPT, '--prefix', root, '--app-user', 'nobody', ...extra], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function piRoot(config: object): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'boot/firmware'), { recursive: true });
  fs.writeFileSync(path.join(root, 'boot/firmware/config.txt'), '[all]\n');
  fs.writeFileSync(path.join(root, 'boot/firmware/cmdline.txt'), `${CMDLINE}\n`);
  fs.mkdirSync(path.join(root, 'etc/anjungan'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/anjungan/config.json'), JSON.stringify(config));
  return root;
}

const read = (root: string, file: string) => fs.readFileSync(path.join(root, file), 'utf8');

test('a framebuffer kiosk: getty@tty1 masked, console to serial, no cursor, no blanking; idempotent', () => {
  const root = piRoot({
    hardware: { display: { driver: 'framebuffer', device: 'fb0' } },
    clock: { ntp_servers: ['ntp.pesawarankab.go.id', '10.18.0.1'] },
  });
  const first = install(root);
  assert.is(first.code, 0, first.out);
  assert.is(fs.readlinkSync(path.join(root, 'etc/systemd/system/getty@tty1.service')), '/dev/null');
  const tokens = read(root, 'boot/firmware/cmdline.txt').trim().split(/\s+/);
  assert.not.ok(tokens.includes('console=tty1'), 'no kernel console on the panel');
  assert.ok(tokens.includes('console=serial0,115200'), 'the serial console stays');
  for (const t of [
    'consoleblank=0',
    'vt.global_cursor_default=0',
    'quiet',
    'root=PARTUUID=4e639091-02',
    'rootwait',
  ])
    assert.ok(tokens.includes(t), t);
  assert.is(read(root, 'boot/firmware/cmdline.txt').split('\n').filter(Boolean).length, 1, 'one line');
  assert.ok(fs.existsSync(path.join(root, 'boot/firmware/cmdline.txt.anjungan-backup')));
  assert.match(read(root, 'etc/systemd/system.conf.d/anjungan-watchdog.conf'), /^RuntimeWatchdogSec=15$/m);
  assert.match(read(root, 'boot/firmware/config.txt'), /^dtparam=watchdog=on$/m);
  assert.match(read(root, 'etc/systemd/journald.conf.d/anjungan.conf'), /^SystemMaxUse=64M$/m);
  assert.match(
    read(root, 'etc/systemd/timesyncd.conf.d/anjungan.conf'),
    /^NTP=ntp\.pesawarankab\.go\.id 10\.18\.0\.1$/m,
  );

  const second = install(root);
  assert.is(second.code, 0, second.out);
  assert.match(second.out, /done: 0 change\(s\)/);
  assert.match(second.out, /ok: getty@tty1 masked/);

  // NTP servers removed from the config: the drop-in goes too.
  fs.writeFileSync(
    path.join(root, 'etc/anjungan/config.json'),
    JSON.stringify({ hardware: { display: { driver: 'framebuffer' } } }),
  );
  const third = install(root);
  assert.match(third.out, /change: remove \/etc\/systemd\/timesyncd\.conf\.d\/anjungan\.conf/);
  assert.not.ok(fs.existsSync(path.join(root, 'etc/systemd/timesyncd.conf.d/anjungan.conf')));
  fs.rmSync(root, { recursive: true, force: true });
});

test('a kiosk without a framebuffer display keeps its console and login prompt', () => {
  const root = piRoot({ hardware: { display: { driver: 'sim' } } });
  const r = install(root, ['--dry-run']);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /skip: console hardening/);
  assert.not.match(r.out, /getty@tty1/);
  assert.is(read(root, 'boot/firmware/cmdline.txt'), `${CMDLINE}\n`);
  fs.rmSync(root, { recursive: true, force: true });
});

test('--dry-run lists the hardening steps and writes none of them', () => {
  const root = piRoot({
    hardware: { display: { driver: 'framebuffer' } },
    clock: { ntp_servers: ['ntp.example'] },
  });
  const r = install(root, ['--dry-run']);
  assert.is(r.code, 0, r.out);
  for (const step of [
    /would: mask getty@tty1/,
    /would: keep the kernel console off the panel in \/boot\/firmware\/cmdline\.txt/,
    /would: write \/etc\/systemd\/system\.conf\.d\/anjungan-watchdog\.conf/,
    /would: write \/etc\/systemd\/journald\.conf\.d\/anjungan\.conf/,
    /would: write \/etc\/systemd\/timesyncd\.conf\.d\/anjungan\.conf/,
  ])
    assert.match(r.out, step);
  assert.not.ok(fs.existsSync(path.join(root, 'etc/systemd')));
  fs.rmSync(root, { recursive: true, force: true });
});

test.run();
