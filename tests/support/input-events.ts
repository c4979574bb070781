/**
 * `struct input_event` records as the kernel writes them (little-endian, timeval first), for the
 * tests of the adapters that read /dev/input/eventN (keyboard-mode reader, touch panel).
 */

/** One `struct input_event` at `t` microseconds: 24 bytes (64-bit userland) or 16 (32-bit). */
export function ev(size: 16 | 24, t: number, type: number, code: number, value: number): Buffer {
  const b = Buffer.alloc(size);
  const ts = size - 8;
  if (size === 24) {
    b.writeBigInt64LE(BigInt(Math.floor(t / 1e6)), 0);
    b.writeBigInt64LE(BigInt(t % 1e6), 8);
  } else {
    b.writeInt32LE(Math.floor(t / 1e6), 0);
    b.writeInt32LE(t % 1e6, 4);
  }
  b.writeUInt16LE(type, ts);
  b.writeUInt16LE(code, ts + 2);
  b.writeInt32LE(value, ts + 4);
  return b;
}

export const EV = { SYN: 0, KEY: 1, ABS: 3, MSC: 4 } as const;
export const CODE = {
  SYN_REPORT: 0,
  SYN_DROPPED: 3,
  BTN_TOUCH: 0x14a,
  ABS_X: 0,
  ABS_Y: 1,
  ABS_MT_SLOT: 0x2f,
  ABS_MT_POSITION_X: 0x35,
  ABS_MT_POSITION_Y: 0x36,
  ABS_MT_TRACKING_ID: 0x39,
} as const;

/**
 * Builds a recorded touch sequence report by report, the way `evtest` shows a panel's output:
 * each report is a list of [type, code, value] ended by SYN_REPORT, `ms` after the previous one.
 */
export class TouchRecording {
  #parts: Buffer[] = [];
  #t = 1_732_000_000_000_000;
  constructor(private readonly size: 16 | 24 = 24) {}

  report(ms: number, ...events: [number, number, number][]): this {
    this.#t += ms * 1000;
    for (const [type, code, value] of events) this.#parts.push(ev(this.size, this.#t, type, code, value));
    this.#parts.push(ev(this.size, this.#t, EV.SYN, CODE.SYN_REPORT, 0));
    return this;
  }

  /** Multi-touch type B: finger `id` goes down in `slot` at (x, y), with the single-touch emulation. */
  down(ms: number, slot: number, id: number, x: number, y: number): this {
    return this.report(
      ms,
      [EV.ABS, CODE.ABS_MT_SLOT, slot],
      [EV.ABS, CODE.ABS_MT_TRACKING_ID, id],
      [EV.ABS, CODE.ABS_MT_POSITION_X, x],
      [EV.ABS, CODE.ABS_MT_POSITION_Y, y],
      [EV.KEY, CODE.BTN_TOUCH, 1],
      [EV.ABS, CODE.ABS_X, x],
      [EV.ABS, CODE.ABS_Y, y],
    );
  }

  move(ms: number, slot: number, x: number, y: number): this {
    return this.report(
      ms,
      [EV.ABS, CODE.ABS_MT_SLOT, slot],
      [EV.ABS, CODE.ABS_MT_POSITION_X, x],
      [EV.ABS, CODE.ABS_MT_POSITION_Y, y],
      [EV.ABS, CODE.ABS_X, x],
      [EV.ABS, CODE.ABS_Y, y],
    );
  }

  up(ms: number, slot: number, last = true): this {
    const events: [number, number, number][] = [
      [EV.ABS, CODE.ABS_MT_SLOT, slot],
      [EV.ABS, CODE.ABS_MT_TRACKING_ID, -1],
    ];
    if (last) events.push([EV.KEY, CODE.BTN_TOUCH, 0]);
    return this.report(ms, ...events);
  }

  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
