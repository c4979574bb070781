/**
 * Selftest checks of the configured devices: card reader, printer, buttons, indicator, display.
 * Each opens the device the way the daemon would, asks it something, and lets go. Simulated
 * ports pass with a note. Stop the kiosk first when it holds a device (a USB printer can have
 * only one user).
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { errorMessage, isKioskError } from '../errors.ts';
import type { CardReader } from '../hardware/card-reader.ts';
import { type GrabResult, grabInputDevice } from '../hardware/evdev-grab.ts';
import { canPrint, type PrinterStatus } from '../hardware/printer.ts';
import type { CheckResult, SelftestCheck, SelftestContext } from './checks.ts';

const pass = (detail: string): CheckResult => ({ ok: true, detail, remedy: null });
const fail = (detail: string, remedy: string): CheckResult => ({ ok: false, detail, remedy });
const simulated = (key: string) => pass(`simulated (${key} is "sim")`);

/** Opens a character device, grabs it (EVIOCGRAB) and lets go; null for anything else. */
function grabOnce(device: string): GrabResult | null {
  const fd = openSync(device, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return fstatSync(fd).isCharacterDevice() ? grabInputDevice(fd) : null;
  } finally {
    closeSync(fd);
  }
}

const PCSC_REMEDY =
  'plug the reader in; check that pcscd runs (systemctl status pcscd.socket) and sees it (pcsc_scan); ' +
  'for an ACR122U blacklist the kernel driver: echo "blacklist pn533_usb" | sudo tee /etc/modprobe.d/anjungan-nfc.conf, then reboot';

export const readerCheck: SelftestCheck = {
  name: 'reader',
  async run(ctx) {
    const cfg = ctx.config.hardware.reader;
    if (cfg.driver === 'sim') return simulated('hardware.reader.driver');
    if (cfg.driver === 'hid') {
      if (!cfg.hid_device)
        return fail(
          'hardware.reader.hid_device is not set',
          "set it to the reader's /dev/input/by-id/…-event-kbd",
        );
      try {
        await access(cfg.hid_device, constants.R_OK);
        const what = `keyboard-mode reader ${cfg.hid_device}${cfg.hid_reverse ? ' (reversed bytes)' : ''}`;
        const grab = grabOnce(cfg.hid_device);
        if (grab === null) return pass(what);
        return grab.grabbed
          ? pass(`${what}, grabbed exclusively (typed digits cannot reach the console)`)
          : fail(
              `${what} cannot be grabbed exclusively: ${grab.reason}`,
              'stop the kiosk first (sudo systemctl stop anjungan); if it persists another program holds the reader',
            );
      } catch (err) {
        return fail(
          `cannot read ${cfg.hid_device}: ${errorMessage(err)}`,
          'plug the reader in (ls /dev/input/by-id/), and make sure the kiosk user is in group "input"',
        );
      }
    }
    let reader: CardReader | null = null;
    try {
      const { createPcscCardReader } = await import('../hardware/card-reader.pcsc.ts');
      reader = await createPcscCardReader(cfg, ctx.logger, { startWaitMs: 3000, retryMinMs: 60_000 });
      await reader.start();
      return reader.present ? pass(reader.describe()) : fail(`${reader.describe()} found`, PCSC_REMEDY);
    } catch (err) {
      return fail(
        errorMessage(err),
        isKioskError(err, 'dependency_missing')
          ? 'apt-get install pcscd libpcsclite-dev, then npm ci'
          : PCSC_REMEDY,
      );
    } finally {
      await reader?.stop();
    }
  },
};

const PRINTER_ADVICE: Record<PrinterStatus, string> = {
  ready: '',
  paper_near_end: 'bring a new paper roll soon',
  paper_out: 'load a new paper roll',
  cover_open: 'close the printer cover',
  offline:
    'check the printer power and cable and hardware.printer.interface; for /dev/usb/lp0 the kiosk user must be in group "lp"; stop the kiosk first (sudo systemctl stop anjungan) if it holds the printer',
};

