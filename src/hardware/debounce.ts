/**
 * Debounce for push buttons, on an injected clock (onoff's own debounce is weak: it only delays
 * the callback and reports whatever level it reads then).
 *
 *   raw edges ─▶ settle (debounce_ms without a change) ─▶ stable level
 *     stable down ─▶ 'press' at once            (button without long press)
 *     stable down ─▶ wait long_press_ms ─▶ 'long_press'   (held)
 *                    └─ stable up before ─▶ 'press'        (button with long press)
 *
 * Only timers are used, never `now()`: the wall clock may jump (no RTC, NTP arriving late).
 */
import type { Clock } from '../flows/clock.ts';

export interface DebounceOptions {
  clock: Clock;
  /** A level must hold this long to count. */
  debounceMs: number;
  /** Hold time for a long press; null: this button has no long press (press fires on the way down). */
  longPressMs: number | null;
  onPress: () => void;
  onLongPress?: () => void;
}

export class ButtonDebouncer {
  private raw = false;
  private stable = false;
  private settleTimer: unknown = null;
  private longTimer: unknown = null;
  private longFired = false;

  constructor(private readonly opts: DebounceOptions) {}

  /** A raw level from the pin, already made logical (true = pressed, active-low handled). */
  edge(pressed: boolean): void {
    this.raw = pressed;
    const { clock } = this.opts;
    if (this.settleTimer !== null) clock.clearTimeout(this.settleTimer);
    this.settleTimer = clock.setTimeout(() => {
      this.settleTimer = null;
      this.settle(this.raw);
    }, this.opts.debounceMs);
  }

  /** The last debounced level. */
  get pressed(): boolean {
    return this.stable;
  }

  /** Cancels pending timers (stop()). */
  dispose(): void {
    const { clock } = this.opts;
    if (this.settleTimer !== null) clock.clearTimeout(this.settleTimer);
    if (this.longTimer !== null) clock.clearTimeout(this.longTimer);
    this.settleTimer = null;
    this.longTimer = null;
  }

  private settle(level: boolean): void {
    if (level === this.stable) return; // a bounce that came back: nothing happened
    this.stable = level;
    const { clock, longPressMs } = this.opts;
    if (level) {
      this.longFired = false;
      if (longPressMs === null) {
        this.opts.onPress();
        return;
      }
      // The level has already held for debounceMs.
      this.longTimer = clock.setTimeout(
        () => {
          this.longTimer = null;
          this.longFired = true;
          this.opts.onLongPress?.();
        },
        Math.max(0, longPressMs - this.opts.debounceMs),
      );
      return;
    }
    if (longPressMs === null) return;
    if (this.longTimer !== null) clock.clearTimeout(this.longTimer);
    this.longTimer = null;
    if (!this.longFired) this.opts.onPress();
  }
}
