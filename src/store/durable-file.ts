/**
 * A lowdb 7 adapter that survives power loss.
 *
 * lowdb's own TextFile writer renames a temp file but never fsyncs, so after a power cut users
 * find an empty or truncated JSON file that crashes the app at start (typicode/lowdb#549). Here:
 *
 *   write:  <file>.tmp  --write+fsync-->  link <file> as <file>.bak  --rename tmp over file-->
 *           fsync the directory (makes both renames durable)
 *   read:   <file> ok → use it;  bad (empty / truncated / garbage) → <file>.bak with a warning;
 *           both bad → KioskError('data_corrupt') naming the file and what to do.
 *
 * A missing file with no backup is a first start (lowdb keeps its default data). A file that
 * exists but cannot be used is never treated as empty.
 *
 * A compact file (indent 0) ends with a `"crc"` field (line-checksum.ts): a flipped bit that still
 * parses (one digit of a NIK) makes the file unusable, so the backup is used, never wrong data.
 * Files written without one still read.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { parseLine, sealLine } from './line-checksum.ts';

export interface DurableJsonFileOptions<T> {
  logger: Logger;
  /** Checks the parsed JSON has the expected shape; throw (any error) when it does not. */
  validate?: (data: unknown) => T;
  /** File mode for newly written files (personal data: 0600 by default). */
  mode?: number;
  /** Indentation for JSON.stringify; 0 (compact) keeps big files small. */
  indent?: number;
}

type Attempt<T> = { kind: 'ok'; data: T } | { kind: 'missing' } | { kind: 'bad'; reason: string };

