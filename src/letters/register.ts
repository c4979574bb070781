/**
 * The letter register: the village's record of every letter number given out, in the
 * append-only `<data_dir>/register.jsonl` (see store/append-log.ts). Two kinds of line:
 *
 *   {"id":"20241015-000042","number":"S-11/001/1809102004/X/2024",…,"status":"printing",…}   reserve
 *   {"op":"status","id":"20241015-000042","status":"printed","reason":null,"updated_at":"…"} change
 *
 * A number is reserved (and the line fsynced) BEFORE the print starts, so a power cut mid-print
 * leaves an entry `printing`, which the next start marks `interrupted`: the number is neither
 * given twice nor lost. The next sequence is the highest ever seen for (counter, year) + 1, so
 * failed and interrupted numbers are never reused either. Nothing is rewritten per letter and
 * every query is answered from in-memory indexes: the 100,001st letter costs what the first did.
 */
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AppendLog } from '../store/append-log.ts';
import type { LetterPolicy } from './letter-type.ts';
import { formatLetterNumber, validateNumberFormat } from './numbering.ts';

export type RegisterStatus = 'printing' | 'printed' | 'failed' | 'interrupted';

export interface RegisterEntry {
  id: string;
  number: string;
  letter_type: string;
  seq: number;
  year: number;
  resident_ref: string;
  nik_masked: string;
  purpose: string;
  policy: LetterPolicy;
  /** Local time with offset, e.g. 2024-10-15T09:12:03.120+07:00. */
  issued_at: string;
  status: RegisterStatus;
  reason: string | null;
  updated_at: string;
}

interface StatusRecord {
  op: 'status';
  id: string;
  status: RegisterStatus;
  reason: string | null;
  updated_at: string;
}

export interface RegisterOptions {
  numbering: Config['letters']['numbering'];
  villageCode: string;
  logger: Logger;
  /** Only read (CLI listing while the daemon runs): no `interrupted` marking, no appends. */
  readOnly?: boolean;
}

const STATUSES = new Set<RegisterStatus>(['printing', 'printed', 'failed', 'interrupted']);
const REPAIR_HINT =
  'the register is the village record of issued letters: copy the file somewhere safe, then remove or ' +
  'repair that line by hand and start again';

export class LetterRegister {
  readonly file: string;
  readonly interrupted: RegisterEntry[] = [];
  readonly #opts: RegisterOptions;
  #log: AppendLog | null = null;
  readonly #byId = new Map<string, RegisterEntry>();
  readonly #byNumber = new Map<string, RegisterEntry>();
  /** Entries per resident: a resident has few letters, so a day/type scan is O(1)-ish. */
  readonly #byRef = new Map<string, RegisterEntry[]>();
  /** Letters not failed per local day (YYYY-MM-DD). */
  readonly #perDay = new Map<string, number>();
  /** Highest sequence per `year|letter_type` and per year (shared counter). */
  readonly #maxByType = new Map<string, number>();
  readonly #maxByYear = new Map<number, number>();
  /** Numbers handed out whose reserve line is still being written. */
  readonly #reserving = new Set<string>();
  /** Repeated strings (types, purposes, statuses) stored once for 100,000 entries. */
  readonly #intern = new Map<string, string>();
  readonly #dayCache = new Map<number, string>();
  #ordinal = 0;
  #newest: number | null = null;

  private constructor(file: string, opts: RegisterOptions) {
    this.file = file;
    this.#opts = opts;
  }

