/**
 * The dashboard's history under `--data`: events (de-duplicated by their id, counted by their
 * own time), daily counts, telemetry downsampled to 15 minutes, availability since-when,
 * accounts, acknowledgements, mutes and the command log.
 *
 * SQLite in WAL mode through sqlite.ts: `node:sqlite` on Node ≥ 22.13, better-sqlite3 on
 * Node 20 (same SQL on both). Nothing outside this file touches the database.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase, type Statement } from './sqlite.ts';
import { SCHEMA_SQL } from './store-schema.ts';

export const TELEMETRY_SLOT_MS = 15 * 60_000;
/**
 * Raw events are kept 90 days, but their ids 400: a kiosk's outbox can deliver an event long
 * after it happened, and a redelivery must not count twice once the event itself is pruned.
 * Events older than `idsDays` are refused (their day's counts are long reported).
 */
export const RETENTION = { eventsDays: 90, telemetryDays: 30, idsDays: 400 } as const;
const DAY_MS = 86_400_000;

export interface StoredEvent {
  id: string;
  kiosk: string;
  type: string;
  time: number;
  /** Local day (YYYY-MM-DD) of `time` in the district's zone. */
  day: string;
  /** letter_type for letters, the answer for a rating, else null. */
  sub: string | null;
  /** A short, non-personal detail: failure reason, letter number. */
  detail: string | null;
}

export interface TelemetrySample {
  cpu_temp_c: number | null;
  memory_used_pct: number | null;
  disk_free_mb: number | null;
  outbox_depth: number | null;
}

export type Role = 'viewer' | 'operator';
export interface User {
  name: string;
  role: Role;
  hash: string;
}
export interface Ack {
  alert: string;
  by: string;
  at: number;
  note: string;
}
export interface Mute {
  kiosk: string;
  reason: string;
  until: number;
  by: string;
  at: number;
}
export interface CommandLogEntry {
  at: number;
  user: string;
  kiosk: string;
  command: string;
  args: string;
  outcome: string;
}

