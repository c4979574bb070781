/**
 * The letter register: the village's record of every letter number given out, in the
 * append-only `<data_dir>/register.jsonl` (see store/append-log.ts). Two kinds of line:
 *
 *   {"id":"20241015-000042","number":"S-11/001/1809102004/X/2024",…,"status":"printing",…}   reserve
 *   {"op":"status","id":"20241015-000042","status":"printed","reason":null,"updated_at":"…"} change
 *   {"op":"revoke","id":"20241015-000042","number":"…","reason":"…","code":"…","revoked_at":"…"}
 *                                                            the village withdrew it (letters revoke)
 *
 * New lines end with a `"crc"` field (store/line-checksum.ts) so that a flipped bit that still
 * parses is caught and named; old lines without it still read.
 *
 * A number is reserved (and the line fsynced) BEFORE the print starts, so a power cut mid-print
 * leaves an entry `printing`, which the next start marks `interrupted`: the number is neither
 * given twice nor lost. The next sequence is the highest ever seen for (counter, year) + 1, so
 * failed and interrupted numbers are never reused either. Nothing is rewritten per letter.
 *
 * The daemon keeps only a summary in memory (register-index.ts) and, beside the file,
 * `register.checkpoint` (store/checkpoint.ts): the summary as of a byte offset, so that a start
 * replays only the lines appended since. A checkpoint that does not match the file is ignored
 * (whole-file replay). Read-only opens (CLI listings) keep every entry, as list()/find() need.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AppendLog } from '../store/append-log.ts';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint.ts';
import { parseLine } from '../store/line-checksum.ts';
import type { LetterPolicy } from './letter-type.ts';
import { formatLetterNumber, validateNumberFormat } from './numbering.ts';
import {
  type IndexSnapshot,
  localDay,
  localIso,
  NeedsFullIndex,
  type RegisterEntry,
  RegisterIndex,
  type RegisterStatus,
  type RevokeRecord,
  type StatusRecord,
} from './register-index.ts';

export type { RegisterEntry, RegisterStatus, RevokeRecord } from './register-index.ts';
export { localDay, localIso } from './register-index.ts';

export interface RegisterOptions {
  numbering: Config['letters']['numbering'];
  villageCode: string;
  logger: Logger;
  /** Only read (CLI listing while the daemon runs): no `interrupted` marking, no appends. */
  readOnly?: boolean;
  /**
   * The kiosk's clock (milliseconds since the epoch); default Date.now. The daemon passes its
   * injected clock, so that the daily-count window and `interrupted` stamps follow the same time
   * as the letters (a simulated month must not compare its checkpoint with the host's date).
   */
  now?: () => number;
}

/** What the last open read: a start replays only the lines after a usable checkpoint. */
export interface RegisterStartup {
  /** Register lines read at open (all of them without a usable checkpoint). */
  replayedLines: number;
  /** Lines the checkpoint already held (0 without one). */
  checkpointLines: number;
}

const STATUSES = new Set<RegisterStatus>(['printing', 'printed', 'failed', 'interrupted']);
const REPAIR_HINT =
  'the register is the village record of issued letters: copy the file somewhere safe, then repair that ' +
  'line by hand (dropping its "crc" field) or remove it, and start again (docs/technician.md)';
/** A checkpoint is written after this many new lines (and on close). */
const CHECKPOINT_EVERY = 500;
/** Per-resident daily counts are kept in memory for this many days back. */
const WINDOW_DAYS = 2;
const DAY_MS = 86_400_000;

export class LetterRegister {
  readonly file: string;
  readonly checkpointFile: string;
  readonly interrupted: RegisterEntry[] = [];
  readonly startup: RegisterStartup = { replayedLines: 0, checkpointLines: 0 };
  readonly #opts: RegisterOptions;
  #log: AppendLog | null = null;
  #index: RegisterIndex = RegisterIndex.full();
  /** Numbers handed out whose reserve line is still being written. */
  readonly #reserving = new Set<string>();
  #lastOrdinal = 0;
  /** Appends not yet applied to the index (a checkpoint is taken only when there are none). */
  #inflight = 0;
  /** File bytes whose lines the index holds. */
  #appliedBytes = 0;
  #checkpointLines = 0;
  #checkpointing: Promise<void> = Promise.resolve();
  /** Set when the file could not be opened: every write refuses with it. */
  #damage: KioskError | null = null;