  /**
   * Replays `<dataDir>/register.jsonl` (a torn last line is dropped with a warning, a damaged
   * line elsewhere throws 'register_corrupt'), marks entries left `printing` as `interrupted`.
   */
  static async open(dataDir: string, opts: RegisterOptions): Promise<LetterRegister> {
    validateNumberFormat(opts.numbering.format);
    const reg = new LetterRegister(path.join(dataDir, 'register.jsonl'), opts);
    reg.#log = await AppendLog.open(reg.file, {
      logger: opts.logger,
      corruptCode: 'register_corrupt',
      repairHint: REPAIR_HINT,
      readOnly: opts.readOnly ?? false,
      onRecord: (record) => reg.#apply(record),
    });
    if (!opts.readOnly) await reg.#markInterrupted();
    opts.logger.info(
      { file: reg.file, entries: reg.#byId.size, interrupted: reg.interrupted.length },
      'letter register opened',
    );
    return reg;
  }

  /**
   * Gives the next number for this letter type and year and records it as `printing`;
   * resolves only once that line is on disk, so printing may start.
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
    const year = req.at.getFullYear();
    const counter = this.#opts.numbering.counter;
    const typeKey = `${year}|${req.letter_type}`;
    let seq = (counter === 'shared' ? this.#maxByYear.get(year) : this.#maxByType.get(typeKey)) ?? 0;
    let number: string;
    // Belt and braces: a number must never repeat, even after a switch between counter modes
    // or two types sharing a classification code.
    do {
      seq++;
      number = formatLetterNumber(this.#opts.numbering.format, {
        code: req.code,
        seq,
        villageCode: this.#opts.villageCode,
        date: req.at,
      });
    } while (this.#byNumber.has(number) || this.#reserving.has(number));
    this.#bumpMax(year, req.letter_type, seq);
    this.#ordinal++;
    const at = localIso(req.at);
    const entry: RegisterEntry = {
      id: `${at.slice(0, 10).replaceAll('-', '')}-${String(this.#ordinal).padStart(6, '0')}`,
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
    try {
      await log.append(entry);
    } finally {
      this.#reserving.delete(number);
    }
    this.#index(entry);
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

  /** Letters of this type issued to this resident on `now`'s local day, failed ones excepted. */
  issuedToday(resident_ref: string, letter_type: string, now: Date): number {
    const day = localDay(now);
    let n = 0;
    for (const e of this.#byRef.get(resident_ref) ?? []) {
      if (e.letter_type === letter_type && e.status !== 'failed' && this.#dayOf(e) === day) n++;
    }
    return n;
  }

  /** Letters issued (not failed) on that local day. */
  countOn(day: Date): number {
    return this.#perDay.get(localDay(day)) ?? 0;
  }

  /** The newest issued_at: the system clock must never be earlier than this. */
  newestTime(): Date | null {
    return this.#newest === null ? null : new Date(this.#newest);
  }

  find(number: string): RegisterEntry | undefined {
    const e = this.#byNumber.get(number);
    return e === undefined ? undefined : { ...e };
  }

  /** Entries in issue order, filtered by local date (YYYY-MM-DD), month (YYYY-MM) and type id. */
  list(filter: { date?: string; month?: string; type?: string } = {}): RegisterEntry[] {
    const out: RegisterEntry[] = [];
    for (const e of this.#byId.values()) {
      if (filter.type !== undefined && e.letter_type !== filter.type) continue;
      if (filter.date !== undefined || filter.month !== undefined) {
        const day = this.#dayOf(e);
        if (filter.date !== undefined && day !== filter.date) continue;
        if (filter.month !== undefined && day.slice(0, 7) !== filter.month) continue;
      }
      out.push({ ...e });
    }
    return out;
  }

  /** Number of entries (all statuses). */
  size(): number {
    return this.#byId.size;
  }

  /** Closes the file (waits for appends in flight). */
  async close(): Promise<void> {
    await this.#log?.close();
    this.#log = null;
  }

  async #changeStatus(
    id: string,
    status: RegisterStatus,
    reason: string | null,
    at: Date,
  ): Promise<RegisterEntry> {
    const log = this.#writable();
    const e = this.#byId.get(id);
    if (e === undefined) throw new KioskError('usage', `no register entry ${id}`);
    if (e.status === status) return { ...e };
    if (e.status !== 'printing') {
      throw new KioskError(
        'usage',
        `register entry ${e.number} is already ${e.status}; it cannot become ${status}`,
      );
    }
    const record: StatusRecord = { op: 'status', id, status, reason, updated_at: localIso(at) };
    await log.append(record);
    this.#applyStatus(e, record);
    return { ...e };
  }

  async #markInterrupted(): Promise<void> {
    const now = new Date();
    for (const e of this.#byId.values()) {
      if (e.status !== 'printing') continue;
      const reason = 'power cut or crash while printing';
      const record: StatusRecord = {
        op: 'status',
        id: e.id,
        status: 'interrupted',
        reason,
        updated_at: localIso(now),
      };
      await this.#writable().append(record);
      this.#applyStatus(e, record);
      this.interrupted.push({ ...e });
      this.#opts.logger.warn(
        { id: e.id, number: e.number, letter_type: e.letter_type },
        'letter was being printed when the kiosk stopped: marked interrupted, its number is not reused',
      );
    }
  }

  #writable(): AppendLog {
    if (this.#log === null || this.#opts.readOnly) {
      throw new KioskError('usage', `${this.file} is opened read-only or closed`);
    }
    return this.#log;
  }

  /** Replay of one line. Validates fully before changing anything (a torn line may parse). */
  #apply(record: unknown): void {
    const r = record as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) throw new Error('not a JSON object');
    if (r.op === 'status') {
      const s = checkStatus(r);
      const e = this.#byId.get(s.id);
      if (e === undefined) throw new Error(`status change for unknown entry ${s.id}`);
      this.#applyStatus(e, s);
      return;
    }
    const e = checkEntry(r);
    const t = Date.parse(e.issued_at);
    if (Number.isNaN(t)) throw new Error('issued_at is not a time');
    if (this.#byId.has(e.id)) throw new Error(`duplicate entry id ${e.id}`);
    this.#ordinal++;
    this.#bumpMax(e.year, e.letter_type, e.seq);
    this.#index(e, t);
  }

  #index(e: RegisterEntry, t = Date.parse(e.issued_at)): void {
    e.letter_type = this.#str(e.letter_type);
    e.purpose = this.#str(e.purpose);
    this.#byId.set(e.id, e);
    this.#byNumber.set(e.number, e);
    const list = this.#byRef.get(e.resident_ref);
    if (list === undefined) this.#byRef.set(e.resident_ref, [e]);
    else list.push(e);
    if (this.#newest === null || t > this.#newest) this.#newest = t;
    if (e.status !== 'failed') this.#countDay(e, 1, t);
  }

  /** Local day of an entry; memoised per quarter hour (every UTC offset is a multiple of 15 min). */
  #dayOf(e: RegisterEntry, t = Date.parse(e.issued_at)): string {
    const bucket = Math.floor(t / 900_000);
    let day = this.#dayCache.get(bucket);
    if (day === undefined) {
      if (this.#dayCache.size > 10_000) this.#dayCache.clear();
      day = localDay(new Date(t));
      this.#dayCache.set(bucket, day);
    }
    return day;
  }

  #applyStatus(e: RegisterEntry, s: StatusRecord): void {
    if (e.status !== 'failed' && s.status === 'failed') this.#countDay(e, -1);
    if (e.status === 'failed' && s.status !== 'failed') this.#countDay(e, 1);
    e.status = s.status;
    e.reason = s.reason === null ? null : this.#str(s.reason);
    e.updated_at = s.updated_at;
  }

  #countDay(e: RegisterEntry, delta: number, t?: number): void {
    const day = this.#dayOf(e, t);
    this.#perDay.set(day, (this.#perDay.get(day) ?? 0) + delta);
  }

  #bumpMax(year: number, type: string, seq: number): void {
    const key = `${year}|${type}`;
    if (seq > (this.#maxByType.get(key) ?? 0)) this.#maxByType.set(key, seq);
    if (seq > (this.#maxByYear.get(year) ?? 0)) this.#maxByYear.set(year, seq);
  }

  #str(s: string): string {
    const known = this.#intern.get(s);
    if (known !== undefined) return known;
    // Only for low-variety fields (types, purposes, reasons); capped in case a file is odd.
    if (this.#intern.size < 10_000) this.#intern.set(s, s);
    return s;
  }
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

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** YYYY-MM-DD of the local day (the kiosk's time zone, Asia/Jakarta on the Pi). */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** ISO 8601 in local time with its UTC offset: what the village reads in the register file. */
export function localIso(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${localDay(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
