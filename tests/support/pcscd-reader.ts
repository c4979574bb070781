/**
 * Drives tests/support/pcscd-reader-child.ts: the PC/SC adapter in its own process, attached to
 * a private pcscd (see pcscd.ts), its events read back as JSON lines.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PcscdInstance } from './pcscd.ts';
import { PROCESS_START_MS } from './wait.ts';

export interface ReaderEvent {
  ev: 'presence' | 'detected' | 'tap' | 'read_error' | 'removed' | 'started' | 'stopped';
  present?: boolean;
  uid?: string;
  atr?: string | null;
  code?: string;
  message?: string;
  describe?: string;
}

export interface ReaderChild {
  /** Every event so far. */
  readonly events: ReaderEvent[];
  /**
   * Waits for the next event named `ev` after the previous match; returns it and the events
   * passed over on the way (so a test can assert, e.g., that no tap slipped in).
   */
  next(ev: ReaderEvent['ev'], timeoutMs?: number): Promise<{ event: ReaderEvent; skipped: ReaderEvent[] }>;
  /** Sends `stop`; resolves with the exit code, or rejects when the process does not exit by itself. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** The child's stderr (its logs), for failure messages. */
  stderr(): string;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pcscd-reader-child.ts');

/** Starts the adapter in a child process against `pcscd`; resolves once it reports `started`. */
export async function spawnPcscReader(
  pcscd: PcscdInstance,
  cfg: { name?: string | null } = {},
): Promise<ReaderChild> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify(cfg)],
    { env: { ...pcscd.env, ANJUNGAN_LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: ReaderEvent[] = [];
  let err = '';
  let cursor = 0;
  let wake: (() => void) | null = null;
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) events.push(JSON.parse(line) as ReaderEvent);
      i = buf.indexOf('\n');
    }
    wake?.();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const next: ReaderChild['next'] = async (ev, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idx = events.findIndex((e, i) => i >= cursor && e.ev === ev);
      if (idx >= 0) {
        const skipped = events.slice(cursor, idx);
        cursor = idx + 1;
        return { event: events[idx] as ReaderEvent, skipped };
      }
      const left = deadline - Date.now();
      if (left <= 0 || child.exitCode !== null) {
        throw new Error(
          `no '${ev}' event within ${timeoutMs} ms; events: ${JSON.stringify(events.slice(cursor))}\n${err}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  };

  const handle: ReaderChild = {
    events,
    next,
    async stop(timeoutMs = 8000) {
      if (child.exitCode !== null) return child.exitCode;
      child.stdin.end('stop\n');
      const timer = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), timeoutMs).unref());
      const result = await Promise.race([exited, timer]);
      if (result === 'hung') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`PC/SC reader process did not exit within ${timeoutMs} ms after stop()\n${err}`);
      }
      return result;
    },
    stderr: () => err,
  };
  try {
    await next('started', PROCESS_START_MS);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  return handle;
}

/**
 * Runs the adapter in a child that stops it the moment the reader is announced; resolves with
 * whether the child printed `stopped` and exited by itself within `timeoutMs` (else it is killed).
 */
export async function stopOnPresence(
  pcscd: PcscdInstance,
  timeoutMs = 15_000,
): Promise<{ exitedByItself: boolean; stopped: boolean; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, '{}'], {
    env: { ...pcscd.env, ANJUNGAN_LOG_LEVEL: 'info', ANJUNGAN_TEST_STOP_ON_PRESENCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  const exitedByItself = await Promise.race([exited, timer]);
  if (!exitedByItself) {
    child.kill('SIGKILL');
    await exited;
  }
  return { exitedByItself, stopped: output.includes('"ev":"stopped"'), output };
}
