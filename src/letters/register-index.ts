/**
 * What the letter register knows in memory, built by replaying register.jsonl (see register.ts).
 *
 * Two modes:
 *  - `summary` (the daemon): only what issuing needs — highest sequence per (year, type) and per
 *    year, letters per day, a set of hashes of every number given, newest time, per-resident daily
 *    counts for recent days, and full entries only while they are `printing` (plus a few just
 *    finished). A few MB for 100,000 letters, and serialisable as a checkpoint.
 *  - `full` (CLI listings, and the fallback for registers our writer would not produce): every
 *    entry, by id, number and resident.
 *
 * Summary mode only applies lines whose effect it can compute exactly; anything else (a status
 * change for a letter finished long ago, an id not in issue order) throws NeedsFullIndex and the
 * register replays again in full mode. So both modes always give the same answers.
 */
import { ReplayAbort } from '../store/append-log.ts';
import type { LetterPolicy } from './letter-type.ts';

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
  /** Set by a revocation line (`anjungan letters revoke`): when the village withdrew it. */
  revoked_at?: string;
  revoke_reason?: string;
}

/** A revocation line: the letter's own line is never rewritten (append-only). */
export interface RevokeRecord {
  op: 'revoke';
  id: string;
  number: string;
  /** The office's words (kept on the kiosk only). */
  reason: string;
  /** The reason code sent to the district (no personal data). */
  code: string;
  revoked_at: string;
}

export interface StatusRecord {
  op: 'status';
  id: string;
  status: RegisterStatus;
  reason: string | null;
  updated_at: string;
}

/** Thrown by a summary index for a line it cannot apply exactly: replay again in full mode. */
export class NeedsFullIndex extends ReplayAbort {}

/** What a summary index writes into a checkpoint (see store/checkpoint.ts). */
export interface IndexSnapshot {
  /** 2: `recent` counts printed letters only (1 counted every letter not failed). */
  v: 2;
  count: number;
  last_ordinal: number;
  newest: number | null;
  max_type: [string, number][];
  max_year: [number, number][];
  per_day: [string, number][];
  window_start: string;
  recent: [string, number][];
  printing: RegisterEntry[];
  closed: RegisterEntry[];
  numbers: string;
}

/** Just-finished entries kept in summary mode (a repeated markPrinted answers as before). */
const CLOSED_KEEP = 256;

export class RegisterIndex {
  readonly full: boolean;
  /** Number of entries. */
  count = 0;
  /** Highest n of the ids `YYYYMMDD-<n>` (the next reservation takes n + 1). */
  lastOrdinal = 0;
  newest: number | null = null;
  readonly #maxByType = new Map<string, number>();
  readonly #maxByYear = new Map<number, number>();
  readonly #perDay = new Map<string, number>();
  readonly #dayCache = new Map<number, string>();
  // full mode
  readonly #byId = new Map<string, RegisterEntry>();
  readonly #byNumber = new Map<string, RegisterEntry>();
  readonly #byRef = new Map<string, RegisterEntry[]>();
  readonly #intern = new Map<string, string>();
  // summary mode
  readonly #printing = new Map<string, RegisterEntry>();
  readonly #closed = new Map<string, RegisterEntry>();
  #numbers = new NumberSet();
  /** Printed letters per `day|type|ref`, for days >= #windowStart (the daily limit). */
  readonly #recent = new Map<string, number>();
  #windowStart: string;

  private constructor(full: boolean, windowStart: string) {
    this.full = full;
    this.#windowStart = windowStart;
  }

  static full(): RegisterIndex {
    return new RegisterIndex(true, '');
  }

  /** Per-resident counts are kept for days from `windowStart` (YYYY-MM-DD) on. */
  static summary(windowStart: string): RegisterIndex {
    return new RegisterIndex(false, windowStart);
  }

  static fromSnapshot(s: IndexSnapshot): RegisterIndex {
    if (s.v !== 2) throw new Error(`snapshot version ${String(s.v)}`);
    const index = new RegisterIndex(false, s.window_start);
    index.count = s.count;
    index.lastOrdinal = s.last_ordinal;
    index.newest = s.newest;
    for (const [k, v] of s.max_type) index.#maxByType.set(k, v);
    for (const [k, v] of s.max_year) index.#maxByYear.set(k, v);
    for (const [k, v] of s.per_day) index.#perDay.set(k, v);
    for (const [k, v] of s.recent) index.#recent.set(k, v);
    for (const e of s.printing) index.#printing.set(e.id, e);
    for (const e of s.closed) index.#closed.set(e.id, e);
    index.#numbers = NumberSet.fromBase64(s.numbers);
    return index;
  }

  get windowStart(): string {
    return this.#windowStart;
  }

