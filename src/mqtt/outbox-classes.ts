/**
 * Per-class queues of the outbox's pending sequence numbers, so the bound finds "the oldest
 * telemetry" (then event, then letter) without scanning the whole outbox. Entries are removed
 * lazily: a seq no longer pending is skipped and trimmed now and then.
 */

/** `report`: the outbox's own outbox_dropped event, never dropped (else drops could vanish unsaid). */
export type OutboxClass = 'telemetry' | 'event' | 'letter' | 'report';

export class ClassQueues {
  private readonly q: Record<OutboxClass, number[]> = { telemetry: [], event: [], letter: [], report: [] };
  private readonly head: Record<OutboxClass, number> = { telemetry: 0, event: 0, letter: 0, report: 0 };

  constructor(private readonly isPending: (seq: number) => boolean) {}

  push(cls: OutboxClass, seq: number): void {
    this.q[cls].push(seq);
  }

  /** The oldest pending seq of `cls` for which `skip` is false. */
  oldest(cls: OutboxClass, skip: (seq: number) => boolean): number | undefined {
    const q = this.q[cls];
    while (this.head[cls] < q.length && !this.isPending(q[this.head[cls]]!)) this.head[cls]++;
    if (this.head[cls] > 4096) {
      q.splice(0, this.head[cls]);
      this.head[cls] = 0;
    }
    for (let i = this.head[cls]; i < q.length; i++) {
      const seq = q[i]!;
      if (this.isPending(seq) && !skip(seq)) return seq;
    }
    return undefined;
  }

  /** Drops acknowledged seqs once the queues hold far more than is pending (amortised O(1)). */
  trim(pending: number): void {
    const total = this.q.telemetry.length + this.q.event.length + this.q.letter.length + this.q.report.length;
    if (total < 2 * pending + 4096) return;
    for (const cls of Object.keys(this.q) as OutboxClass[]) {
      this.q[cls] = this.q[cls].filter(this.isPending);
      this.head[cls] = 0;
    }
  }
}
