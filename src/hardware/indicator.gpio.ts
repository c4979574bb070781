/**
 * Optional LED and/or buzzer on GPIO outputs (active-high). Signals: `ok` LED 1 s + short beep,
 * `error` long beep + LED blinking, `attention` three blinks. Never throws after start: a dead
 * buzzer must not stop a letter (failures are logged).
 */
import type { Gpio } from 'onoff';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import { type Clock, systemClock } from '../flows/clock.ts';
import type { Logger } from '../log.ts';
import { headerGpioChip, sysfsGpioNumber } from './gpio-base.ts';
import { GPIO_REMEDY, type GpioClass, loadGpio, type OnoffLoader } from './gpio-onoff.ts';
import type { Indicator, IndicatorSignal } from './indicator.ts';

type IndicatorConfig = Config['hardware']['indicator'];

/** On/off steps (ms) per signal: [on, off, on, …]. */
const PATTERNS: Record<IndicatorSignal, { led: number[]; buzzer: number[] }> = {
  ok: { led: [1000], buzzer: [80] },
  error: { led: [150, 150, 150, 150, 150], buzzer: [700] },
  attention: { led: [200, 200, 200, 200, 200], buzzer: [] },
};

export interface GpioIndicatorOptions {
  sysfsRoot?: string;
  load?: OnoffLoader;
  clock?: Clock;
}

export async function createGpioIndicator(
  cfg: IndicatorConfig,
  logger: Logger,
  opts: GpioIndicatorOptions = {},
): Promise<Indicator> {
  if (cfg.led_pin === null && cfg.buzzer_pin === null) {
    throw new KioskError(
      'config_invalid',
      'hardware.indicator.driver is "gpio" but neither led_pin nor buzzer_pin is set',
    );
  }
  const GpioCtor = await loadGpio(opts.load);
  return new GpioIndicator(cfg, logger, GpioCtor, opts);
}

class GpioIndicator implements Indicator {
  private outputs: { led: Gpio | null; buzzer: Gpio | null } = { led: null, buzzer: null };
  private timers = new Set<unknown>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(
    private readonly cfg: IndicatorConfig,
    logger: Logger,
    private readonly GpioCtor: GpioClass,
    private readonly opts: GpioIndicatorOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = logger.child({ port: 'indicator', driver: 'gpio' });
  }

  describe(): string {
    return `GPIO indicator led=${this.cfg.led_pin ?? '-'} buzzer=${this.cfg.buzzer_pin ?? '-'}`;
  }

  async start(): Promise<void> {
    const chip = headerGpioChip(this.opts.sysfsRoot);
    try {
      for (const kind of ['led', 'buzzer'] as const) {
        const pin = kind === 'led' ? this.cfg.led_pin : this.cfg.buzzer_pin;
        if (pin !== null) this.outputs[kind] = new this.GpioCtor(sysfsGpioNumber(chip, pin), 'low');
      }
    } catch (err) {
      await this.stop();
      if (err instanceof KioskError) throw err;
      throw new KioskError(
        'dependency_missing',
        `cannot claim the indicator GPIOs: ${errorMessage(err)}; ${GPIO_REMEDY}`,
        { cause: err },
      );
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    for (const gpio of [this.outputs.led, this.outputs.buzzer]) {
      if (!gpio) continue;
      try {
        gpio.writeSync(0);
        gpio.unexport();
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'releasing indicator GPIO');
      }
    }
    this.outputs = { led: null, buzzer: null };
  }

  signal(kind: IndicatorSignal): void {
    this.play(this.outputs.led, PATTERNS[kind].led);
    this.play(this.outputs.buzzer, PATTERNS[kind].buzzer);
  }

  private play(gpio: Gpio | null, steps: number[]): void {
    if (!gpio || steps.length === 0) return;
    let at = 0;
    this.write(gpio, 1);
    steps.forEach((ms, i) => {
      at += ms;
      const t = this.clock.setTimeout(() => {
        this.timers.delete(t);
        this.write(gpio, i % 2 === 0 ? 0 : 1);
      }, at);
      this.timers.add(t);
    });
  }

  private write(gpio: Gpio, value: 0 | 1): void {
    try {
      gpio.writeSync(value);
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'indicator GPIO write failed');
    }
  }
}