  private constructor(file: string, opts: RegisterOptions) {
    this.file = file;
    this.checkpointFile = path.join(path.dirname(file), 'register.checkpoint');
    this.#opts = opts;
  }

  /**
   * Replays `<dataDir>/register.jsonl` (from its checkpoint when that matches; a torn last line
   * is dropped with a warning, a damaged line elsewhere throws 'register_corrupt'), marks entries
   * left `printing` as `interrupted`.
   */
  static async open(dataDir: string, opts: RegisterOptions): Promise<LetterRegister> {
    validateNumberFormat(opts.numbering.format);
    const reg = new LetterRegister(path.join(dataDir, 'register.jsonl'), opts);
    if (opts.readOnly) await reg.#replay(RegisterIndex.full());
    else await reg.#openSummary();
    reg.#lastOrdinal = Math.max(reg.#index.lastOrdinal, reg.#index.count);
    reg.#appliedBytes = reg.#log!.size;
    if (!opts.readOnly) await reg.#markInterrupted();
    opts.logger.info(
      { file: reg.file, entries: reg.#index.count, interrupted: reg.interrupted.length },
      'letter register opened',
    );
    reg.#maybeCheckpoint();
    return reg;
  }

  /**
   * A register that could not be opened (`damage`: the 'register_corrupt' error naming the file and
   * line): it knows no letters and refuses every write with that error, so that the kiosk can stay
   * up out of service (a process that exits would be restarted by systemd in a loop) and can never
   * give a number from a register it did not read.
   */
  static unavailable(dataDir: string, opts: RegisterOptions, damage: KioskError): LetterRegister {
    const reg = new LetterRegister(path.join(dataDir, 'register.jsonl'), { ...opts, readOnly: true });
    reg.#damage = damage;
    return reg;
  }

  /** Why the register could not be opened (null: it is open). */
  get damage(): KioskError | null {
    return this.#damage;
  }

  /**
   * Gives the next number for this letter type and year and records it as `printing`;
   * resolves only once that line is on disk, so printing may start.
   *
   * Throws 'clock_untrusted' (nothing written) when `at` is earlier than the newest entry: time
   * does not run backwards, so the clock jumped back, and the clock guard, which polls, may not
   * have noticed yet. The register is the last place a wrongly dated letter can be stopped.
   */
  async reserve(req: {
    letter_type: string;
    code: string;
    resident_ref: string;
    nik_masked: string;
    purpose: string;
    policy: LetterPolicy;
    at: Date;
  }): Promise<RegisterEntry> {
    const log = this.#writable();
    const newest = this.#index.newest;
    if (newest !== null && req.at.getTime() < newest) {
      throw new KioskError(
        'clock_untrusted',
        `letter time ${req.at.toISOString()} is earlier than the newest letter in the register ` +
          `(${new Date(newest).toISOString()}): the clock went back; set the clock`,
      );
    }
    const year = req.at.getFullYear();
    const shared = this.#opts.numbering.counter === 'shared';
    let seq = this.#index.maxSeq(year, req.letter_type, shared);
    let number: string;
    // Numbers in flight count as used; and, belt and braces, a number must never repeat, even
    // after a switch between counter modes or two types sharing a classification code.
    do {
      seq++;
      number = formatLetterNumber(this.#opts.numbering.format, {
        code: req.code,
        seq,
        villageCode: this.#opts.villageCode,
        date: req.at,
      });
    } while (this.#index.hasNumber(number) || this.#reserving.has(number));
    const at = localIso(req.at);
    const entry: RegisterEntry = {
      id: `${at.slice(0, 10).replaceAll('-', '')}-${String(++this.#lastOrdinal).padStart(6, '0')}`,
      number,
      letter_type: req.letter_type,
      seq,
      year,
      resident_ref: req.resident_ref,
      nik_masked: req.nik_masked,
      purpose: req.purpose,
      policy: req.policy,
      issued_at: at,
      status: 'printing',
      reason: null,
      updated_at: at,
    };
    this.#reserving.add(number);
    this.#inflight++;
    try {
      await log.append(entry);
      this.#index.add(entry, req.at.getTime());
      this.#appliedBytes = log.size;
    } finally {
      this.#reserving.delete(number);
      this.#inflight--;
    }
    this.#index.advanceWindow(localDay(new Date(req.at.getTime() - WINDOW_DAYS * DAY_MS)));
    this.#maybeCheckpoint();
    return { ...entry };
  }

  /** Records that the letter came out of the printer. */
  markPrinted(id: string, at: Date): Promise<RegisterEntry> {
    return this.#changeStatus(id, 'printed', null, at);
  }

  /** Records that printing failed; the number stays used (never given again). */
  markFailed(id: string, reason: string, at: Date): Promise<RegisterEntry> {
    return this.#changeStatus(id, 'failed', reason, at);
  }

  /**
   * Appends a revocation line for a letter (found by the caller in a full listing: the daemon's
   * summary index has no entry list). The letter's own line stays as it was.
   */
  async revoke(req: { id: string; number: string; reason: string; code: string; at: Date }): Promise<void> {
    const log = this.#writable();
    if (!this.#index.hasNumber(req.number))
      throw new KioskError('letter_not_found', `no letter numbered ${req.number}`);
    const record: RevokeRecord = {
      op: 'revoke',
      id: req.id,
      number: req.number,
      reason: req.reason,
      code: req.code,
      revoked_at: localIso(req.at),
    };
    this.#inflight++;
    try {
      await log.append(record);
      this.#index.revoke(record);
      this.#appliedBytes = log.size;
    } finally {
      this.#inflight--;
    }
    this.#maybeCheckpoint();
  }

  /**
   * Letters of this type printed for this resident on `now`'s local day: what the daily limit
   * counts. Failed and interrupted letters do not count (the resident did not get them).
   */
  issuedToday(resident_ref: string, letter_type: string, now: Date): number {
    const day = localDay(now);
    return (
      this.#index.issuedOn(resident_ref, letter_type, day) ??
      this.#full().issuedOn(resident_ref, letter_type, day)!
    );
  }

  /** Letters issued (not failed) on that local day. */
  countOn(day: Date): number {
    return this.#index.countOn(localDay(day));
  }

  /** The newest issued_at: the system clock must never be earlier than this. */
  newestTime(): Date | null {
    return this.#index.newest === null ? null : new Date(this.#index.newest);
  }

  find(number: string): RegisterEntry | undefined {
    const e = this.#full().findNumber(number);
    return e === undefined ? undefined : { ...e };
  }

  /** Entries in issue order, filtered by local date (YYYY-MM-DD), month (YYYY-MM) and type id. */
  list(filter: { date?: string; month?: string; type?: string } = {}): RegisterEntry[] {
    const index = this.#full();
    const out: RegisterEntry[] = [];
    for (const e of index.entries()) {
      if (filter.type !== undefined && e.letter_type !== filter.type) continue;
      if (filter.date !== undefined || filter.month !== undefined) {
        const day = index.dayOf(e);
        if (filter.date !== undefined && day !== filter.date) continue;
        if (filter.month !== undefined && day.slice(0, 7) !== filter.month) continue;
      }
      out.push({ ...e });
    }
    return out;
  }

  /** Number of entries (all statuses). */
  size(): number {
    return this.#index.count;
  }

  /** Closes the file (waits for appends in flight) and leaves a checkpoint for the next start. */
  async close(): Promise<void> {
    const log = this.#log;
    if (log === null) return;
    await log.close();
    this.#log = null;
    if (
      !this.#opts.readOnly &&
      !this.#index.full &&
      this.#inflight === 0 &&
      log.lines > this.#checkpointLines
    ) {
      this.#startCheckpoint(log);
    }
    await this.#checkpointing;
  }

  async #openSummary(): Promise<void> {
    const logger = this.#opts.logger;
    // A Pi without a battery clock may boot far in the past: the file's last write is a floor.
    const lastWrite = await stat(this.file).then(
      (st) => st.mtimeMs,
      () => 0,
    );
    const now = this.#opts.now?.() ?? Date.now();
    const windowStart = localDay(new Date(Math.max(now, lastWrite) - WINDOW_DAYS * DAY_MS));
    const cp = await readCheckpoint<IndexSnapshot>(this.checkpointFile, this.file);
    let reason = cp.ok ? null : cp.reason;
    let index: RegisterIndex | null = null;
    if (cp.ok) {
      try {
        index = RegisterIndex.fromSnapshot(cp.state);
        // Made "after" now: the clock went back; the daily counts we need are not in it.
        if (index.windowStart > windowStart) throw new Error('made at a later date than now');
      } catch (err) {
        index = null;
        reason = errorMessage(err);
      }
    }
    if (reason !== null) {
      // A first start has none; anything else (damaged, torn, stale) is worth a technician's eye.
      logger[reason === 'none yet' ? 'info' : 'warn'](
        { file: this.checkpointFile, reason },
        'no usable register checkpoint: reading the whole register',
      );
    }
    try {
      if (cp.ok && index !== null) {
        await this.#replay(index, cp.position);
        this.#checkpointLines = cp.position.lines;
      } else {
        await this.#replay(RegisterIndex.summary(windowStart));
      }
    } catch (err) {
      if (!(err instanceof NeedsFullIndex)) throw err;
      logger.warn(
        { file: this.file, reason: err.message },
        'the register has lines the compact index does not take: keeping every entry in memory',
      );
      await this.#replay(RegisterIndex.full());
    }
    this.#index.advanceWindow(windowStart);
  }

  async #replay(index: RegisterIndex, from?: { offset: number; lines: number }): Promise<void> {
    this.#index = index;
    this.#log = await AppendLog.open(this.file, {
      logger: this.#opts.logger,
      corruptCode: 'register_corrupt',
      repairHint: REPAIR_HINT,
      readOnly: this.#opts.readOnly ?? false,
      from,
      onRecord: (record) => applyRecord(index, record),
    });
    this.startup.checkpointLines = from?.lines ?? 0;
    this.startup.replayedLines = this.#log.lines - this.startup.checkpointLines;
  }

  /**
   * The index with every entry: the summary cannot answer (a listing, an old day). Read from
   * the file, which holds everything applied so far; from then on this register keeps it.
   */
  #full(): RegisterIndex {
    if (this.#index.full) return this.#index;
    const full = RegisterIndex.full();
    const bytes = Buffer.alloc(this.#appliedBytes);
    const fd = openSync(this.file, 'r');
    try {
      for (let done = 0; done < bytes.length; ) {
        const n = readSync(fd, bytes, done, bytes.length - done, done);
        if (n === 0) throw new Error('file shrank');
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    let lineNo = 0;
    for (let start = 0; start < bytes.length; ) {
      let stop = bytes.indexOf(0x0a, start);
      if (stop < 0) stop = bytes.length;
      lineNo++;
      const text = bytes.toString('utf8', start, stop);
      start = stop + 1;
      if (text.trim() === '') continue;
      try {
        applyRecord(full, parseLine(text));
      } catch (err) {
        throw new KioskError(
          'register_corrupt',
          `${this.file} line ${lineNo} is damaged (${errorMessage(err)}); ${REPAIR_HINT}`,
        );
      }
    }
    this.#opts.logger.info(
      { file: this.file, entries: full.count },
      'letter register: every entry now in memory',
    );
    this.#index = full;
    return full;
  }

  async #changeStatus(
    id: string,
    status: RegisterStatus,
    reason: string | null,
    at: Date,
  ): Promise<RegisterEntry> {
    const log = this.#writable();
    const e = this.#index.get(id) ?? this.#full().get(id);
    if (e === undefined) throw new KioskError('usage', `no register entry ${id}`);
    if (e.status === status) return { ...e };
    if (e.status !== 'printing') {
      throw new KioskError(
        'usage',
        `register entry ${e.number} is already ${e.status}; it cannot become ${status}`,
      );
    }
    const record: StatusRecord = { op: 'status', id, status, reason, updated_at: localIso(at) };
    this.#inflight++;
    try {
      await log.append(record);
      this.#index.setStatus(record);
      this.#appliedBytes = log.size;
    } finally {
      this.#inflight--;
    }
    this.#maybeCheckpoint();
    return { ...(this.#index.get(id) ?? e) };
  }

  async #markInterrupted(): Promise<void> {
    const now = new Date(this.#opts.now?.() ?? Date.now());
    for (const e of this.#index.printing()) {
      const reason = 'power cut or crash while printing';
      const record: StatusRecord = {
        op: 'status',
        id: e.id,
        status: 'interrupted',
        reason,
        updated_at: localIso(now),
      };
      await this.#writable().append(record);
      this.#index.setStatus(record);
      this.#appliedBytes = this.#log!.size;
      this.interrupted.push({ ...e });
      this.#opts.logger.warn(
        { id: e.id, number: e.number, letter_type: e.letter_type },
        'letter was being printed when the kiosk stopped: marked interrupted, its number is not reused',
      );
    }
  }

  #maybeCheckpoint(): void {
    const log = this.#log;
    if (log === null || this.#opts.readOnly || this.#index.full || this.#inflight > 0) return;
    if (log.lines - this.#checkpointLines >= CHECKPOINT_EVERY) this.#startCheckpoint(log);
  }

  /** Snapshots the index now (it matches the file exactly) and writes it in the background. */
  #startCheckpoint(log: AppendLog): void {
    const position = { offset: log.size, lines: log.lines };
    const state = this.#index.snapshot();
    this.#checkpointLines = position.lines;
    this.#checkpointing = this.#checkpointing
      .then(() => writeCheckpoint(this.checkpointFile, this.file, position, state))
      .catch((err: unknown) =>
        this.#opts.logger.warn({ file: this.checkpointFile, err }, 'could not write the register checkpoint'),
      );
  }

  #writable(): AppendLog {
    if (this.#damage !== null) throw this.#damage;
    if (this.#log === null || this.#opts.readOnly) {
      throw new KioskError('usage', `${this.file} is opened read-only or closed`);
    }
    return this.#log;
  }
}

/** Replay of one line. Validates fully before changing anything (a torn line may parse). */
function applyRecord(index: RegisterIndex, record: unknown): void {
  const r = record as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) throw new Error('not a JSON object');
  if (r.op === 'status') {
    index.setStatus(checkStatus(r));
    return;
  }
  if (r.op === 'revoke') {
    index.revoke(checkRevoke(r));
    return;
  }
  const e = checkEntry(r);
  const t = Date.parse(e.issued_at);
  if (Number.isNaN(t)) throw new Error('issued_at is not a time');
  index.add(e, t);
}

