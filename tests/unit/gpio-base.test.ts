/** GPIO base detection against fake sysfs trees of real boards (labels/bases as the kernels report them). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headerGpioChip, listGpioChips, sysfsGpioNumber } from '../../src/hardware/gpio-base.ts';

type Chip = [label: string, base: number, ngpio: number];
const dirs: string[] = [];

function fakeSysfs(chips: Chip[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  dirs.push(root);
  const gpio = path.join(root, 'class', 'gpio');
  fs.mkdirSync(gpio, { recursive: true });
  fs.writeFileSync(path.join(gpio, 'export'), '');
  for (const [label, base, ngpio] of chips) {
    const d = path.join(gpio, `gpiochip${base}`);
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'label'), `${label}\n`);
    fs.writeFileSync(path.join(d, 'base'), `${base}\n`);
    fs.writeFileSync(path.join(d, 'ngpio'), `${ngpio}\n`);
  }
  return root;
}

/** Pi 4, Bookworm kernel 6.6+: header chip moved to 512; the firmware expander follows. */
const PI4_66: Chip[] = [
  ['pinctrl-bcm2711', 512, 58],
  ['raspberrypi-exp-gpio', 570, 8],
];
/** Pi 3 / Zero 2 W, kernel 6.6+. */
const PI3_66: Chip[] = [
  ['pinctrl-bcm2835', 512, 54],
  ['raspberrypi-exp-gpio', 566, 8],
];
/** Pi 5, kernel 6.6+: the SoC's brcmstb chips come first; the header is on the RP1 at 571. */
const PI5_66: Chip[] = [
  ['gpio-brcmstb@107d508500', 512, 32],
  ['gpio-brcmstb@107d508520', 544, 4],
  ['gpio-brcmstb@107d517c00', 548, 17],
  ['gpio-brcmstb@107d517c20', 565, 6],
  ['pinctrl-rp1', 571, 54],
];
/** Pi 4 on an older kernel (Bullseye 5.15 / 6.1): base 0. */
const PI4_OLD: Chip[] = [
  ['pinctrl-bcm2711', 0, 58],
  ['raspberrypi-exp-gpio', 504, 8],
];

test('Pi 4 on kernel ≥ 6.6: pinctrl-bcm2711 at 512, BCM17 = 529', () => {
  const chip = headerGpioChip(fakeSysfs(PI4_66));
  assert.is(chip.label, 'pinctrl-bcm2711');
  assert.is(sysfsGpioNumber(chip, 17), 529);
  assert.is(sysfsGpioNumber(chip, 23), 535);
});

test('Pi 3 / Zero 2 W on kernel ≥ 6.6: pinctrl-bcm2835 at 512', () => {
  assert.is(sysfsGpioNumber(headerGpioChip(fakeSysfs(PI3_66)), 17), 529);
});

test('Pi 5: the RP1 chip (571), not the first chip at 512: BCM17 = 588', () => {
  const root = fakeSysfs(PI5_66);
  assert.is(listGpioChips(root)[0]?.base, 512);
  const chip = headerGpioChip(root);
  assert.is(chip.label, 'pinctrl-rp1');
  assert.is(sysfsGpioNumber(chip, 17), 588);
});

test('old kernel: base 0, BCM17 = 17', () => {
  assert.is(sysfsGpioNumber(headerGpioChip(fakeSysfs(PI4_OLD)), 17), 17);
});

test('no Raspberry Pi chip (a PC, or no sysfs GPIO): dependency_missing naming what was found', () => {
  for (const root of [
    fakeSysfs([['INT34C6:00', 512, 360]]),
    fakeSysfs([]),
    path.join(os.tmpdir(), 'anj-nonexistent'),
  ]) {
    try {
      headerGpioChip(root);
      assert.unreachable('should throw');
    } catch (err) {
      assert.is((err as { code?: string }).code, 'dependency_missing');
      assert.match((err as Error).message, /sim/);
    }
  }
});

test('a BCM pin beyond the chip is a config error', () => {
  const chip = headerGpioChip(fakeSysfs(PI5_66));
  assert.throws(() => sysfsGpioNumber(chip, 54), /BCM pin 54/);
  assert.throws(() => sysfsGpioNumber(chip, -1), /BCM pin -1/);
});

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test.run();
