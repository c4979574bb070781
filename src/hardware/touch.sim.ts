/**
 * Simulated touch panel: the simulator's `touch X Y` command and the web page's clicks become
 * taps, and a web drag becomes a drag, through the same port a real panel uses.
 */
import { EventEmitter } from 'node:events';
import { KioskError } from '../errors.ts';
import type { Touch, TouchDrag, TouchEvents, TouchPoint } from './touch.ts';

export class SimTouch extends EventEmitter<TouchEvents> implements Touch {
  #started = false;

  constructor(
    /** The display's logical size: a tap outside it is refused like a finger off the glass. */
    private readonly width: number,
    private readonly height: number,
  ) {
    super();
  }

  get present(): boolean {
    return this.#started;
  }

  async start(): Promise<void> {
    this.#started = true;
    this.emit('presence', true);
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  describe(): string {
    return `simulated touch panel ${this.width}x${this.height}`;
  }

  /** A tap at logical pixels. Throws `usage` for a point off the screen. */
  tap(point: TouchPoint): void {
    this.#check(point);
    if (this.#started) this.emit('tap', { x: Math.round(point.x), y: Math.round(point.y) });
  }

  /** A whole drag from `start` by (dx, dy), reported as one move and its end. */
  drag(start: TouchPoint, dx: number, dy: number): void {
    this.#check(start);
    if (!this.#started) return;
    const d: TouchDrag = { start, dx, dy, end: false };
    this.emit('drag', d);
    this.emit('drag', { ...d, end: true });
  }

  #check(p: TouchPoint): void {
    const ok =
      Number.isFinite(p.x) &&
      Number.isFinite(p.y) &&
      p.x >= 0 &&
      p.y >= 0 &&
      p.x < this.width &&
      p.y < this.height;
    if (!ok) {
      throw new KioskError(
        'usage',
        `touch point (${p.x}, ${p.y}) is off the ${this.width}x${this.height} screen`,
      );
    }
  }
}
