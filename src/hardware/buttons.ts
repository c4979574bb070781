import type { PortEvents } from './emitter.ts';

export type ButtonName = 'up' | 'down' | 'ok' | 'back';
export const BUTTON_NAMES: readonly ButtonName[] = ['up', 'down', 'ok', 'back'];

export interface ButtonEvents {
  /** A debounced short press. */
  press: [ButtonName];
  /** A press held past the long-press threshold (only `back` is used: technician menu). */
  long_press: [ButtonName];
}

/** Push-button port. Adapters: `buttons.sim.ts` (stdin / tests), `buttons.gpio.ts` (onoff). */
export interface Buttons extends PortEvents<ButtonEvents> {
  /** Claims the inputs. Rejects with `dependency_missing` when GPIO is not accessible. */
  start(): Promise<void>;
  /** Releases the inputs (unexports GPIO lines). */
  stop(): Promise<void>;
  describe(): string;
}
