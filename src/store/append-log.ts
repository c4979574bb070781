/**
 * An append-only JSON Lines file that survives power loss: one record per line, each append
 * written and fdatasync'ed before it resolves, the file never rewritten. Used for logs that
 * grow without bound (the letter register), which must not go through lowdb (every lowdb write
 * serialises the whole document).
 *
 * On open the file is replayed line by line. A power cut can only damage the LAST line (every
 * earlier one was synced before the next was written), and only by cutting it short: a torn last
 * line (no newline) is cut off with a warning. A bad line anywhere else, a complete last line that
 * does not parse, or a line whose checksum (line-checksum.ts) fails means the file was damaged
 * otherwise: refuse, naming the file and the line.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type ErrorCode, errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fsyncDir } from './durable-file.ts';
import { isSealedLine, LineChecksumError, parseLine, sealLine } from './line-checksum.ts';

const CHUNK = 1 << 20;
const NL = 0x0a;

export interface AppendLogOptions {
  logger: Logger;
  /** Called for every good line in order; throw to reject the line (reported with its number). */
  onRecord: (record: unknown, lineNo: number) => void;
  /** Error code for a damaged file ('register_corrupt'). */
  corruptCode: ErrorCode;
  /** What a technician should do about a damaged line; appended to the error message. */
  repairHint: string;
  /** Read only: no torn-line repair, no appends (a CLI reading while the daemon runs). */
  readOnly?: boolean;
  /** Replay only what follows this position (a checkpoint of the state before it). */
  from?: { offset: number; lines: number };
}

/**
 * Thrown by `onRecord` to abandon the replay as it is (not a damaged line): open() rejects with
 * it unchanged and nothing in the file is touched.
 */
export class ReplayAbort extends Error {}

export class AppendLog {
  readonly file: string;
  #fh: FileHandle | null;
  #size: number;
  #lines: number;
  #queue: Promise<void> = Promise.resolve();

  private constructor(file: string, fh: FileHandle | null, size: number, lines: number) {
    this.file = file;
    this.#fh = fh;
    this.#size = size;
    this.#lines = lines;
  }

  /** Number of good lines in the file. */
  get lines(): number {
    return this.#lines;
  }

  /** Bytes of good lines in the file (appends included once they resolved). */
  get size(): number {
    return this.#size;
  }

  /** Replays `file` (missing = empty) through `opts.onRecord`, then opens it for appending. */
  static async open(file: string, opts: AppendLogOptions): Promise<AppendLog> {
    const { goodSize, lines, tornBytes, needsNewline } = await replay(file, opts);
    if (opts.readOnly) return new AppendLog(file, null, goodSize, lines);

    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let created = false;
    if (tornBytes > 0) {
      opts.logger.warn(
        { file, line: lines + 1, bytes: tornBytes },
        'last line of an append-only file was torn by a power cut or crash: ignoring it',
      );
      await fs.truncate(file, goodSize);
    }
    const fh = await fs.open(file, 'a', 0o600).catch((err) => {
      throw new KioskError(opts.corruptCode, `cannot open ${file} for appending: ${errorMessage(err)}`, {
        cause: err,
      });
    });
    if (goodSize === 0 && tornBytes === 0) created = true;
    const log = new AppendLog(file, fh, goodSize, lines);
    // A last line that lost only its newline is good; the next record must start on a new line.
    if (needsNewline) await log.#write('\n');
    if (tornBytes > 0) await fh.datasync();
    if (created) await fsyncDir(path.dirname(file));
    return log;
  }