export const printerCheck: SelftestCheck = {
  name: 'printer',
  async run(ctx) {
    const cfg = ctx.config.hardware.printer;
    if (cfg.driver === 'sim') return simulated('hardware.printer.driver');
    try {
      const printer =
        cfg.driver === 'cups'
          ? new (await import('../hardware/printer.cups.ts')).CupsPrinter(cfg, ctx.logger)
          : await (await import('../hardware/printer.escpos.ts')).createEscposPrinter(cfg, {
              nativeQr: ctx.config.letters.native_qr,
              logger: ctx.logger,
            });
      const status = await printer.probe(); // no start(): no status poll to stop
      const detail = `${status.replace(/_/g, ' ')} (${printer.describe()})`;
      if (!canPrint(status)) return fail(detail, PRINTER_ADVICE[status]);
      return pass(status === 'paper_near_end' ? `${detail}: ${PRINTER_ADVICE.paper_near_end}` : detail);
    } catch (err) {
      return fail(errorMessage(err), 'fix hardware.printer in the config');
    }
  },
};

const PULLUP_HINT = (pins: number[]) =>
  `buttons need pull-ups: add "gpio=${pins.join(',')}=ip,pu" to /boot/firmware/config.txt and reboot`;

export const buttonsCheck: SelftestCheck = {
  name: 'buttons',
  async run(ctx) {
    const cfg = ctx.config.hardware.buttons;
    if (cfg.driver === 'sim') return simulated('hardware.buttons.driver');
    try {
      const { createGpioButtons } = await import('../hardware/buttons.gpio.ts');
      const buttons = await createGpioButtons(cfg, ctx.logger, {
        sysfsRoot: ctx.paths?.sysfsRoot,
        pollMs: null,
      });
      await buttons.start();
      const detail = buttons.describe();
      await buttons.stop();
      return pass(`${detail}; ${PULLUP_HINT(Object.values(cfg.pins))}`);
    } catch (err) {
      return fail(
        errorMessage(err),
        `${isKioskError(err, 'config_invalid') ? 'fix hardware.buttons.pins' : 'add the kiosk user to group "gpio"'}; ${PULLUP_HINT(Object.values(cfg.pins))}`,
      );
    }
  },
};

export const indicatorCheck: SelftestCheck = {
  name: 'indicator',
  async run(ctx) {
    const cfg = ctx.config.hardware.indicator;
    if (cfg.driver === 'none') return pass('none configured');
    if (cfg.driver === 'sim') return simulated('hardware.indicator.driver');
    try {
      const { createGpioIndicator } = await import('../hardware/indicator.gpio.ts');
      const ind = await createGpioIndicator(cfg, ctx.logger, { sysfsRoot: ctx.paths?.sysfsRoot });
      await ind.start();
      ind.signal('ok'); // a technician hears/sees it
      await new Promise((r) => setTimeout(r, 1100));
      await ind.stop();
      return pass(`${ind.describe()} (signalled "ok")`);
    } catch (err) {
      return fail(
        errorMessage(err),
        'check hardware.indicator pins and that the kiosk user is in group "gpio"',
      );
    }
  },
};

export const displayCheck: SelftestCheck = {
  name: 'display',
  async run(ctx: SelftestContext) {
    const cfg = ctx.config.hardware.display;
    if (cfg.driver === 'sim') return simulated('hardware.display.driver');
    try {
      const { findFramebuffer } = await import('../hardware/display.framebuffer.ts');
      const fb = await findFramebuffer(cfg.device, ctx.paths ?? {});
      const detail = `${fb.id} "${fb.name}" ${fb.width}x${fb.height}`;
      try {
        await access(fb.devicePath, constants.W_OK);
      } catch (err) {
        return fail(
          `${detail}: cannot write ${fb.devicePath} (${errorMessage(err)})`,
          'add the kiosk user to group "video"',
        );
      }
      return pass(detail);
    } catch (err) {
      return fail(
        errorMessage(err),
        'enable the panel (dtoverlay in /boot/firmware/config.txt) and check hardware.display.device',
      );
    }
  },
};

export const DEVICE_CHECKS: SelftestCheck[] = [
  readerCheck,
  printerCheck,
  buttonsCheck,
  indicatorCheck,
  displayCheck,
];
