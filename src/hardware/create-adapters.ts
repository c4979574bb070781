/**
 * Chooses an adapter per port from `hardware.*.driver`. Real adapters are imported lazily so a
 * machine without PC/SC, GPIO or a framebuffer still runs the simulator, and a kiosk missing a
 * library it is configured for fails at start with a message that says what to install.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { SimButtons } from './buttons.sim.ts';
import type { Buttons } from './buttons.ts';
import { SimCardReader } from './card-reader.sim.ts';
import type { CardReader } from './card-reader.ts';
import type { FramebufferPaths } from './display.framebuffer.ts';
import { SimDisplay } from './display.sim.ts';
import type { Display } from './display.ts';
import { SimIndicator } from './indicator.sim.ts';
import type { Indicator } from './indicator.ts';
import { SimPrinter } from './printer.sim.ts';
import type { Printer } from './printer.ts';
import type { SimTouch } from './touch.sim.ts';
import type { Touch } from './touch.ts';
import { createTouch } from './touch-adapter.ts';

export interface Adapters {
  reader: CardReader;
  buttons: Buttons;
  printer: Printer;
  /** The optional slip printer beside an A4 letter printer (`hardware.receipt_printer`). */
  receiptPrinter: Printer | null;
  display: Display;
  indicator: Indicator | null;
  /** The touch panel; null when `hardware.touch.driver` is "none" (buttons only). */
  touch: Touch | null;
  /** The simulated ones, for the stdin commands and tests; absent where the port is real. */
  sim: {
    reader?: SimCardReader;
    buttons?: SimButtons;
    printer?: SimPrinter;
    receiptPrinter?: SimPrinter;
    indicator?: SimIndicator;
    touch?: SimTouch;
  };
}

export interface AdapterOptions {
  logger: Logger;
  /** Where the sim display prints its text frames (the daemon's stdout). */
  screenOut: { write(text: string): unknown };
  /** Where the framebuffer driver looks for /sys and /dev (benchmarks point it at files). */
  framebufferPaths?: FramebufferPaths | undefined;
}

export async function createAdapters(config: Config, opts: AdapterOptions): Promise<Adapters> {
  const hw = config.hardware;
  const { logger } = opts;
  const simDir = join(config.data_dir, 'sim');
  const sim: Adapters['sim'] = {};

  let reader: CardReader;
  if (hw.reader.driver === 'pcsc') {
    reader = await (await import('./card-reader.pcsc.ts')).createPcscCardReader(hw.reader, logger);
  } else if (hw.reader.driver === 'hid') {
    reader = await (await import('./card-reader.hid.ts')).createHidCardReader(hw.reader, logger);
  } else {
    sim.reader = new SimCardReader(logger.child({ port: 'reader' }));
    reader = sim.reader;
  }

  let buttons: Buttons;
  if (hw.buttons.driver === 'gpio') {
    buttons = await (await import('./buttons.gpio.ts')).createGpioButtons(hw.buttons, logger);
  } else {
    sim.buttons = new SimButtons();
    buttons = sim.buttons;
  }

  let printer: Printer;
  if (hw.printer.driver === 'cups') {
    const { CupsPrinter } = await import('./printer.cups.ts');
    printer = new CupsPrinter(hw.printer, logger.child({ port: 'printer' }));
  } else if (hw.printer.driver === 'escpos') {
    printer = await (await import('./printer.escpos.ts')).createEscposPrinter(hw.printer, {
      nativeQr: config.letters.native_qr,
      logger,
    });
  } else {
    sim.printer = new SimPrinter({
      dir: join(simDir, 'prints'),
      paperMm: hw.printer.paper_mm,
      nativeQr: config.letters.native_qr,
      logger: logger.child({ port: 'printer' }),
    });
    printer = sim.printer;
  }

  let receiptPrinter: Printer | null = null;
  const receipt = hw.receipt_printer;
  if (receipt.driver === 'escpos') {
    receiptPrinter = await (await import('./printer.escpos.ts')).createEscposPrinter(
      { ...hw.printer, ...receipt, driver: 'escpos' },
      { nativeQr: config.letters.native_qr, logger: logger.child({ port: 'receipt_printer' }) },
    );
  } else if (receipt.driver === 'sim') {
    sim.receiptPrinter = new SimPrinter({
      dir: join(simDir, 'receipts'),
      paperMm: receipt.paper_mm,
      nativeQr: config.letters.native_qr,
      logger: logger.child({ port: 'receipt_printer' }),
    });
    receiptPrinter = sim.receiptPrinter;
  }

  let display: Display;
  if (hw.display.driver === 'framebuffer') {
    display = await (await import('./display.framebuffer.ts')).createFramebufferDisplay(
      hw.display,
      logger,
      opts.framebufferPaths,
    );
  } else {
    display = new SimDisplay({
      out: opts.screenOut,
      pngPath: join(simDir, 'screen.png'),
      width: hw.display.width,
      height: hw.display.height,
      orientation: hw.display.orientation,
      logger: logger.child({ port: 'display' }),
    });
  }

  let indicator: Indicator | null = null;
  if (hw.indicator.driver === 'gpio') {
    indicator = await (await import('./indicator.gpio.ts')).createGpioIndicator(hw.indicator, logger);
  } else if (hw.indicator.driver === 'sim') {
    sim.indicator = new SimIndicator();
    indicator = sim.indicator;
  }

  const touch = await createTouch(config, logger);
  if (touch?.sim) sim.touch = touch.sim;

  return { reader, buttons, printer, receiptPrinter, display, indicator, touch: touch?.port ?? null, sim };
}
