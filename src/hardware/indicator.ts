/** Signals the indicator can give. `ok`: short beep/green; `error`: long beep/red; `attention`: blink. */
export type IndicatorSignal = 'ok' | 'error' | 'attention';

/** Optional LED / buzzer port. Failures are logged by the adapter, never thrown: a dead buzzer must not stop a letter. */
export interface Indicator {
  start(): Promise<void>;
  stop(): Promise<void>;
  signal(kind: IndicatorSignal): void;
  describe(): string;
}
