/**
 * A checkpoint of state derived from an append-only file (the letter register): the state as it
 * was after the first `offset` bytes / `lines` lines, so that a start replays only what was
 * appended since. Purely an optimisation: whenever the checkpoint does not provably belong to the
 * file, read() says why and the caller replays the whole file.
 *
 *   line 1: {"v":1,"sha256":"<hash of the rest>","offset":…,"lines":…,"head":"…","tail":"…","size":…}
 *   rest:   the state as JSON
 *
 * `head`/`tail` are SHA-256 of the first and the last 64 KiB before `offset` (a replaced, truncated
 * or restored file does not match); `sha256` covers the state (a torn or edited checkpoint does
 * not match). Written temp + fsync + rename + fsync(dir), like every durable file here.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { fsyncDir } from './durable-file.ts';

const SAMPLE = 64 * 1024;
const NL = 0x0a;

export interface LogPosition {
  /** Bytes of the log covered (ends just after a newline, or 0). */
  offset: number;
  /** Lines of the log covered. */
  lines: number;
}

interface Header extends LogPosition {
  v: 1;
  sha256: string;
  head: string;
  tail: string;
}

export type CheckpointRead<T> = { ok: true; position: LogPosition; state: T } | { ok: false; reason: string };

/** Durably writes the state of `logFile`'s first `position.offset` bytes to `file`. */
export async function writeCheckpoint(
  file: string,
  logFile: string,
  position: LogPosition,
  state: unknown,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(state), 'utf8');
  const fp = await fingerprint(logFile, position.offset);
  if (fp === null) throw new Error(`${logFile} is shorter than ${position.offset} bytes`);
  const header: Header = {
    v: 1,
    sha256: sha256(body),
    offset: position.offset,
    lines: position.lines,
    ...fp,
  };
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/** The checkpoint's state when it matches `logFile`, else why not (missing, damaged, stale). */
export async function readCheckpoint<T>(file: string, logFile: string): Promise<CheckpointRead<T>> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    return {
      ok: false,
      reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : errorMessage(err),
    };
  }
  try {
    const nl = bytes.indexOf(NL);
    if (nl < 0) return { ok: false, reason: 'no header line' };
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Partial<Header>;
    const body = bytes.subarray(nl + 1);
    if (header.v !== 1) return { ok: false, reason: `version ${String(header.v)}` };
    if (header.sha256 !== sha256(body)) return { ok: false, reason: 'damaged (checksum)' };
    if (!Number.isSafeInteger(header.offset) || !Number.isSafeInteger(header.lines))
      return { ok: false, reason: 'no position' };
    const fp = await fingerprint(logFile, header.offset!);
    if (fp === null)
      return {
        ok: false,
        reason: `${path.basename(logFile)} is shorter than the checkpoint or was rewritten`,
      };
    if (fp.head !== header.head || fp.tail !== header.tail)
      return { ok: false, reason: `${path.basename(logFile)} is not the file the checkpoint was made from` };
    const state = JSON.parse(body.toString('utf8')) as T;
    return { ok: true, position: { offset: header.offset!, lines: header.lines! }, state };
  } catch (err) {
    return { ok: false, reason: `unreadable: ${errorMessage(err)}` };
  }
}

/** Hashes of the first and last 64 KiB before `offset`; null when the file is shorter. */
async function fingerprint(logFile: string, offset: number): Promise<{ head: string; tail: string } | null> {
  let fh: FileHandle;
  try {
    fh = await fs.open(logFile, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return offset === 0 ? empty() : null;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size < offset) return null;
    if (offset === 0) return empty();
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, offset - 1);
    if (last[0] !== NL) return null;
    const head = await readAt(fh, 0, Math.min(SAMPLE, offset));
    const tailStart = Math.max(0, offset - SAMPLE);
    const tail = await readAt(fh, tailStart, offset - tailStart);
    return { head: sha256(head), tail: sha256(tail) };
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error('file shrank while reading');
    done += bytesRead;
  }
  return buf;
}

function empty(): { head: string; tail: string } {
  const h = sha256(Buffer.alloc(0));
  return { head: h, tail: h };
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
