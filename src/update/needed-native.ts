import type { Config } from '../config/config.ts';

/** Native modules this kiosk's configuration loads: a bundle without one would not run here. */
export function neededNativeModules(config: Config): string[] {
  const needed = ['sharp'];
  if (config.hardware.reader.driver === 'pcsc') needed.push('@pokusew/pcsclite');
  if (config.hardware.buttons.driver === 'gpio' || config.hardware.indicator.driver === 'gpio')
    needed.push('epoll');
  return needed;
}
