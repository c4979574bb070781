/**
 * Finds the sysfs GPIO number of a BCM pin. Since Raspberry Pi OS Bookworm kernels 6.6 the
 * sysfs numbers are shifted (the kernel no longer starts GPIO bases at 0): BCM17 is 529 on
 * Pi 0–4 (chip `pinctrl-bcm2835` / `pinctrl-bcm2711` at base 512) and 588 on a Pi 5 (header pins
 * on the RP1 chip `pinctrl-rp1`, base 571; the SoC's own `gpio-brcmstb@…` chips sit at 512 and
 * must not be taken). Older kernels used base 0. So: read `/sys/class/gpio/gpiochip*\/{label,base,ngpio}`
 * and pick the header's controller by label, never a hard-coded number.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors.ts';

export interface GpioChip {
  /** Directory name, e.g. gpiochip571. */
  name: string;
  label: string;
  base: number;
  /** Number of lines, when the kernel says. */
  ngpio: number | null;
}

/** Labels of the controllers that drive the 40-pin header, most specific first. */
const HEADER_CHIPS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

/** Every GPIO chip sysfs lists under `<sysfsRoot>/class/gpio`. */
export function listGpioChips(sysfsRoot = '/sys'): GpioChip[] {
  const dir = path.join(sysfsRoot, 'class', 'gpio');
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const read = (chip: string, file: string) => {
    try {
      return fs.readFileSync(path.join(dir, chip, file), 'utf8').trim();
    } catch {
      return null;
    }
  };
  const chips: GpioChip[] = [];
  for (const name of names) {
    const base = Number(read(name, 'base'));
    const ngpio = Number(read(name, 'ngpio'));
    chips.push({
      name,
      label: read(name, 'label') ?? '',
      base: Number.isInteger(base) ? base : Number(name.slice('gpiochip'.length)),
      ngpio: Number.isInteger(ngpio) && ngpio > 0 ? ngpio : null,
    });
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The chip that drives the header pins. KioskError `dependency_missing` when none is found. */
export function headerGpioChip(sysfsRoot = '/sys'): GpioChip {
  const chips = listGpioChips(sysfsRoot);
  for (const label of HEADER_CHIPS) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  const seen = chips.map((c) => `${c.name}=${c.label || '?'}`).join(', ') || 'none';
  throw new KioskError(
    'dependency_missing',
    `no Raspberry Pi GPIO controller found under ${path.join(sysfsRoot, 'class', 'gpio')} (chips: ${seen}): ` +
      'run on a Raspberry Pi with the sysfs GPIO interface, or set hardware.buttons.driver to "sim"',
  );
}

/** sysfs number of BCM pin `bcm` on `chip` (BCM17 → 529 on a Pi 4 with kernel ≥ 6.6). */
export function sysfsGpioNumber(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || (chip.ngpio !== null && bcm >= chip.ngpio)) {
    throw new KioskError(
      'config_invalid',
      `BCM pin ${bcm} does not exist on ${chip.label} (${chip.ngpio ?? '?'} lines): check hardware.*.pins`,
    );
  }
  return chip.base + bcm;
}