/** Validates a reserve line in place (no copy: 100,000 of them are replayed at start). */
function checkEntry(r: Record<string, unknown>): RegisterEntry {
  for (const k of ENTRY_TEXT_FIELDS) {
    if (typeof r[k] !== 'string') throw new Error(`field ${k} missing or not text`);
  }
  if (!Number.isInteger(r.seq) || !Number.isInteger(r.year))
    throw new Error('seq/year missing or not integers');
  if (r.policy !== 'final' && r.policy !== 'pengantar') throw new Error(`policy ${String(r.policy)} unknown`);
  if (!STATUSES.has(r.status as RegisterStatus)) throw new Error(`status ${String(r.status)} unknown`);
  if (typeof r.reason !== 'string') r.reason = null;
  return r as unknown as RegisterEntry;
}

const ENTRY_TEXT_FIELDS = [
  'id',
  'number',
  'letter_type',
  'resident_ref',
  'nik_masked',
  'purpose',
  'issued_at',
  'updated_at',
];

function checkStatus(r: Record<string, unknown>): StatusRecord {
  if (typeof r.id !== 'string') throw new Error('status change without id');
  if (!STATUSES.has(r.status as RegisterStatus)) throw new Error(`status ${String(r.status)} unknown`);
  if (typeof r.updated_at !== 'string') throw new Error('status change without updated_at');
  return {
    op: 'status',
    id: r.id,
    status: r.status as RegisterStatus,
    reason: typeof r.reason === 'string' ? r.reason : null,
    updated_at: r.updated_at,
  };
}

function checkRevoke(r: Record<string, unknown>): RevokeRecord {
  for (const k of ['id', 'number', 'reason', 'code', 'revoked_at'] as const) {
    if (typeof r[k] !== 'string') throw new Error(`revocation without ${k}`);
  }
  return r as unknown as RevokeRecord;
}
