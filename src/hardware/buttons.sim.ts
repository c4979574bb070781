/**
 * Simulated push buttons: the daemon's `press`/`hold` stdin commands and tests press them.
 * Like the GPIO adapter, nothing is emitted before start() or after stop().
 */
import { EventEmitter } from 'node:events';
import { KioskError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { BUTTON_NAMES, type ButtonEvents, type ButtonName, type Buttons } from './buttons.ts';

export class SimButtons extends EventEmitter<ButtonEvents> implements Buttons {
  readonly #logger: Logger;
  #started = false;

  constructor(logger: Logger = silentLogger()) {
    super();
    this.#logger = logger;
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  /** Whether start() ran (and stop() did not): before that, presses go nowhere. */
  get started(): boolean {
    return this.#started;
  }

  describe(): string {
    return 'simulated buttons';
  }

  /** A short press. Throws `usage` for a name that is not a button. */
  press(button: ButtonName): void {
    if (this.#accept(button)) this.emit('press', button);
  }

  /** A press held past the long-press threshold. */
  longPress(button: ButtonName): void {
    if (this.#accept(button)) this.emit('long_press', button);
  }

  #accept(button: ButtonName): boolean {
    if (!BUTTON_NAMES.includes(button)) {
      throw new KioskError(
        'usage',
        `unknown button '${String(button)}': use one of ${BUTTON_NAMES.join(', ')}`,
      );
    }
    if (!this.#started) {
      this.#logger.warn({ button }, 'button ignored: simulated buttons are not started');
      return false;
    }
    return true;
  }
}