export class HistoryStore {
  private readonly db: SqliteDatabase;
  private readonly insertEvent: Statement;
  private readonly insertSeen: Statement;
  private readonly bumpDaily: Statement;
  private readonly putTelemetry: Statement;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = openDatabase(join(dataDir, 'dashboard.sqlite'));
    this.db.exec('PRAGMA journal_mode = WAL');
    // NORMAL in WAL mode: a power cut loses at most the last transactions, never corrupts.
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec(SCHEMA_SQL);
    this.insertEvent = this.db.prepare(
      'INSERT OR IGNORE INTO events(id, kiosk, type, time, day, sub, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen(id, time) VALUES (?, ?)');
    this.bumpDaily = this.db.prepare(
      `INSERT INTO daily(day, kiosk, type, sub, n) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT(day, kiosk, type, sub) DO UPDATE SET n = n + 1`,
    );
    this.putTelemetry = this.db.prepare(
      `INSERT OR REPLACE INTO telemetry(kiosk, slot, cpu_temp_c, memory_used_pct, disk_free_mb, outbox_depth)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  close(): void {
    this.db.close();
  }

  /** Stores an event; false when its id was seen before (a redelivery) or it is too old to tell. */
  addEvent(e: StoredEvent, now: number = Date.now()): boolean {
    if (e.time < now - RETENTION.idsDays * DAY_MS) return false;
    return this.db.transaction(() => {
      if (Number(this.insertSeen.run(e.id, e.time).changes) === 0) return false;
      this.insertEvent.run(e.id, e.kiosk, e.type, e.time, e.day, e.sub, e.detail);
      this.bumpDaily.run(e.day, e.kiosk, e.type, e.sub ?? '');
      return true;
    });
  }

  /** Keeps the newest sample of each 15-minute slot. */
  addTelemetry(kiosk: string, time: number, s: TelemetrySample): void {
    const slot = Math.floor(time / TELEMETRY_SLOT_MS) * TELEMETRY_SLOT_MS;
    this.putTelemetry.run(kiosk, slot, s.cpu_temp_c, s.memory_used_pct, s.disk_free_mb, s.outbox_depth);
  }

  /** Records an availability; returns since when the kiosk has had it (unchanged: the old time). */
  setAvailability(kiosk: string, status: string, at: number): number {
    const old = this.db.prepare('SELECT status, since FROM availability WHERE kiosk = ?').get(kiosk) as
      | { status: string; since: number }
      | undefined;
    if (old?.status === status) return old.since;
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO availability(kiosk, status, since) VALUES (?, ?, ?)')
        .run(kiosk, status, at);
      this.db.prepare('INSERT INTO transitions(kiosk, time, status) VALUES (?, ?, ?)').run(kiosk, at, status);
    });
    return at;
  }

  availabilities(): Map<string, { status: string; since: number }> {
    const rows = this.db.prepare('SELECT kiosk, status, since FROM availability').all() as {
      kiosk: string;
      status: string;
      since: number;
    }[];
    return new Map(rows.map((r) => [r.kiosk, { status: r.status, since: r.since }]));
  }

  transitions(kiosk: string, from: number): { time: number; status: string }[] {
    return this.db
      .prepare('SELECT time, status FROM transitions WHERE kiosk = ? AND time >= ? ORDER BY time')
      .all(kiosk, from) as { time: number; status: string }[];
  }

  events(kiosk: string, from: number, limit = 200): StoredEvent[] {
    return this.db
      .prepare('SELECT * FROM events WHERE kiosk = ? AND time >= ? ORDER BY time DESC LIMIT ?')
      .all(kiosk, from, limit) as StoredEvent[];
  }

  /** Events of some types (of one kiosk, or all with null) from `from` on, oldest first. */
  eventsOfTypes(
    types: readonly string[],
    from: number,
    kiosk: string | null = null,
    limit = 100_000,
  ): StoredEvent[] {
    const marks = types.map(() => '?').join(', ');
    const where = kiosk === null ? '' : 'AND kiosk = ?';
    return this.db
      .prepare(
        `SELECT * FROM (SELECT * FROM events WHERE type IN (${marks}) AND time >= ? ${where}
         ORDER BY time DESC LIMIT ?) ORDER BY time`,
      )
      .all(...types, from, ...(kiosk === null ? [] : [kiosk]), limit) as StoredEvent[];
  }

  /** Daily counts of one kiosk (or all with null) of one event type from `fromDay` on. */
  daily(kiosk: string | null, type: string, fromDay: string, toDay = '9999'): DailyCount[] {
    const where = kiosk === null ? '' : 'AND kiosk = @kiosk';
    return this.db
      .prepare(
        `SELECT day, kiosk, sub, n FROM daily WHERE type = @type AND day >= @fromDay AND day <= @toDay ${where}
         ORDER BY day, kiosk, sub`,
      )
      .all(kiosk === null ? { type, fromDay, toDay } : { type, fromDay, toDay, kiosk }) as DailyCount[];
  }

  telemetry(kiosk: string, from: number): ({ slot: number } & TelemetrySample)[] {
    return this.db
      .prepare('SELECT * FROM telemetry WHERE kiosk = ? AND slot >= ? ORDER BY slot')
      .all(kiosk, from) as ({ slot: number } & TelemetrySample)[];
  }

  /** The time a version was first seen in the fleet (recorded on the first call). */
  versionFirstSeen(version: string, at: number): number {
    this.db.prepare('INSERT OR IGNORE INTO versions(version, first_seen) VALUES (?, ?)').run(version, at);
    const row = this.db.prepare('SELECT first_seen FROM versions WHERE version = ?').get(version) as {
      first_seen: number;
    };
    return row.first_seen;
  }

  // ---- accounts ----
  user(name: string): User | null {
    return (this.db.prepare('SELECT name, role, hash FROM users WHERE name = ?').get(name) as User) ?? null;
  }
  users(): User[] {
    return this.db.prepare('SELECT name, role, hash FROM users ORDER BY name').all() as User[];
  }
  putUser(u: User): void {
    this.db
      .prepare('INSERT OR REPLACE INTO users(name, role, hash) VALUES (?, ?, ?)')
      .run(u.name, u.role, u.hash);
  }
  removeUser(name: string): boolean {
    return Number(this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes) > 0;
  }

  // ---- alerts ----
  ack(a: Ack): void {
    this.db
      .prepare('INSERT OR REPLACE INTO acks(alert, by_user, at, note) VALUES (?, ?, ?, ?)')
      .run(a.alert, a.by, a.at, a.note);
  }
  acks(): Map<string, Ack> {
    const rows = this.db.prepare('SELECT alert, by_user AS by, at, note FROM acks').all() as Ack[];
    return new Map(rows.map((r) => [r.alert, r]));
  }
  /** Alerts raised and not yet ended (key → since). */
  raised(): Map<string, number> {
    const rows = this.db.prepare('SELECT alert, since FROM raised').all() as {
      alert: string;
      since: number;
    }[];
    return new Map(rows.map((r) => [r.alert, r.since]));
  }
  /** Records alerts raised and ended by one evaluation. */
  saveRaised(added: { key: string; since: number }[], ended: string[]): void {
    if (added.length === 0 && ended.length === 0) return;
    const put = this.db.prepare('INSERT OR REPLACE INTO raised(alert, since) VALUES (?, ?)');
    const del = this.db.prepare('DELETE FROM raised WHERE alert = ?');
    this.db.transaction(() => {
      for (const a of added) put.run(a.key, a.since);
      for (const key of ended) del.run(key);
    });
  }
  /** Forgets the acknowledgements of alerts that ended (a new one starts unacknowledged). */
  dropAcks(alerts: string[]): void {
    const del = this.db.prepare('DELETE FROM acks WHERE alert = ?');
    for (const key of alerts) del.run(key);
  }
  mute(m: Mute): void {
    this.db
      .prepare('INSERT OR REPLACE INTO mutes(kiosk, reason, until, by_user, at) VALUES (?, ?, ?, ?, ?)')
      .run(m.kiosk, m.reason, m.until, m.by, m.at);
  }
  unmute(kiosk: string): void {
    this.db.prepare('DELETE FROM mutes WHERE kiosk = ?').run(kiosk);
  }
  mutes(now: number): Map<string, Mute> {
    const rows = this.db
      .prepare('SELECT kiosk, reason, until, by_user AS by, at FROM mutes WHERE until > ?')
      .all(now) as Mute[];
    return new Map(rows.map((r) => [r.kiosk, r]));
  }

  // ---- commands ----
  logCommand(c: CommandLogEntry): void {
    this.db
      .prepare('INSERT INTO commands(at, user, kiosk, command, args, outcome) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.at, c.user, c.kiosk, c.command, c.args, c.outcome);
  }
  commands(kiosk: string, limit = 50): CommandLogEntry[] {
    return this.db
      .prepare(
        'SELECT at, user, kiosk, command, args, outcome FROM commands WHERE kiosk = ? ORDER BY at DESC LIMIT ?',
      )
      .all(kiosk, limit) as CommandLogEntry[];
  }

  /** Retention: raw events 90 days, telemetry 30 days; daily counts stay. */
  prune(now: number): { events: number; telemetry: number } {
    const events = this.db
      .prepare('DELETE FROM events WHERE time < ?')
      .run(now - RETENTION.eventsDays * DAY_MS);
    const telemetry = this.db
      .prepare('DELETE FROM telemetry WHERE slot < ?')
      .run(now - RETENTION.telemetryDays * DAY_MS);
    this.db.prepare('DELETE FROM transitions WHERE time < ?').run(now - RETENTION.eventsDays * DAY_MS);
    this.db.prepare('DELETE FROM seen WHERE time < ?').run(now - RETENTION.idsDays * DAY_MS);
    return { events: Number(events.changes), telemetry: Number(telemetry.changes) };
  }
}

export interface DailyCount {
  day: string;
  kiosk: string;
  sub: string;
  n: number;
}

/** YYYY-MM-DD of `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string): string {
  return dayFormat(timeZone).format(ms);
}

const formats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}
