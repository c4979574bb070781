/**
 * A token bucket that refills with time: `capacity` tokens at most, `perSecond` new tokens every
 * second, measured on an injected clock (tests move it). Used for the outbox drain rate and for
 * the refusal-report budget, so that a burst is allowed and the budget always comes back.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number,
    initial = capacity,
  ) {
    this.tokens = initial;
    this.last = now();
  }

  /** Takes one token if there is one; false when the budget is spent for now. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /** Milliseconds until the next whole token (0 when one is there now). */
  msUntilNext(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** Empties the bucket and restarts the refill from now (e.g. after a reconnect). */
  reset(tokens = 0): void {
    this.tokens = tokens;
    this.last = this.now();
  }

  private refill(): void {
    const now = this.now();
    // A clock stepped back (NTP, a fake clock) adds nothing and moves the mark, never a negative refill.
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
    this.last = now;
  }
}
