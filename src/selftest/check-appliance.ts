/**
 * Selftest: is this Raspberry Pi the appliance scripts/install.sh makes of it? The hardware
 * watchdog armed, journald capped, and (when the kiosk draws on the console's framebuffer) no
 * login prompt, cursor or kernel message on the panel. Each names the install step that fixes
 * it. On anything that is not a Raspberry Pi (a developer's machine) they are not checked.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult, SelftestCheck, SelftestContext } from './checks.ts';

const REINSTALL = 'run sudo scripts/install.sh from the kiosk checkout, then reboot';
const pass = (detail: string): CheckResult => ({ ok: true, detail, remedy: null });
const fail = (detail: string, remedy = REINSTALL): CheckResult => ({ ok: false, detail, remedy });

function rootPath(ctx: SelftestContext, file: string): string {
  return path.join(ctx.paths?.rootDir ?? '/', file);
}

function readText(ctx: SelftestContext, file: string): string | null {
  try {
    return readFileSync(rootPath(ctx, file), 'utf8');
  } catch {
    return null;
  }
}

/** The board's model from the device tree ("Raspberry Pi 4 Model B Rev 1.5"), or null. */
function piModel(ctx: SelftestContext): string | null {
  const model = readText(ctx, 'proc/device-tree/model')?.replace(/\0/g, '').trim();
  return model?.startsWith('Raspberry Pi') ? model : null;
}

/** The value of `key=` in systemd config FILE and its drop-ins (the last one wins). */
function systemdSetting(ctx: SelftestContext, file: string, key: string): string | null {
  const files = [file];
  try {
    const dir = `${file}.d`;
    for (const name of readdirSync(rootPath(ctx, dir)).sort())
      if (name.endsWith('.conf')) files.push(`${dir}/${name}`);
  } catch {
    // no drop-in directory
  }
  let value: string | null = null;
  for (const f of files) {
    for (const m of (readText(ctx, f) ?? '').matchAll(new RegExp(`^\\s*${key}\\s*=\\s*(\\S*)\\s*$`, 'gm')))
      value = m[1] ?? null;
  }
  return value;
}

function onPi(ctx: SelftestContext, check: (model: string) => CheckResult): CheckResult {
  const model = piModel(ctx);
  return model ? check(model) : pass('not checked: not a Raspberry Pi');
}

export const watchdogCheck: SelftestCheck = {
  name: 'watchdog',
  async run(ctx) {
    return onPi(ctx, () => {
      const runtime = systemdSetting(ctx, 'etc/systemd/system.conf', 'RuntimeWatchdogSec');
      if (!runtime || /^(0|off)$/i.test(runtime))
        return fail('systemd does not feed the hardware watchdog (RuntimeWatchdogSec is not set)');
      const state = readText(ctx, 'sys/class/watchdog/watchdog0/state')?.trim();
      if (state === undefined)
        return fail(
          'no hardware watchdog (/dev/watchdog0)',
          'add dtparam=watchdog=on to /boot/firmware/config.txt (install.sh does), then reboot',
        );
      if (state !== 'active')
        return fail(`hardware watchdog ${state}: not armed yet`, 'reboot once after install.sh');
      return pass(`hardware watchdog active, RuntimeWatchdogSec=${runtime}`);
    });
  },
};

export const journalCheck: SelftestCheck = {
  name: 'journal',
  async run(ctx) {
    return onPi(ctx, () => {
      const max = systemdSetting(ctx, 'etc/systemd/journald.conf', 'SystemMaxUse');
      return max
        ? pass(`journald capped at ${max}`)
        : fail('journald is not capped: logs can fill the SD card');
    });
  },
};

export const consoleCheck: SelftestCheck = {
  name: 'console',
  async run(ctx) {
    if (ctx.config.hardware.display.driver !== 'framebuffer')
      return pass('not checked: the display is not a framebuffer');
    return onPi(ctx, () => {
      const cmdline = (readText(ctx, 'proc/cmdline') ?? '').trim().split(/\s+/);
      const problems: string[] = [];
      if (cmdline.some((t) => /^console=tty\d*$/.test(t))) problems.push('kernel console on the panel');
      if (!cmdline.includes('vt.global_cursor_default=0')) problems.push('cursor shown');
      if (!cmdline.includes('consoleblank=0')) problems.push('screen blanking on');
      let masked = false;
      try {
        masked = readlinkSync(rootPath(ctx, 'etc/systemd/system/getty@tty1.service')) === '/dev/null';
      } catch {
        // not masked
      }
      if (!masked) problems.push('login prompt (getty@tty1) on the panel');
      return problems.length === 0 ? pass('the panel shows only the kiosk') : fail(problems.join(', '));
    });
  },
};

export const checks: SelftestCheck[] = [watchdogCheck, journalCheck, consoleCheck];
