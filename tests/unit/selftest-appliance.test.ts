/**
 * Selftest of the appliance hardening (watchdog, journald cap, console off the panel), on fake
 * root trees: a Pi that install.sh hardened passes; each missing piece fails, naming it and the
 * install step; a machine that is not a Pi is not checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { consoleCheck, journalCheck, watchdogCheck } from '../../src/selftest/check-appliance.ts';
import type { SelftestContext } from '../../src/selftest/checks.ts';
import { capturingLogger, tmpDir } from '../support/store-helpers.ts';

function put(root: string, file: string, content: string) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/** A Raspberry Pi as install.sh leaves it. */
function hardenedPi(): string {
  const root = tmpDir();
  put(root, 'proc/device-tree/model', 'Raspberry Pi 4 Model B Rev 1.5\0');
  put(
    root,
    'proc/cmdline',
    'console=serial0,115200 root=PARTUUID=1-02 rootwait consoleblank=0 vt.global_cursor_default=0 quiet\n',
  );
  put(root, 'etc/systemd/system.conf', '[Manager]\n#RuntimeWatchdogSec=off\n');
  put(root, 'etc/systemd/system.conf.d/anjungan-watchdog.conf', '[Manager]\nRuntimeWatchdogSec=15\n');
  put(root, 'etc/systemd/journald.conf.d/anjungan.conf', '[Journal]\nSystemMaxUse=64M\n');
  put(root, 'sys/class/watchdog/watchdog0/state', 'active\n');
  fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
  fs.symlinkSync('/dev/null', path.join(root, 'etc/systemd/system/getty@tty1.service'));
  return root;
}

function ctx(root: string, display: 'framebuffer' | 'sim' = 'framebuffer'): SelftestContext {
  const config = defaultConfig();
  config.hardware.display.driver = display;
  return { config, logger: capturingLogger().logger, simulator: false, env: {}, paths: { rootDir: root } };
}

test('a Pi hardened by install.sh passes all three', async () => {
  const root = hardenedPi();
  assert.equal(await watchdogCheck.run(ctx(root)), {
    ok: true,
    detail: 'hardware watchdog active, RuntimeWatchdogSec=15',
    remedy: null,
  });
  assert.is((await journalCheck.run(ctx(root))).detail, 'journald capped at 64M');
  assert.is((await consoleCheck.run(ctx(root))).detail, 'the panel shows only the kiosk');
});

test('each missing piece fails and says what', async () => {
  const root = hardenedPi();
  fs.rmSync(path.join(root, 'etc/systemd/system.conf.d'), { recursive: true });
  const wd = await watchdogCheck.run(ctx(root));
  assert.is(wd.ok, false);
  assert.match(wd.detail, /RuntimeWatchdogSec is not set/);
  assert.match(wd.remedy ?? '', /install\.sh/);

  fs.rmSync(path.join(root, 'etc/systemd/journald.conf.d'), { recursive: true });
  assert.is((await journalCheck.run(ctx(root))).ok, false);

  put(root, 'proc/cmdline', 'console=serial0,115200 console=tty1 root=PARTUUID=1-02\n');
  fs.rmSync(path.join(root, 'etc/systemd/system/getty@tty1.service'));
  const con = await consoleCheck.run(ctx(root));
  assert.is(con.ok, false);
  assert.is(
    con.detail,
    'kernel console on the panel, cursor shown, screen blanking on, login prompt (getty@tty1) on the panel',
  );
});

test('an unarmed watchdog asks for the reboot; no framebuffer or no Pi: not checked', async () => {
  const root = hardenedPi();
  put(root, 'sys/class/watchdog/watchdog0/state', 'inactive\n');
  assert.match((await watchdogCheck.run(ctx(root))).remedy ?? '', /reboot/);
  assert.equal(await consoleCheck.run(ctx(root, 'sim')), {
    ok: true,
    detail: 'not checked: the display is not a framebuffer',
    remedy: null,
  });
  const laptop = tmpDir();
  put(laptop, 'proc/device-tree/model', 'QEMU Standard PC\0');
  for (const check of [watchdogCheck, journalCheck, consoleCheck])
    assert.is((await check.run(ctx(laptop))).detail, 'not checked: not a Raspberry Pi');
});

test.run();