export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly backup: string;
  readonly #tmp: string;
  readonly #logger: Logger;
  readonly #validate: (data: unknown) => T;
  readonly #mode: number;
  readonly #indent: number;
  /** True once the main file is known good (read from it, or written it ourselves). */
  #mainGood = false;
  /** Writes are chained so two writes never share the temp file. */
  #queue: Promise<void> = Promise.resolve();

  constructor(file: string, opts: DurableJsonFileOptions<T>) {
    this.file = file;
    this.backup = `${file}.bak`;
    this.#tmp = `${file}.tmp`;
    this.#logger = opts.logger;
    this.#validate = opts.validate ?? ((d) => d as T);
    this.#mode = opts.mode ?? 0o600;
    this.#indent = opts.indent ?? 0;
  }

  /** The data, or null on a first start (no file, no backup). */
  async read(): Promise<T | null> {
    const main = await this.#attempt(this.file);
    if (main.kind === 'ok') {
      this.#mainGood = true;
      return main.data;
    }
    this.#mainGood = false;
    const bak = await this.#attempt(this.backup);
    if (main.kind === 'missing' && bak.kind === 'missing') return null;
    if (bak.kind === 'ok') {
      this.#logger.warn(
        { file: this.file, backup: this.backup, reason: main.kind === 'bad' ? main.reason : 'file missing' },
        'data file unusable (power loss during a write?): using the backup; the next change rewrites it',
      );
      return bak.data;
    }
    const mainWhy = main.kind === 'bad' ? main.reason : 'missing';
    const bakWhy = bak.kind === 'bad' ? bak.reason : 'missing';
    throw new KioskError(
      'data_corrupt',
      `${this.file} is unreadable (${mainWhy}) and its backup ${this.backup} is ${bak.kind === 'missing' ? 'missing' : `unreadable too (${bakWhy})`}; ` +
        'refusing to start with empty data: restore the file from a copy or re-import it ' +
        '(`anjungan residents import`), then move the broken file away',
    );
  }

  /** Durably replaces the file; the previous good version becomes `<file>.bak`. */
  write(data: T): Promise<void> {
    const run = this.#queue.then(() => this.#write(data));
    // The chain must survive a failed write; the caller still sees the rejection.
    this.#queue = run.catch(() => {});
    return run;
  }

  async #write(data: T): Promise<void> {
    const text = this.#indent ? JSON.stringify(data, null, this.#indent) : sealLine(data);
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const fh = await fs.open(this.#tmp, 'w', this.#mode);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    const kept = await this.#keepBackup();
    await fs.rename(this.#tmp, this.file);
    // The first version of a file has no previous one to keep: a copy of it (not a link, which
    // would share the damage) becomes the backup, so a file damaged later still has a good
    // version to fall back on.
    if (!kept && !(await this.#exists(this.backup))) await this.#copyToBackup();
    await fsyncDir(dir);
    this.#mainGood = true;
  }

  /**
   * Makes the current main file the backup, but only when it is known good: after a read that
   * fell back to the backup, the good backup must not be replaced by the broken main file.
   * A hard link keeps the main file in place the whole time (no window where it is missing).
   */
  async #keepBackup(): Promise<boolean> {
    if (!this.#mainGood) {
      const main = await this.#attempt(this.file);
      if (main.kind !== 'ok') return false;
    }
    return this.#linkBackup();
  }

  /** Makes the main file (before it is replaced) the backup; false when there is none. */
  async #linkBackup(): Promise<boolean> {
    await fs.rm(this.backup, { force: true });
    try {
      await fs.link(this.file, this.backup);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      // Filesystems without hard links (vfat): a copy is slower but as good.
      await this.#copyToBackup();
    }
    return true;
  }

  async #copyToBackup(): Promise<void> {
    await fs.copyFile(this.file, this.backup);
    const fh = await fs.open(this.backup, 'r');
    await fh.sync().finally(() => fh.close());
  }

  async #exists(file: string): Promise<boolean> {
    return fs.access(file).then(
      () => true,
      () => false,
    );
  }

  async #attempt(file: string): Promise<Attempt<T>> {
    let text: string;
    try {
      // Sync on purpose: Node reads and decodes it natively in one go. The async readFile(…,
      // 'utf8') decodes chunk by chunk (young-generation churn that grows the heap for good), and
      // reading a Buffer first keeps a second copy of the file alive until a full GC.
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'bad', reason: errorMessage(err) };
    }
    if (text.trim() === '') return { kind: 'bad', reason: `empty file (${text.length} bytes)` };
    let parsed: unknown;
    try {
      parsed = parseLine(text.endsWith('\n') ? text.slice(0, -1) : text);
    } catch (err) {
      return { kind: 'bad', reason: `not valid JSON, truncated, damaged or garbage: ${errorMessage(err)}` };
    }
    try {
      return { kind: 'ok', data: this.#validate(parsed) };
    } catch (err) {
      return { kind: 'bad', reason: `unexpected content: ${errorMessage(err)}` };
    }
  }
}

/** fsync a directory so renames and new entries in it survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await fs.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * What identifies one version of a durably written file (every write renames a new inode into
 * place), or null when there is no file. Lets a reader tell that another process wrote it. The
 * change time is part of it: `sudo anjungan residents import` writes the file as root and hands
 * it to the service user right after, and the kiosk must read it again once it may.
 */
export async function fileVersion(file: string): Promise<string | null> {
  try {
    const s = await fs.stat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** Writes a JSON file whole or not at all (temp file, fsync, rename, fsync the directory). */
export async function writeJsonDurably(file: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileDurably(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/**
 * Writes a file whole or not at all: `<file>.tmp-<pid>`, fsync, rename, fsync the directory. A
 * process killed mid-write leaves only the temp file, which removeStaleTemps() clears.
 */
export async function writeFileDurably(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}${TEMP_INFIX}${process.pid}`;
  const fh = await fs.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

const TEMP_INFIX = '.tmp-';
const STALE_TEMP = /\.tmp-\d+$/;

/**
 * Deletes the temp files writeFileDurably() left in `dir` when its process was killed mid-write
 * (a power cut): call it where only this process writes, before it writes. Resolves with how
 * many went; a missing directory has none.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => STALE_TEMP.test(n));
  await Promise.all(stale.map((n) => fs.rm(path.join(dir, n), { force: true })));
  return stale.length;
}
