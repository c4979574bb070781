/**
 * The durable outbox: every message for the district is on disk before it is published and
 * leaves only when the broker acknowledged it (PUBACK), so a week offline or a power cut loses
 * nothing. Layout under <data_dir>/outbox/:
 *
 *   000000000001.seg   append-only JSON lines, one message each: {"s":seq,"t":topic,"k":class,...}
 *   000000001001.seg   a new segment every `segmentRecords` messages and at every start
 *   acks.log           append-only lines: `a <seq>` acknowledged, `d <seq> <class> [number]`
 *                      dropped by the bound, `r` drops reported, `n <next seq>`, `t <counts>`
 *
 *   append ─► buffer ─► write + fdatasync (one per batch) ─► pending (memory) ─► publish
 *   PUBACK ─► ack() ─► acks.log (batched) ─► segment deleted when none of it is pending
 *
 * Nothing rewrites the queue per message (lowdb would serialise everything on every write):
 * acks.log is compacted only at open and every `compactEvery` lines. A lost ack line means a
 * duplicate delivery with the same event id, never a loss.
 *
 * The bound (`maxMessages`): when full, the oldest telemetry goes first, then the oldest event
 * other than letter_issued, and only then the oldest letter_issued; each drop is counted (and
 * letter numbers kept) so the reporter can say so in an `outbox_dropped` event.
 */
