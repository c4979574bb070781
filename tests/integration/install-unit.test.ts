/**
 * systemd/anjungan.service passes `systemd-analyze verify` without a single warning, and keeps
 * the settings the kiosk depends on (notify + watchdog, devices reachable).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const UNIT = fileURLToPath(new URL('../../systemd/anjungan.service', import.meta.url));
const text = fs.readFileSync(UNIT, 'utf8');

function setting(key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
}

/** `systemd-analyze verify` of a unit file under systemd/: exit 0 and not a single warning. */
function verifyUnit(name: string): void {
  const probe = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    if (process.env.CI === 'true')
      throw new Error('systemd-analyze is required in CI (apt-get install systemd)');
    console.log('  skipped: systemd-analyze is not installed');
    return;
  }
  const source = fs.readFileSync(fileURLToPath(new URL(`../../systemd/${name}`, import.meta.url)), 'utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  // verify checks that ExecStart's binary exists: point it at this machine's node if needed.
  const unit = fs.existsSync('/usr/bin/node') ? source : source.replace('/usr/bin/node', process.execPath);
  fs.writeFileSync(path.join(dir, name), unit);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, name)], {
    encoding: 'utf8',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.is(r.status, 0, r.stderr);
  // Unknown keys and bad values are only warnings (exit 0): none is allowed.
  assert.is(`${r.stdout}${r.stderr}`.trim(), '');
}

test('the unit passes systemd-analyze verify with no warnings', () => {
  verifyUnit('anjungan.service');
});

test('the dashboard unit passes systemd-analyze verify with no warnings', () => {
  verifyUnit('anjungan-dashboard.service');
});

test('the update units (the root updater and the path unit that starts it) pass verify', () => {
  verifyUnit('anjungan-update.service');
  verifyUnit('anjungan-update.path');
});

test('the unit keeps notify, watchdog, restart and device access', () => {
  assert.equal(setting('Type'), ['notify']);
  assert.equal(setting('NotifyAccess'), ['all'], 'the notify helper is a child process');
  assert.ok(Number(setting('WatchdogSec')[0]) > 0);
  assert.equal(setting('Restart'), ['always']);
  assert.equal(setting('User'), ['anjungan']);
  assert.equal(setting('SupplementaryGroups'), ['gpio video lp dialout input audio']);
  assert.equal(setting('StateDirectory'), ['anjungan']);
  // systemd would create /etc/anjungan root:root, closed to User=: install.sh makes it instead.
  assert.equal(setting('ConfigurationDirectory'), [], 'install.sh owns /etc/anjungan');
  assert.equal(setting('ProtectSystem'), ['strict']);
  // The memory budget the bench measures is with these two settings.
  assert.match(setting('ExecStart')[0] ?? '', '--max-semi-space-size=2');
  assert.ok(setting('Environment').includes('MALLOC_ARENA_MAX=2'));
  for (const hidesDevices of [
    'PrivateDevices',
    'ProtectClock',
    'DeviceAllow',
    'DevicePolicy',
    'ProtectKernelTunables',
  ]) {
    assert.equal(setting(hidesDevices), [], `${hidesDevices} would cut the kiosk off its devices`);
  }
});

test.run();