  snapshot(): IndexSnapshot {
    if (this.full) throw new Error('a full index is not checkpointed');
    return {
      v: 2,
      count: this.count,
      last_ordinal: this.lastOrdinal,
      newest: this.newest,
      max_type: [...this.#maxByType],
      max_year: [...this.#maxByYear],
      per_day: [...this.#perDay],
      window_start: this.#windowStart,
      recent: [...this.#recent],
      printing: [...this.#printing.values()],
      closed: [...this.#closed.values()],
      numbers: this.#numbers.toBase64(),
    };
  }

  /**
   * Adds a validated entry (a replayed reserve line or a new reservation). A summary index keeps
   * no id list, so it takes only ids in increasing order (unique by construction), as we write them.
   */
  add(e: RegisterEntry, t: number): void {
    const n = idOrdinal(e.id);
    if (this.full) {
      if (this.#byId.has(e.id)) throw new Error(`duplicate entry id ${e.id}`);
    } else if (!(n > this.lastOrdinal)) {
      throw new NeedsFullIndex(`entry ${e.id} is out of order`);
    }
    this.count++;
    if (n > this.lastOrdinal) this.lastOrdinal = n;
    this.#bumpMax(e.year, e.letter_type, e.seq);
    if (this.newest === null || t > this.newest) this.newest = t;
    if (this.full) {
      e.letter_type = this.#str(e.letter_type);
      e.purpose = this.#str(e.purpose);
      this.#byId.set(e.id, e);
      this.#byNumber.set(e.number, e);
      const list = this.#byRef.get(e.resident_ref);
      if (list === undefined) this.#byRef.set(e.resident_ref, [e]);
      else list.push(e);
    } else {
      this.#numbers.add(e.number);
      if (e.status === 'printing') this.#printing.set(e.id, e);
    }
    if (e.status !== 'failed') this.#count(e, 1, t);
    if (e.status === 'printed') this.#countReceived(e, 1, t);
  }

  /**
   * Marks an entry withdrawn. A summary index (the daemon) keeps no entry list and needs none:
   * a revocation changes no number and no daily count.
   */
  revoke(r: RevokeRecord): void {
    // An unknown id is not damage worth refusing the register for: it withdraws nothing.
    const e = this.full ? this.#byId.get(r.id) : this.get(r.id);
    if (e === undefined) return;
    if (e.revoked_at !== undefined) return; // a second revocation of the same letter changes nothing
    e.revoked_at = r.revoked_at;
    e.revoke_reason = r.reason;
  }

  /** Applies a status change to a known entry; returns it. */
  setStatus(s: StatusRecord): RegisterEntry {
    const e = this.get(s.id);
    if (e === undefined) {
      if (this.full) throw new Error(`status change for unknown entry ${s.id}`);
      throw new NeedsFullIndex(`status change for ${s.id}, not among the letters being printed`);
    }
    if (e.status !== 'failed' && s.status === 'failed') this.#count(e, -1);
    if (e.status === 'failed' && s.status !== 'failed') this.#count(e, 1);
    if (e.status !== 'printed' && s.status === 'printed') this.#countReceived(e, 1);
    if (e.status === 'printed' && s.status !== 'printed') this.#countReceived(e, -1);
    e.status = s.status;
    e.reason = s.reason === null ? null : this.#str(s.reason);
    e.updated_at = s.updated_at;
    if (!this.full && s.status !== 'printing' && this.#printing.delete(e.id)) {
      this.#closed.set(e.id, e);
      if (this.#closed.size > CLOSED_KEEP) this.#closed.delete(this.#closed.keys().next().value!);
    }
    return e;
  }

  /** An entry by id; in summary mode only printing and just-finished ones. */
  get(id: string): RegisterEntry | undefined {
    return this.full ? this.#byId.get(id) : (this.#printing.get(id) ?? this.#closed.get(id));
  }

  /** Entries left `printing` (at open: interrupted by a crash). */
  printing(): RegisterEntry[] {
    return this.full
      ? [...this.#byId.values()].filter((e) => e.status === 'printing')
      : [...this.#printing.values()];
  }

  /** Every entry in issue order (full mode only). */
  entries(): IterableIterator<RegisterEntry> {
    if (!this.full) throw new Error('summary index has no entry list');
    return this.#byId.values();
  }

  findNumber(number: string): RegisterEntry | undefined {
    if (!this.full) throw new Error('summary index has no entry list');
    return this.#byNumber.get(number);
  }

  hasNumber(number: string): boolean {
    return this.full ? this.#byNumber.has(number) : this.#numbers.has(number);
  }

  maxSeq(year: number, type: string, shared: boolean): number {
    return (shared ? this.#maxByYear.get(year) : this.#maxByType.get(`${year}|${type}`)) ?? 0;
  }

  countOn(day: string): number {
    return this.#perDay.get(day) ?? 0;
  }

  /**
   * Letters of this type this resident received (status printed) on `day`; undefined when not
   * kept here. A failed or interrupted letter never reached the resident whole: it must not use
   * up their daily limit.
   */
  issuedOn(ref: string, type: string, day: string): number | undefined {
    if (!this.full)
      return day >= this.#windowStart ? (this.#recent.get(`${day}|${type}|${ref}`) ?? 0) : undefined;
    let n = 0;
    for (const e of this.#byRef.get(ref) ?? []) {
      if (e.letter_type === type && e.status === 'printed' && this.dayOf(e) === day) n++;
    }
    return n;
  }

  /** Moves the per-resident window forward (a long-running daemon drops old days). */
  advanceWindow(windowStart: string): void {
    if (this.full || windowStart <= this.#windowStart) return;
    this.#windowStart = windowStart;
    for (const key of this.#recent.keys()) if (key.slice(0, 10) < windowStart) this.#recent.delete(key);
  }

  /** Local day of an entry; memoised per quarter hour (every UTC offset is a multiple of 15 min). */
  dayOf(e: RegisterEntry, t = Date.parse(e.issued_at)): string {
    const bucket = Math.floor(t / 900_000);
    let day = this.#dayCache.get(bucket);
    if (day === undefined) {
      if (this.#dayCache.size > 10_000) this.#dayCache.clear();
      day = localDay(new Date(t));
      this.#dayCache.set(bucket, day);
    }
    return day;
  }

  /** Letters per day: every number given that did not fail (the district's `letters_today`). */
  #count(e: RegisterEntry, delta: number, t?: number): void {
    const day = this.dayOf(e, t);
    this.#perDay.set(day, (this.#perDay.get(day) ?? 0) + delta);
  }

  /** Per-resident counts of letters received, for the daily limit. */
  #countReceived(e: RegisterEntry, delta: number, t?: number): void {
    const day = this.dayOf(e, t);
    if (!this.full && day >= this.#windowStart) {
      const key = `${day}|${e.letter_type}|${e.resident_ref}`;
      const n = (this.#recent.get(key) ?? 0) + delta;
      if (n === 0) this.#recent.delete(key);
      else this.#recent.set(key, n);
    }
  }

  #bumpMax(year: number, type: string, seq: number): void {
    const key = `${year}|${type}`;
    if (seq > (this.#maxByType.get(key) ?? 0)) this.#maxByType.set(key, seq);
    if (seq > (this.#maxByYear.get(year) ?? 0)) this.#maxByYear.set(year, seq);
  }

  /** Repeated strings (types, purposes, reasons) stored once; capped in case a file is odd. */
  #str(s: string): string {
    if (!this.full) return s;
    const known = this.#intern.get(s);
    if (known !== undefined) return known;
    if (this.#intern.size < 10_000) this.#intern.set(s, s);
    return s;
  }
}

/** The n of an id `YYYYMMDD-<n>`; NaN for any other shape. */
function idOrdinal(id: string): number {
  const dash = id.indexOf('-');
  if (dash !== 8) return Number.NaN;
  const tail = id.slice(dash + 1);
  return /^\d+$/.test(tail) ? Number(tail) : Number.NaN;
}

/**
 * A set of letter numbers kept as 62-bit hashes in one typed array (1.6 MB for 100,000 numbers
 * instead of ~7 MB of strings). A false "seen" (odds ~1e-13 per letter) can only make reserve()
 * skip a number, never give one twice.
 */
export class NumberSet {
  #table: Uint32Array;
  #size = 0;

  constructor(capacity = 1024) {
    this.#table = new Uint32Array(capacity * 2);
  }

  get size(): number {
    return this.#size;
  }

  has(s: string): boolean {
    const [a, b] = hash2(s);
    return this.#slot(a, b) < 0;
  }

  add(s: string): void {
    const [a, b] = hash2(s);
    this.#insert(a, b);
  }

  toBase64(): string {
    const packed = new Uint32Array(this.#size * 2);
    const t = this.#table;
    let j = 0;
    for (let i = 0; i < t.length; i += 2) {
      if (t[i + 1] === 0) continue;
      packed[j++] = t[i]!;
      packed[j++] = t[i + 1]!;
    }
    return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('base64');
  }

  static fromBase64(text: string): NumberSet {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length % 8 !== 0) throw new Error('number set of odd length');
    const packed = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    let capacity = 1024;
    while (capacity < packed.length) capacity *= 2; // load <= 1/2
    const set = new NumberSet(capacity);
    for (let i = 0; i < packed.length; i += 2) {
      if (packed[i + 1] === 0) throw new Error('number set holds an empty slot');
      set.#insert(packed[i]!, packed[i + 1]!);
    }
    return set;
  }

  #insert(a: number, b: number): void {
    const slot = this.#slot(a, b);
    if (slot < 0) return;
    this.#table[slot] = a;
    this.#table[slot + 1] = b;
    this.#size++;
    if (this.#size * 4 > this.#table.length) this.#grow();
  }

  /** Index of the free slot for (a, b), or -1 when present. Linear probing; b is never 0. */
  #slot(a: number, b: number): number {
    const t = this.#table;
    const mask = t.length / 2 - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const p = i * 2;
      if (t[p + 1] === 0) return p;
      if (t[p] === a && t[p + 1] === b) return -1;
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Uint32Array(old.length * 2);
    this.#size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.#insert(old[i]!, old[i + 1]!);
  }
}

/** Two independent 32-bit hashes (FNV-1a with different seeds, murmur3 finaliser); b != 0. */
function hash2(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [fmix(a) >>> 0, fmix(b ^ s.length) >>> 0 || 1];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
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