import { EventEmitter } from 'node:events';
import { type FileHandle, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { parseLine, sealLine } from '../store/line-checksum.ts';
import { ClassQueues, type OutboxClass } from './outbox-classes.ts';
import type { OutboxDropCounts } from './payloads.ts';

export type { OutboxClass } from './outbox-classes.ts';

export interface OutboxMessage {
  topic: string;
  payload: string;
  cls: OutboxClass;
  /** The letter number of a letter_issued event (kept when it must be dropped). */
  number?: string;
}

export interface OutboxRecord extends OutboxMessage {
  seq: number;
}

export interface DropReport extends OutboxDropCounts {
  letter_numbers: string[];
}

export interface OutboxOptions {
  maxMessages: number;
  logger: Logger;
  segmentRecords?: number;
  compactEvery?: number;
}

const CLASS_KEY: Record<OutboxClass, keyof OutboxDropCounts> = {
  telemetry: 'telemetry',
  event: 'events',
  letter: 'letter_issued',
  report: 'events',
};
const MAX_LISTED_NUMBERS = 50;

export class Outbox extends EventEmitter<{ appended: []; dropped: [] }> {
  private readonly pending = new Map<number, OutboxRecord>();
  private readonly queues = new ClassQueues((seq) => this.pending.has(seq));
  /** Live (pending) record count per segment first-seq. */
  private readonly segments = new Map<number, { name: string; live: number }>();
  private current: { first: number; fh: FileHandle; count: number } | null = null;
  private nextSeq = 1;
  /** Every seq below this is on disk (admitted, acked or dropped). */
  private durableTo = 1;
  private writeBuf: { rec: OutboxRecord; done: (seq: number) => void; fail: (e: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;
  private ackBuf: string[] = [];
  private ackFh: FileHandle | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private ackWriting: Promise<void> = Promise.resolve();
  private ackLines = 0;
  private totals: OutboxDropCounts = { telemetry: 0, events: 0, letter_issued: 0 };
  private unreported: DropReport = { telemetry: 0, events: 0, letter_issued: 0, letter_numbers: [] };
  private closed = false;
  private busy: (seq: number) => boolean = () => false;
  private readonly unlinking = new Set<Promise<void>>();

  private constructor(
    readonly dir: string,
    private readonly opts: OutboxOptions,
  ) {
    super();
  }

  /** Opens (or creates) the outbox in `dir` and loads what is still pending, oldest first. */
  static async open(dir: string, opts: OutboxOptions): Promise<Outbox> {
    const box = new Outbox(dir, opts);
    await box.load();
    return box;
  }

  /** Messages not yet acknowledged (in memory and on disk). */
  depth(): number {
    return this.pending.size;
  }

  /** Drops since the outbox was created. */
  dropped(): OutboxDropCounts {
    return { ...this.totals };
  }

  /** Pending records, oldest first (a live view: do not hold across awaits). */
  records(): IterableIterator<OutboxRecord> {
    return this.pending.values();
  }

  /** Records for which `busy` is true (published, PUBACK awaited) are never chosen by the bound. */
  setBusyCheck(busy: (seq: number) => boolean): void {
    this.busy = busy;
  }

  has(seq: number): boolean {
    return this.pending.has(seq);
  }

  /**
   * Stores a message durably. Resolves with its sequence number once it is on disk (fdatasync);
   * only then does it become visible to records() (and 'appended' fires).
   */
  append(msg: OutboxMessage): Promise<number> {
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    const rec: OutboxRecord = { ...msg, seq: this.nextSeq++ };
    return new Promise((done, fail) => {
      this.writeBuf.push({ rec, done, fail });
      if (!this.writing) this.writing = this.flushWrites();
    });
  }

  /** The broker acknowledged `seq`: it leaves the queue. Unknown or repeated acks are ignored. */
  ack(seq: number): void {
    const rec = this.pending.get(seq);
    if (!rec) return;
    this.remove(rec);
    this.logAck(`a ${seq}`);
    this.queues.trim(this.pending.size);
  }

  /** Drops since the last report, and marks them reported (persisted). Null when none. */
  takeDropReport(): DropReport | null {
    const r = this.unreported;
    if (r.telemetry + r.events + r.letter_issued === 0) return null;
    this.unreported = { telemetry: 0, events: 0, letter_issued: 0, letter_numbers: [] };
    this.logAck('r');
    return r;
  }

  /**
   * Writes the acks logged so far now instead of at the next batch (~100 ms), compacting the ack
   * log when due; resolves once they are on disk.
   */
  syncAcks(): Promise<void> {
    return this.flushAcks();
  }

  /** Writes what is buffered and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    await this.flushAcks();
    await this.ackWriting;
    await this.current?.fh.close();
    await this.ackFh?.close();
    this.current = null;
    this.ackFh = null;
  }

  // ---- writing ----

  private async flushWrites(): Promise<void> {
    // Let every append of this tick join the batch: one write + one fdatasync for all of them.
    await new Promise((r) => setImmediate(r));
    while (this.writeBuf.length > 0) {
      const batch = this.writeBuf;
      this.writeBuf = [];
      try {
        await this.writeBatch(batch.map((b) => b.rec));
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox write failed');
        for (const b of batch) b.fail(err);
        continue;
      }
      for (const b of batch) this.admit(b.rec, false);
      for (const b of batch) b.done(b.rec.seq);
      this.enforceBound();
      this.emit('appended');
    }
    this.writing = null;
  }

  private async writeBatch(recs: OutboxRecord[]): Promise<void> {
    let i = 0;
    while (i < recs.length) {
      const seg = await this.segmentFor(recs[i]!.seq);
      const room = (this.opts.segmentRecords ?? 1000) - seg.count;
      const part = recs.slice(i, i + Math.max(1, room));
      // Each line carries its checksum: a flipped bit must not deliver a different event.
      const text = part.map((r) => `${sealLine(r)}\n`).join('');
      await seg.fh.write(text);
      await seg.fh.datasync();
      seg.count += part.length;
      // Count them live now: the segment may rotate (and be judged deletable) before admit().
      const meta = this.segments.get(seg.first);
      if (meta) meta.live += part.length;
      i += part.length;
    }
  }

  private async segmentFor(seq: number): Promise<{ first: number; fh: FileHandle; count: number }> {
    const cur = this.current;
    if (cur && cur.count < (this.opts.segmentRecords ?? 1000)) return cur;
    if (cur) {
      await cur.fh.close();
      this.maybeDeleteSegment(cur.first, true);
    }
    const name = `${String(seq).padStart(12, '0')}.seg`;
    const fh = await open(join(this.dir, name), 'a');
    this.current = { first: seq, fh, count: 0 };
    this.segments.set(seq, { name, live: 0 });
    await this.syncDir();
    return this.current;
  }

  private admit(rec: OutboxRecord, countLive = true): void {
    this.pending.set(rec.seq, rec);
    this.durableTo = Math.max(this.durableTo, rec.seq + 1);
    this.queues.push(rec.cls, rec.seq);
    const seg = countLive ? this.segmentOf(rec.seq) : undefined;
    if (seg) seg.live++;
  }

  private remove(rec: OutboxRecord): void {
    this.pending.delete(rec.seq);
    const first = this.segmentFirstOf(rec.seq);
    if (first === undefined) return;
    const seg = this.segments.get(first)!;
    seg.live--;
    this.maybeDeleteSegment(first, false);
  }

  private maybeDeleteSegment(first: number, closing: boolean): void {
    const seg = this.segments.get(first);
    if (!seg || seg.live > 0) return;
    if (!closing && this.current?.first === first) return;
    this.segments.delete(first);
    const done: Promise<void> = unlink(join(this.dir, seg.name))
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'outbox segment not deleted'))
      .finally(() => this.unlinking.delete(done));
    this.unlinking.add(done);
  }

  private segmentFirstOf(seq: number): number | undefined {
    // Few segments are live at once (1000 records each): a linear scan is cheap.
    let best: number | undefined;
    for (const first of this.segments.keys())
      if (first <= seq && (best === undefined || first > best)) best = first;
    return best;
  }

  private segmentOf(seq: number): { name: string; live: number } | undefined {
    const first = this.segmentFirstOf(seq);
    return first === undefined ? undefined : this.segments.get(first);
  }

  /**
   * Drops every pending message of `cls` (not those in flight), counted and reported like the
   * bound's drops: a nearly full disk sheds telemetry so that events keep their room.
   */
  dropAll(cls: OutboxClass): number {
    let n = 0;
    for (let victim = this.oldestOf(cls); victim; victim = this.oldestOf(cls), n++) this.drop(victim);
    if (n > 0) this.emit('dropped');
    return n;
  }

  // ---- the bound ----

  private enforceBound(): void {
    let droppedAny = false;
    while (this.pending.size > this.opts.maxMessages) {
      const victim = this.oldestOf('telemetry') ?? this.oldestOf('event') ?? this.oldestOf('letter');
      if (!victim) break;
      this.drop(victim);
      droppedAny = true;
    }
    if (droppedAny) this.emit('dropped');
  }

  private drop(victim: OutboxRecord): void {
    this.remove(victim);
    this.countDrop(victim);
    this.logAck(
      `d ${victim.seq} ${victim.cls}${victim.number ? ` ${encodeURIComponent(victim.number)}` : ''}`,
    );
  }

  private oldestOf(cls: OutboxClass): OutboxRecord | undefined {
    // In-flight records are skipped: one dropped and then delivered would be reported twice.
    const seq = this.queues.oldest(cls, this.busy);
    return seq === undefined ? undefined : this.pending.get(seq);
  }

  private countDrop(rec: { cls: OutboxClass; number?: string | undefined }): void {
    const key = CLASS_KEY[rec.cls];
    this.totals[key]++;
    this.unreported[key]++;
    if (rec.number && this.unreported.letter_numbers.length < MAX_LISTED_NUMBERS) {
      this.unreported.letter_numbers.push(rec.number);
    }
  }

  // ---- the ack log ----

  private logAck(line: string): void {
    this.ackBuf.push(line);
    this.ackLines++;
    if (!this.ackTimer && !this.closed) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = null;
        void this.flushAcks();
      }, 100);
    }
  }

  private flushAcks(): Promise<void> {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const lines = this.ackBuf;
    this.ackBuf = [];
    this.ackWriting = this.ackWriting
      .then(async () => {
        if (lines.length > 0 && this.ackFh) {
          await this.ackFh.write(`${lines.join('\n')}\n`);
          await this.ackFh.datasync();
        }
        if (this.ackLines > (this.opts.compactEvery ?? 20000) && !this.closed) await this.compactAcks();
      })
      .catch((err: unknown) => this.opts.logger.error({ err }, 'outbox ack log write failed'));
    return this.ackWriting;
  }

  /** Rewrites acks.log with only what the live segments still need (rarely: open, every N lines). */
  private async compactAcks(): Promise<void> {
    // A deleted segment must be gone from disk before the acks that cover it are forgotten,
    // else a crash in between would redeliver the whole segment.
    await Promise.all(this.unlinking);
    await this.syncDir();
    const lines = [
      `n ${this.nextSeq}`,
      `t ${this.totals.telemetry} ${this.totals.events} ${this.totals.letter_issued}`,
    ];
    const u = this.unreported;
    lines.push(
      `u ${u.telemetry} ${u.events} ${u.letter_issued} ${u.letter_numbers.map(encodeURIComponent).join(',')}`,
    );
    // Records of live segments that are no longer pending were acked or dropped: keep saying so.
    for (const [first] of this.segments) {
      for (let s = first; s < this.durableTo && this.segmentFirstOf(s) === first; s++) {
        if (!this.pending.has(s)) lines.push(`a ${s}`);
      }
    }
    const tmp = join(this.dir, 'acks.log.tmp');
    const fh = await open(tmp, 'w');
    await fh.write(`${lines.join('\n')}\n`);
    await fh.datasync();
    await fh.close();
    await this.ackFh?.close();
    await rename(tmp, join(this.dir, 'acks.log'));
    await this.syncDir();
    this.ackFh = await open(join(this.dir, 'acks.log'), 'a');
    this.ackLines = 0;
  }

  private async syncDir(): Promise<void> {
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  // ---- loading ----

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const done = new Set<number>();
    const text = await readFile(join(this.dir, 'acks.log'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) this.readAckLine(line, done);
    const names = (await readdir(this.dir)).filter((n) => /^\d{12}\.seg$/.test(n)).sort();
    const unreadable: Record<string, number> = {};
    for (const name of names) {
      const first = Number(name.slice(0, 12));
      this.segments.set(first, { name, live: 0 });
      const body = await readFile(join(this.dir, name), 'utf8');
      for (const line of body.split('\n')) {
        if (!line) continue;
        let rec: OutboxRecord;
        try {
          rec = parseLine(line) as OutboxRecord;
        } catch {
          // Cut by a power failure mid-write (never acknowledged to anyone), or damaged.
          const file = join(this.dir, name);
          unreadable[file] = (unreadable[file] ?? 0) + 1;
          continue;
        }
        this.nextSeq = Math.max(this.nextSeq, rec.seq + 1);
        this.durableTo = Math.max(this.durableTo, rec.seq + 1);
        if (!done.has(rec.seq)) this.admit(rec);
      }
    }
    if (Object.keys(unreadable).length > 0)
      this.opts.logger.warn(
        { files: unreadable },
        'outbox: skipped lines cut by a power cut or damaged (their messages are not delivered)',
      );
    for (const first of [...this.segments.keys()]) this.maybeDeleteSegment(first, true);
    await this.compactAcks();
    this.enforceBound();
    if (this.pending.size > 0)
      this.opts.logger.info({ depth: this.pending.size }, 'outbox: backlog to deliver');
  }

  private readAckLine(line: string, done: Set<number>): void {
    const [op, a, b, c] = line.split(' ');
    if (op === 'a' || op === 'd') done.add(Number(a));
    if (op === 'n') this.nextSeq = Math.max(this.nextSeq, Number(a));
    if (op === 't') this.totals = { telemetry: Number(a), events: Number(b), letter_issued: Number(c) };
    if (op === 'u') {
      const numbers = line.split(' ')[4];
      this.unreported = {
        telemetry: Number(a),
        events: Number(b),
        letter_issued: Number(c),
        letter_numbers: numbers ? numbers.split(',').map(decodeURIComponent) : [],
      };
    }
    if (op === 'd' && (b === 'telemetry' || b === 'event' || b === 'letter')) {
      this.countDrop({ cls: b, number: c ? decodeURIComponent(c) : undefined });
    }
    if (op === 'r') this.unreported = { telemetry: 0, events: 0, letter_issued: 0, letter_numbers: [] };
  }
}
