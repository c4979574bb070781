import type { PortEvents } from './emitter.ts';

/** A point in the display's logical pixels (after rotation): (0,0) is the top-left corner. */
export interface TouchPoint {
  x: number;
  y: number;
}

/** A finger moving over the panel: where it went down, and how far it has moved since. */
export interface TouchDrag {
  /** Where the finger first touched (logical pixels). */
  start: TouchPoint;
  /** Movement since touch-down (logical pixels, positive = right / down). */
  dx: number;
  dy: number;
  /** True on the last report of the drag (the finger lifted). */
  end: boolean;
}

export interface TouchEvents {
  /** A press and release that stayed within a few mm and under about a second. */
  tap: [TouchPoint];
  /** A press that moved further than a tap may: reported while it moves and once when it ends. */
  drag: [TouchDrag];
  /** The panel appeared (true) or vanished (false). Buttons keep working either way. */
  presence: [boolean];
}

/**
 * Touch panel port. Adapters: `touch.sim.ts` (the simulator's `touch X Y` command and the web
 * page), `touch.evdev.ts` (a Linux input event device, read without a native module).
 * Only the first finger counts: a second one (a palm, a child's hand) is ignored.
 */
export interface Touch extends PortEvents<TouchEvents> {
  /**
   * Opens the device. Never rejects for an absent device: it reports `presence` false and
   * keeps looking, because a kiosk with a dead touch panel still serves with its buttons.
   */
  start(): Promise<void>;
  /** Closes the device; nothing is emitted afterwards. */
  stop(): Promise<void>;
  /** True while the panel is open. */
  readonly present: boolean;
  describe(): string;
}
