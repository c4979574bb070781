/**
 * One SQLite interface over two engines: Node's own `node:sqlite` where the running Node has it
 * (22.13 and later, no flag), else better-sqlite3 (Node 20 on a development machine: a dev
 * dependency, so release bundles, which need Node >= 22.13, do not carry or compile it).
 * A native addon is built for one Node ABI; with `node:sqlite` preferred, a checkout installed
 * under one Node and run under another still opens its store. Both engines take the same SQL,
 * `@name` parameters and `run/get/all`; transactions are plain BEGIN / COMMIT here.
 */
import { createRequire } from 'node:module';

export interface Statement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  readonly engine: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** Runs `fn` in one transaction: all of it or nothing. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

interface RawDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): Statement;
  close(): unknown;
}

type Open = (file: string) => RawDatabase;

function engine(): { name: SqliteDatabase['engine']; open: Open } {
  const builtin = process.getBuiltinModule?.('node:sqlite') as
    | { DatabaseSync: new (file: string) => RawDatabase }
    | undefined;
  if (builtin?.DatabaseSync) return { name: 'node:sqlite', open: (file) => new builtin.DatabaseSync(file) };
  const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawDatabase;
  return { name: 'better-sqlite3', open: (file) => new BetterSqlite(file) };
}

export function openDatabase(file: string): SqliteDatabase {
  const e = engine();
  const db = e.open(file);
  let depth = 0;
  return {
    engine: e.name,
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    transaction<T>(fn: () => T): T {
      // Nested calls join the outer transaction.
      if (depth > 0) return fn();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    close: () => void db.close(),
  };
}
