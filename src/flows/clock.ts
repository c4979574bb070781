/**
 * Time as a dependency. Everything in the kiosk that waits or stamps goes through a `Clock`, so
 * tests drive time with `FakeClock` instead of sleeping (uvu has no fake timers).
 */

/** Wall-clock time plus one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch (wall clock: may jump when NTP or a technician sets it). */
  now(): number;
  /** Milliseconds on a clock that never jumps (for durations: a wall-clock jump is not time passing). */
  monotonic(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: Date.now() and node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock for tests. Timers run on a monotonic time line, like node's: `advance(ms)` moves both
 * the wall clock and that line and fires every timer that falls due, in due order (ties in the
 * order they were set), including timers that those timers set. `set(ms)` only moves the wall
 * clock (a clock jump), which real timers do not notice either.
 */
export class FakeClock implements Clock {
  #wall: number;
  #mono = 0;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(start: number = Date.UTC(2026, 0, 15, 2, 0, 0)) {
    this.#wall = start;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#mono + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  /** Moves time forward by `ms`, firing due timers one by one at their own time. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('FakeClock.advance: ms must be >= 0 (use set() to jump back)');
    const target = this.#mono + ms;
    for (;;) {
      const next = this.#earliest();
      if (!next || next.due > target) break;
      this.#timers.delete(next.id);
      this.#wall += next.due - this.#mono;
      this.#mono = next.due;
      next.fn();
    }
    this.#wall += target - this.#mono;
    this.#mono = target;
  }

  /** Sets the wall clock (a jump, forwards or back); pending timers keep their delays. */
  set(ms: number): void {
    this.#wall = ms;
  }

  /** How many timers are waiting (tests check that nothing is left armed). */
  pending(): number {
    return this.#timers.size;
  }

  #earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}
