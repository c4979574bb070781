import type { ScreenModel } from '../display/screen-model.ts';

/**
 * Display port. It receives a device-independent screen model (what to say), and the adapter
 * decides how to draw it: `display.sim.ts` prints text (and a PNG) , `display.framebuffer.ts`
 * renders pixels. Adapters skip identical frames.
 */
export interface Display {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Shows a screen. Rejects only on a device fault (the runner logs it and carries on). */
  show(screen: ScreenModel): Promise<void>;
  describe(): string;
}
