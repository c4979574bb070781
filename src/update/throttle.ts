/**
 * A bandwidth cap for downloads (`update.bandwidth_kbps`): a Transform that lets bytes through at
 * most at that rate, so a 3G village's link keeps room for the kiosk's own MQTT while a release
 * comes in. Backpressure does the rest: while a chunk waits, the socket is not read.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Kilobits per second (1 kbit = 1000 bits, as links are sold) → bytes per second. */
export const kbpsToBytesPerSecond = (kbps: number) => (kbps * 1000) / 8;

export class Throttle extends Transform {
  /** Bytes allowed before `now` on the schedule; the cap is kept over the whole transfer. */
  private readonly bytesPerSecond: number;
  private readonly startedAt: number;
  private passed = 0;

  /** `kbps` 0 = unlimited. `now` and `sleep` are injectable (tests). */
  constructor(
    kbps: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    super();
    this.bytesPerSecond = kbpsToBytesPerSecond(kbps);
    this.startedAt = now();
  }

  /** How long to hold back before letting `bytes` more through (ms; 0: now). */
  delayFor(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    const due = this.startedAt + ((this.passed + bytes) * 1000) / this.bytesPerSecond;
    return Math.max(0, due - this.now());
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    void this.pass(chunk).then(() => done(), done);
  }

  private async pass(chunk: Buffer): Promise<void> {
    // Large chunks go in slices so the rate is even, not a burst and a long pause.
    const slice = Math.max(1024, Math.floor(this.bytesPerSecond / 8) || chunk.length);
    for (let at = 0; at < chunk.length; at += slice) {
      const part = chunk.subarray(at, at + slice);
      const wait = this.delayFor(part.length);
      if (wait > 0) await this.sleep(wait);
      this.passed += part.length;
      this.push(part);
    }
  }
}
