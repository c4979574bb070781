/**
 * From Linux input events to taps and drags, purely (unit-tested with recorded sequences):
 *
 *   InputEvent ─▶ ContactTracker ─(one frame per SYN_REPORT)─▶ AxisMap ─▶ GestureRecognizer ─▶ tap / drag
 *
 * ContactTracker speaks both protocols a panel may use (kernel docs, multi-touch-protocol.rst):
 * multi-touch type B (ABS_MT_SLOT, ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y), and single touch
 * (ABS_X/ABS_Y + BTN_TOUCH). Most type B drivers also send the single-touch emulation; once any
 * ABS_MT_* event is seen, the emulation is ignored so that nothing counts twice. Only the finger
 * that touched first is followed; a second finger is ignored until every finger has lifted.
 */
import type { InputEvent } from './input-device.ts';
import type { TouchDrag, TouchPoint } from './touch.ts';

const EV_SYN = 0;
const EV_KEY = 1;
const EV_ABS = 3;
const SYN_REPORT = 0;
const SYN_DROPPED = 3;
const BTN_TOUCH = 0x14a;
const ABS_X = 0x00;
const ABS_Y = 0x01;
const ABS_MT_SLOT = 0x2f;
const ABS_MT_POSITION_X = 0x35;
const ABS_MT_POSITION_Y = 0x36;
const ABS_MT_TRACKING_ID = 0x39;

/** The followed finger at one SYN_REPORT, in raw panel units. */
export interface ContactFrame {
  t: number;
  down: boolean;
  x: number;
  y: number;
  /** The kernel dropped events (SYN_DROPPED): the finger's story is lost, make nothing of it. */
  cancelled?: true;
}

interface Slot {
  id: number;
  x: number;
  y: number;
}

export class ContactTracker {
  #slots = new Map<number, Slot>();
  #slot = 0;
  /** The slot of the followed finger, or null. */
  #primary: number | null = null;
  /** A finger lifted while others stayed: no new primary until every finger is up. */
  #blocked = false;
  #multi = false;
  #single = { down: false, x: 0, y: 0 };
  #dropping = false;
  #last: ContactFrame | null = null;

  /** Feeds events; returns a frame per SYN_REPORT where the followed finger changed. */
  push(events: InputEvent[]): ContactFrame[] {
    const out: ContactFrame[] = [];
    for (const e of events) {
      if (e.type === EV_SYN) {
        if (e.code === SYN_DROPPED) {
          // The kernel's buffer overflowed: state is unknown until the next report.
          this.#dropping = true;
        } else if (e.code === SYN_REPORT) {
          if (this.#dropping) {
            this.#dropping = false;
            this.#reset();
            if (this.#last?.down) {
              this.#last = { ...this.#last, t: e.t, down: false, cancelled: true };
              out.push(this.#last);
            }
            continue;
          }
          const frame = this.#frame(e.t);
          if (frame) out.push(frame);
        }
      } else if (!this.#dropping) this.#apply(e);
    }
    return out;
  }

  #apply(e: InputEvent): void {
    if (e.type === EV_ABS) {
      switch (e.code) {
        case ABS_MT_SLOT:
          this.#multi = true;
          this.#slot = e.value;
          return;
        case ABS_MT_TRACKING_ID:
          this.#multi = true;
          if (e.value < 0) this.#slots.delete(this.#slot);
          else this.#slots.set(this.#slot, { id: e.value, x: 0, y: 0, ...this.#carry() });
          return;
        case ABS_MT_POSITION_X:
        case ABS_MT_POSITION_Y: {
          this.#multi = true;
          const s = this.#slots.get(this.#slot);
          if (s) s[e.code === ABS_MT_POSITION_X ? 'x' : 'y'] = e.value;
          return;
        }
        case ABS_X:
          this.#single.x = e.value;
          return;
        case ABS_Y:
          this.#single.y = e.value;
          return;
      }
    } else if (e.type === EV_KEY && e.code === BTN_TOUCH) {
      this.#single.down = e.value !== 0;
    }
  }

  /** A slot reused by a new finger keeps the old position until the driver sends a new one. */
  #carry(): Partial<Slot> {
    const old = this.#slots.get(this.#slot);
    return old ? { x: old.x, y: old.y } : {};
  }

