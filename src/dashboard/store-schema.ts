/** Tables of the dashboard's history store (src/dashboard/store.ts). Additive only. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, type TEXT NOT NULL, time INTEGER NOT NULL,
  day TEXT NOT NULL, sub TEXT, detail TEXT
);
CREATE INDEX IF NOT EXISTS events_kiosk_time ON events(kiosk, time);
CREATE INDEX IF NOT EXISTS events_time ON events(time);
CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, time INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_time ON seen(time);
CREATE TABLE IF NOT EXISTS daily (
  day TEXT NOT NULL, kiosk TEXT NOT NULL, type TEXT NOT NULL, sub TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (day, kiosk, type, sub)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS daily_type_day ON daily(type, day);
CREATE TABLE IF NOT EXISTS telemetry (
  kiosk TEXT NOT NULL, slot INTEGER NOT NULL, cpu_temp_c REAL, memory_used_pct REAL,
  disk_free_mb REAL, outbox_depth INTEGER, PRIMARY KEY (kiosk, slot)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS telemetry_slot ON telemetry(slot);
CREATE TABLE IF NOT EXISTS availability (kiosk TEXT PRIMARY KEY, status TEXT NOT NULL, since INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS transitions (kiosk TEXT NOT NULL, time INTEGER NOT NULL, status TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS transitions_kiosk_time ON transitions(kiosk, time);
CREATE TABLE IF NOT EXISTS versions (version TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS raised (alert TEXT PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS acks (alert TEXT PRIMARY KEY, by_user TEXT NOT NULL, at INTEGER NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutes (
  kiosk TEXT PRIMARY KEY, reason TEXT NOT NULL, until INTEGER NOT NULL, by_user TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS commands (
  at INTEGER NOT NULL, user TEXT NOT NULL, kiosk TEXT NOT NULL, command TEXT NOT NULL,
  args TEXT NOT NULL, outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS commands_kiosk ON commands(kiosk, at);
`;
