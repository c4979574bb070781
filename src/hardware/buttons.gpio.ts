/**
 * Four push buttons on GPIO through onoff (sysfs). Pins are BCM numbers in config; the sysfs
 * number comes from the header chip's base (gpio-base.ts). Buttons are active-low: wired to
 * ground, with the SoC pull-up enabled at boot, because onoff cannot set pulls:
 *
 *   /boot/firmware/config.txt:   gpio=17,27,22,23=ip,pu
 *
 * Edges go through our own debounce (debounce.ts); `back` also has a long press (technician
 * menu). Pi 5: edge interrupts were reported not firing (onoff #197), so on the RP1 chip the
 * levels are also polled.
 */
import { EventEmitter } from 'node:events';
import type { BinaryValue, Gpio } from 'onoff';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import { type Clock, systemClock } from '../flows/clock.ts';
import type { Logger } from '../log.ts';
import { BUTTON_NAMES, type ButtonEvents, type ButtonName, type Buttons } from './buttons.ts';
import { ButtonDebouncer } from './debounce.ts';
import { type GpioChip, headerGpioChip, sysfsGpioNumber } from './gpio-base.ts';
import { GPIO_REMEDY, type GpioClass, loadGpio, type OnoffLoader } from './gpio-onoff.ts';

type ButtonsConfig = Config['hardware']['buttons'];

export interface GpioButtonsOptions {
  /** sysfs root for the chip lookup (tests: a fake tree). */
  sysfsRoot?: string;
  load?: OnoffLoader;
  clock?: Clock;
  /** Poll levels every N ms as well as watching edges; default 25 on a Pi 5 (RP1), else off. */
  pollMs?: number | null;
}

/** Creates the GPIO buttons; rejects with `dependency_missing` when GPIO is not accessible. */
export async function createGpioButtons(
  cfg: ButtonsConfig,
  logger: Logger,
  opts: GpioButtonsOptions = {},
): Promise<Buttons> {
  const pins = BUTTON_NAMES.map((b) => cfg.pins[b]);
  if (new Set(pins).size !== pins.length) {
    throw new KioskError(
      'config_invalid',
      `hardware.buttons.pins must be four different BCM pins (got ${pins.join(', ')})`,
    );
  }
  const GpioCtor = await loadGpio(opts.load);
  return new GpioButtons(cfg, logger, GpioCtor, opts);
}

interface Line {
  name: ButtonName;
  gpio: Gpio;
  debouncer: ButtonDebouncer;
  last: boolean | null;
}

class GpioButtons extends EventEmitter<ButtonEvents> implements Buttons {
  private lines: Line[] = [];
  private chip: GpioChip | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(
    private readonly cfg: ButtonsConfig,
    logger: Logger,
    private readonly GpioCtor: GpioClass,
    private readonly opts: GpioButtonsOptions,
  ) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.log = logger.child({ port: 'buttons', driver: 'gpio' });
  }

  describe(): string {
    const pins = BUTTON_NAMES.map((b) => `${b}=BCM${this.cfg.pins[b]}`).join(' ');
    return `GPIO buttons ${pins}${this.chip ? ` on ${this.chip.label} (base ${this.chip.base})` : ''}`;
  }

  async start(): Promise<void> {
    const chip = headerGpioChip(this.opts.sysfsRoot);
    this.chip = chip;
    try {
      for (const name of BUTTON_NAMES) {
        const number = sysfsGpioNumber(chip, this.cfg.pins[name]);
        // activeLow makes onoff invert: 1 = pressed whatever the wiring.
        const gpio = new this.GpioCtor(number, 'in', 'both', { activeLow: this.cfg.active_low });
        const line: Line = {
          name,
          gpio,
          last: null,
          debouncer: new ButtonDebouncer({
            clock: this.clock,
            debounceMs: this.cfg.debounce_ms,
            longPressMs: name === 'back' ? this.cfg.long_press_ms : null,
            onPress: () => this.emit('press', name),
            onLongPress: () => this.emit('long_press', name),
          }),
        };
        this.lines.push(line);
        gpio.watch((err, value) =>
          err
            ? this.log.warn({ button: name, err: errorMessage(err) }, 'GPIO watch error')
            : this.level(line, value),
        );
      }
    } catch (err) {
      await this.stop();
      if (err instanceof KioskError) throw err;
      throw new KioskError(
        'dependency_missing',
        `cannot claim the button GPIOs: ${errorMessage(err)}; ${GPIO_REMEDY}`,
        { cause: err },
      );
    }
    const pollMs =
      this.opts.pollMs === undefined ? (chip.label === 'pinctrl-rp1' ? 25 : null) : this.opts.pollMs;
    if (pollMs) this.poll(pollMs);
    this.log.info({ chip: chip.label, base: chip.base }, 'GPIO buttons ready');
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    for (const line of this.lines) {
      line.debouncer.dispose();
      try {
        line.gpio.unwatchAll();
        line.gpio.unexport();
      } catch (err) {
        this.log.debug({ button: line.name, err: errorMessage(err) }, 'releasing GPIO');
      }
    }
    this.lines = [];
  }

  private level(line: Line, value: BinaryValue): void {
    const pressed = value === 1;
    if (pressed === line.last) return;
    line.last = pressed;
    line.debouncer.edge(pressed);
  }

  private poll(ms: number): void {
    for (const line of this.lines) {
      try {
        this.level(line, line.gpio.readSync());
      } catch (err) {
        this.log.debug({ button: line.name, err: errorMessage(err) }, 'GPIO poll');
      }
    }
    this.pollTimer = setTimeout(() => this.poll(ms), ms);
  }
}