  #reset(): void {
    this.#slots.clear();
    this.#primary = null;
    this.#blocked = false;
    this.#single.down = false;
  }

  #frame(t: number): ContactFrame | null {
    let next: ContactFrame;
    if (this.#multi) {
      if (this.#primary !== null && !this.#slots.has(this.#primary)) {
        this.#primary = null;
        this.#blocked = this.#slots.size > 0;
      }
      if (this.#slots.size === 0) this.#blocked = false;
      if (this.#primary === null && !this.#blocked && this.#slots.size > 0) {
        this.#primary = Math.min(...this.#slots.keys());
      }
      const p = this.#primary === null ? undefined : this.#slots.get(this.#primary);
      next = p
        ? { t, down: true, x: p.x, y: p.y }
        : { t, down: false, x: this.#last?.x ?? 0, y: this.#last?.y ?? 0 };
    } else {
      next = { t, ...this.#single };
    }
    const last = this.#last;
    if (last && last.down === next.down && (!next.down || (last.x === next.x && last.y === next.y)))
      return null;
    if (!last && !next.down) return null;
    this.#last = next;
    return next;
  }
}

/** Raw panel axes → the display's logical pixels: range, swap, mirror (hardware.touch.*). */
export interface AxisMap {
  min_x: number;
  max_x: number;
  min_y: number;
  max_y: number;
  swap_xy: boolean;
  invert_x: boolean;
  invert_y: boolean;
  /** The display's logical size (after rotation). */
  width: number;
  height: number;
}

export function mapPoint(raw: { x: number; y: number }, m: AxisMap): TouchPoint {
  const unit = (v: number, lo: number, hi: number) =>
    hi === lo ? 0 : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  let nx = unit(raw.x, m.min_x, m.max_x);
  let ny = unit(raw.y, m.min_y, m.max_y);
  if (m.swap_xy) [nx, ny] = [ny, nx];
  if (m.invert_x) nx = 1 - nx;
  if (m.invert_y) ny = 1 - ny;
  return {
    x: Math.min(m.width - 1, Math.round(nx * (m.width - 1))),
    y: Math.min(m.height - 1, Math.round(ny * (m.height - 1))),
  };
}

export interface GestureLimits {
  /** How far (logical px) a finger may wander and still tap: a few mm on the panel. */
  slopPx: number;
  /** The longest press that is still a tap. */
  tapMs: number;
}

export type Gesture = { kind: 'tap'; point: TouchPoint } | { kind: 'drag'; drag: TouchDrag };

/** Logical contact frames → taps and drags. */
export class GestureRecognizer {
  #start: { point: TouchPoint; t: number } | null = null;
  #dragging = false;
  #lastDrag: TouchDrag | null = null;

  constructor(private readonly limits: GestureLimits) {}

  push(frame: { t: number; down: boolean; point: TouchPoint; cancelled?: true }): Gesture[] {
    const start = this.#start;
    if (frame.cancelled) {
      this.#start = null;
      this.#dragging = false;
      return [];
    }
    if (frame.down) {
      if (!start) {
        this.#start = { point: frame.point, t: frame.t };
        this.#dragging = false;
        return [];
      }
      const dx = frame.point.x - start.point.x;
      const dy = frame.point.y - start.point.y;
      if (!this.#dragging && Math.hypot(dx, dy) <= this.limits.slopPx) return [];
      this.#dragging = true;
      this.#lastDrag = { start: start.point, dx, dy, end: false };
      return [{ kind: 'drag', drag: this.#lastDrag }];
    }
    if (!start) return [];
    this.#start = null;
    if (this.#dragging) {
      const last = this.#lastDrag ?? { start: start.point, dx: 0, dy: 0, end: false };
      this.#dragging = false;
      return [{ kind: 'drag', drag: { ...last, end: true } }];
    }
    return frame.t - start.t <= this.limits.tapMs ? [{ kind: 'tap', point: start.point }] : [];
  }
}
