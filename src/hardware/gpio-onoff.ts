/**
 * Loads onoff (optional, native through epoll) and checks that sysfs GPIO is usable, with a
 * message that says what to do. Shared by buttons.gpio.ts and indicator.gpio.ts.
 */
import type { Gpio } from 'onoff';
import { errorMessage, KioskError } from '../errors.ts';

export type GpioClass = typeof Gpio;
export type OnoffLoader = () => Promise<{ Gpio: GpioClass }>;

/** What a technician must check when GPIO cannot be claimed. */
export const GPIO_REMEDY =
  'run on a Raspberry Pi OS with /sys/class/gpio, as a user in group "gpio" (the anjungan service user is), ' +
  'or set the driver to "sim"';

/** onoff's Gpio class, or KioskError `dependency_missing` saying what is wrong. */
export async function loadGpio(load?: OnoffLoader): Promise<GpioClass> {
  let GpioCtor: GpioClass | undefined;
  try {
    const mod = load
      ? await load()
      : ((await import('onoff')) as { Gpio?: GpioClass; default?: { Gpio: GpioClass } });
    GpioCtor = mod.Gpio ?? (mod as { default?: { Gpio: GpioClass } }).default?.Gpio;
  } catch (err) {
    throw new KioskError(
      'dependency_missing',
      `GPIO support (onoff) is not installed: ${errorMessage(err)}. Run \`npm ci\` on the Pi (needs build-essential), or set the driver to "sim"`,
      { cause: err },
    );
  }
  if (!GpioCtor)
    throw new KioskError('dependency_missing', 'onoff exports no Gpio class: reinstall it with `npm ci`');
  if (!GpioCtor.accessible) {
    throw new KioskError('dependency_missing', `GPIO is not accessible on this machine: ${GPIO_REMEDY}`);
  }
  return GpioCtor;
}
