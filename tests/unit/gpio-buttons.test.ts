/**
 * GPIO buttons and indicator: the real onoff on this machine (no GPIO: must refuse clearly), and
 * the adapter over a simulated sysfs GPIO line (keeps its level, fires edges like onoff's watch).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BinaryValue } from 'onoff';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { FakeClock } from '../../src/flows/clock.ts';
import { createGpioButtons } from '../../src/hardware/buttons.gpio.ts';
import type { GpioClass } from '../../src/hardware/gpio-onoff.ts';
import { createGpioIndicator } from '../../src/hardware/indicator.gpio.ts';
import { silentLogger } from '../../src/log.ts';

/** A sysfs GPIO line as onoff presents it; `set()` is the physical contact (active-low wiring). */
class SimLine {
  static lines = new Map<number, SimLine>();
  static accessible = true;
  physical: BinaryValue = 1; // pulled up: released
  written: BinaryValue[] = [];
  exported = true;
  private watchers: ((err: Error | null, v: BinaryValue) => void)[] = [];
  private activeLow: boolean;
  constructor(
    readonly number: number,
    readonly direction: string,
    _edge?: string,
    opts?: { activeLow?: boolean },
  ) {
    this.activeLow = opts?.activeLow ?? false;
    if (SimLine.lines.get(number)?.exported) throw new Error(`EBUSY: gpio${number} already exported`);
    SimLine.lines.set(number, this);
  }
  set(level: BinaryValue) {
    this.physical = level;
    for (const w of this.watchers) w(null, this.readSync());
  }
  readSync(): BinaryValue {
    return (this.activeLow ? 1 - this.physical : this.physical) as BinaryValue;
  }
  writeSync(v: BinaryValue) {
    this.written.push(v);
  }
  watch(cb: (err: Error | null, v: BinaryValue) => void) {
    this.watchers.push(cb);
  }
  unwatchAll() {
    this.watchers = [];
  }
  unexport() {
    this.exported = false;
  }
}
const load = async () => ({ Gpio: SimLine as unknown as GpioClass });

function pi4Sysfs(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const d = path.join(root, 'class', 'gpio', 'gpiochip512');
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'label'), 'pinctrl-bcm2711\n');
  fs.writeFileSync(path.join(d, 'base'), '512\n');
  fs.writeFileSync(path.join(d, 'ngpio'), '58\n');
  return root;
}

test('real onoff on a machine without GPIO: dependency_missing with a remedy', async () => {
  const cfg = defaultConfig().hardware.buttons;
  const err = await createGpioButtons({ ...cfg, driver: 'gpio' }, silentLogger()).catch(
    (e: unknown) => e as Error,
  );
  assert.is((err as { code?: string }).code, 'dependency_missing');
  assert.match((err as Error).message, /group "gpio"|not installed/);
});

test('buttons: BCM pins on the base from sysfs, active-low, debounced, long press of back', async () => {
  SimLine.lines.clear();
  const root = pi4Sysfs();
  const clock = new FakeClock();
  const cfg = { ...defaultConfig().hardware.buttons, driver: 'gpio' as const };
  const buttons = await createGpioButtons(cfg, silentLogger(), {
    sysfsRoot: root,
    load,
    clock,
    pollMs: null,
  });
  const seen: string[] = [];
  buttons.on('press', (b) => seen.push(b));
  buttons.on('long_press', (b) => seen.push(`long:${b}`));
  await buttons.start();
  try {
    assert.equal([...SimLine.lines.keys()].sort(), [529, 534, 535, 539]); // BCM 17 22 23 27 + 512
    const ok = SimLine.lines.get(512 + cfg.pins.ok)!;
    ok.set(0); // pressed: pulled to ground
    ok.set(1);
    ok.set(0); // bounce
    clock.advance(cfg.debounce_ms);
    ok.set(1);
    clock.advance(cfg.debounce_ms);
    assert.equal(seen, ['ok']);
    const back = SimLine.lines.get(512 + cfg.pins.back)!;
    back.set(0);
    clock.advance(cfg.long_press_ms + 10);
    back.set(1);
    clock.advance(100);
    back.set(0);
    clock.advance(100);
    back.set(1);
    clock.advance(100);
    assert.equal(seen, ['ok', 'long:back', 'back']);
    assert.match(buttons.describe(), /pinctrl-bcm2711/);
  } finally {
    await buttons.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.ok(
    [...SimLine.lines.values()].every((l) => !l.exported),
    'stop() unexports every line',
  );
});

test('buttons: the same BCM pin twice is a config error', async () => {
  const cfg = {
    ...defaultConfig().hardware.buttons,
    driver: 'gpio' as const,
    pins: { up: 5, down: 5, ok: 6, back: 13 },
  };
  const err = await createGpioButtons(cfg, silentLogger(), { load }).catch((e: unknown) => e as Error);
  assert.is((err as { code?: string }).code, 'config_invalid');
});

test('buttons: a line already in use is refused with a remedy and nothing stays claimed', async () => {
  SimLine.lines.clear();
  const root = pi4Sysfs();
  const cfg = { ...defaultConfig().hardware.buttons, driver: 'gpio' as const };
  const busy = new SimLine(512 + cfg.pins.ok, 'in');
  const buttons = await createGpioButtons(cfg, silentLogger(), { sysfsRoot: root, load, pollMs: null });
  const err = await buttons.start().catch((e: unknown) => e as Error);
  assert.is((err as { code?: string }).code, 'dependency_missing');
  assert.match((err as Error).message, /EBUSY/);
  assert.ok([...SimLine.lines.values()].filter((l) => l !== busy).every((l) => !l.exported));
  fs.rmSync(root, { recursive: true, force: true });
});

test('indicator: ok lights the LED and beeps briefly, then both go off', async () => {
  SimLine.lines.clear();
  const root = pi4Sysfs();
  const clock = new FakeClock();
  const ind = await createGpioIndicator({ driver: 'gpio', led_pin: 24, buzzer_pin: 25 }, silentLogger(), {
    sysfsRoot: root,
    load,
    clock,
  });
  await ind.start();
  ind.signal('ok');
  const led = SimLine.lines.get(536)!;
  const buzzer = SimLine.lines.get(537)!;
  assert.equal([led.written.at(-1), buzzer.written.at(-1)], [1, 1]);
  clock.advance(100);
  assert.equal([led.written.at(-1), buzzer.written.at(-1)], [1, 0]);
  clock.advance(1000);
  assert.equal(led.written.at(-1), 0);
  await ind.stop();
  assert.is(clock.pending(), 0);
  fs.rmSync(root, { recursive: true, force: true });
});

test.run();