  /** Appends one record as a JSON line; resolves once it is on disk. */
  append(record: unknown): Promise<void> {
    if (this.#fh === null) throw new Error(`${this.file} was opened read-only or is closed`);
    const text = `${sealLine(record)}\n`;
    const run = this.#queue.then(async () => {
      await this.#write(text);
      this.#lines++;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = null;
    await this.#queue;
    await fh?.close();
  }

  async #write(text: string): Promise<void> {
    const fh = this.#fh;
    if (fh === null) throw new Error(`${this.file} is closed`);
    const bytes = Buffer.from(text, 'utf8');
    try {
      const { bytesWritten } = await fh.write(bytes, 0, bytes.length);
      // A regular file's short write means the disk (or a quota) is full.
      if (bytesWritten !== bytes.length)
        throw Object.assign(
          new Error(`short write (${bytesWritten} of ${bytes.length} bytes): no space left`),
          {
            code: 'ENOSPC',
          },
        );
      await fh.datasync();
      this.#size += bytes.length;
    } catch (err) {
      // Cut a partial line off so that the next append does not glue onto it.
      await fh.truncate(this.#size).catch(() => {});
      throw err;
    }
  }
}

async function replay(
  file: string,
  opts: AppendLogOptions,
): Promise<{ goodSize: number; lines: number; tornBytes: number; needsNewline: boolean }> {
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { goodSize: 0, lines: 0, tornBytes: 0, needsNewline: false };
    throw new KioskError(opts.corruptCode, `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  let lineNo = opts.from?.lines ?? 0;
  let pos = opts.from?.offset ?? 0; // file offset of `carry`'s first byte
  let readPos = pos;
  let carry: Buffer = Buffer.alloc(0);
  // The last non-empty line that failed to parse; an error only if another line follows it.
  let pending: { lineNo: number; offset: number; reason: string } | null = null;
  let goodSize = pos;
  const chunk = Buffer.allocUnsafe(CHUNK);

  const handle = (line: Buffer, offset: number, hasNewline: boolean): void => {
    lineNo++;
    if (pending !== null) throw damaged(file, pending.lineNo, pending.reason, opts);
    const text = line.toString('utf8');
    if (text.trim() === '') {
      if (hasNewline) goodSize = offset + line.length + 1;
      return;
    }
    let record: unknown;
    try {
      record = parseLine(text);
    } catch (err) {
      // A torn write is a prefix of a line: a complete line (newline included) that does not
      // parse, a checksum that does not match, or a whole checksummed line followed by one more
      // byte (its newline, damaged) was damaged after it was written.
      if (hasNewline || err instanceof LineChecksumError || isSealedLine(text.slice(0, -1)))
        throw damaged(file, lineNo, errorMessage(err), opts);
      pending = { lineNo, offset, reason: errorMessage(err) };
      return;
    }
    try {
      opts.onRecord(record, lineNo);
    } catch (err) {
      if (err instanceof ReplayAbort) throw err;
      if (!hasNewline) {
        // A torn line can still parse ("…" cut at a comma is not JSON, but "12" of "123" is).
        pending = { lineNo, offset, reason: errorMessage(err) };
        return;
      }
      throw damaged(file, lineNo, errorMessage(err), opts);
    }
    goodSize = offset + line.length + (hasNewline ? 1 : 0);
  };

  try {
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, readPos);
      if (bytesRead === 0) break;
      readPos += bytesRead;
      let buf =
        carry.length > 0
          ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
          : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
        handle(buf.subarray(start, nl), pos + start, true);
        start = nl + 1;
      }
      pos += start;
      buf = buf.subarray(start);
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(buf);
    }
    if (carry.length > 0) handle(carry, pos, false);
  } finally {
    await fh.close();
  }
  const end = pos + carry.length;
  const lastGoodLineLacksNewline =
    pending === null && carry.length > 0 && carry.toString('utf8').trim() !== '';
  return {
    goodSize,
    lines: lineNo - (pending !== null ? 1 : 0),
    tornBytes: end - goodSize,
    needsNewline: lastGoodLineLacksNewline,
  };
}

function damaged(file: string, lineNo: number, reason: string, opts: AppendLogOptions): KioskError {
  return new KioskError(
    opts.corruptCode,
    `${file} line ${lineNo} is damaged (${reason}); ${opts.repairHint}`,
  );
}
