/** Simulated LED/buzzer: remembers every signal, so tests and the simulator can see them. */
import { type Logger, silentLogger } from '../log.ts';
import type { Indicator, IndicatorSignal } from './indicator.ts';

export class SimIndicator implements Indicator {
  readonly signals: IndicatorSignal[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger = silentLogger()) {
    this.#logger = logger;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  signal(kind: IndicatorSignal): void {
    this.signals.push(kind);
    this.#logger.debug({ signal: kind }, 'indicator');
  }

  describe(): string {
    return 'simulated indicator';
  }
}
