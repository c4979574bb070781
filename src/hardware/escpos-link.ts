/**
 * The byte link to an ESC/POS printer, both ways, so that DLE EOT status can be read back
 * (node-thermal-printer cannot: its getStatus() only appends bytes):
 *
 * - `tcp://host:port`: a plain socket (port 9100 network printers).
 * - a device path (`/dev/usb/lp0`): opened read-write and NON-blocking; a blocking read on the
 *   thread pool would hang forever on a printer that does not answer, and keep the process alive.
 */
import fs from 'node:fs';
import net from 'node:net';
import { errorMessage } from '../errors.ts';

export interface PrinterLink {
  /** Sends bytes; rejects when the link is dead. */
  write(chunk: Buffer): Promise<void>;
  /** One byte from the printer, or null after `timeoutMs` (or when the link died). */
  readByte(timeoutMs: number): Promise<number | null>;
  /** Whether the link broke (peer closed, reset, device gone). */
  readonly dead: boolean;
  /** Why it broke. */
  readonly reason: string | null;
  /** Breaks it at once (timeout): pending and later writes fail. */
  abort(): void;
  /** Closes it; resolves when no write of this link can happen any more. */
  close(): Promise<void>;
}

/** Opens `iface` (tcp://host:port or a device path). Rejects when it cannot be reached. */
export function openLink(iface: string, connectTimeoutMs: number): Promise<PrinterLink> {
  return iface.startsWith('tcp://') ? openTcp(iface, connectTimeoutMs) : openDevice(iface);
}

function parseTcp(iface: string): { host: string; port: number } {
  const u = new URL(iface);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 9100) };
}

/** Bytes arriving from the printer, handed out one at a time to readByte(). */
class Inbox {
  private bytes: number[] = [];
  private waiter: ((b: number | null) => void) | null = null;
  push(data: Buffer): void {
    for (const b of data) this.bytes.push(b);
    this.flush();
  }
  fail(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(null);
  }
  private flush(): void {
    if (this.waiter && this.bytes.length) {
      const w = this.waiter;
      this.waiter = null;
      w(this.bytes.shift() as number);
    }
  }
  take(timeoutMs: number, dead: () => boolean): Promise<number | null> {
    if (this.bytes.length) return Promise.resolve(this.bytes.shift() as number);
    if (dead()) return Promise.resolve(null);
    // A zero wait asks only for what already arrived (readStatus drops stale bytes this way).
    if (timeoutMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (b) => {
        clearTimeout(t);
        resolve(b);
      };
    });
  }
}

function openTcp(iface: string, connectTimeoutMs: number): Promise<PrinterLink> {
  const { host, port } = parseTcp(iface);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const inbox = new Inbox();
    let dead = false;
    let reason: string | null = null;
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer from ${host}:${port}`)),
      connectTimeoutMs,
    );
    const die = (why: string) => {
      if (dead) return;
      dead = true;
      reason = why;
      inbox.fail();
    };
    socket.on('data', (d: Buffer) => inbox.push(d));
    socket.on('error', (err) => die(errorMessage(err)));
    socket.on('end', () => die('printer closed the connection'));
    socket.on('close', () => die('connection closed'));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve({
        get dead() {
          return dead;
        },
        get reason() {
          return reason;
        },
        write: (chunk) =>
          new Promise((res, rej) => {
            if (dead) return rej(new Error(reason ?? 'link closed'));
            socket.write(chunk, (err) =>
              err ? rej(err) : dead ? rej(new Error(reason ?? 'link closed')) : res(),
            );
          }),
        readByte: (ms) => inbox.take(ms, () => dead),
        abort: () => {
          die('aborted');
          socket.destroy();
        },
        close: () =>
          new Promise((res) => {
            if (socket.destroyed) return res();
            socket.once('close', () => res());
            // end() flushes what was written, then closes; destroy if the printer does not close back.
            socket.end();
            setTimeout(() => socket.destroy(), 2000).unref();
          }),
      });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function openDevice(path: string): Promise<PrinterLink> {
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK, (err, fd) =>
      err ? reject(err) : resolve(fd),
    ),
  );
  let dead = false;
  let reason: string | null = null;
  let closed = false;
  let inflight: Promise<unknown> = Promise.resolve();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const die = (err: unknown) => {
    dead = true;
    reason ??= errorMessage(err);
  };

  const writeAll = async (chunk: Buffer) => {
    let off = 0;
    while (off < chunk.length) {
      if (closed || dead) throw new Error(reason ?? 'link closed');
      try {
        off += fs.writeSync(fd, chunk, off, chunk.length - off);
      } catch (err) {
        // The printer's buffer is full: usblp says EAGAIN on a non-blocking fd. Wait and retry.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') await sleep(10);
        else {
          die(err);
          throw err;
        }
      }
    }
  };

  return {
    get dead() {
      return dead;
    },
    get reason() {
      return reason;
    },
    write(chunk) {
      const p = inflight.then(() => writeAll(chunk));
      inflight = p.catch(() => undefined);
      return p;
    },
    async readByte(timeoutMs) {
      const buf = Buffer.alloc(1);
      const end = Date.now() + timeoutMs;
      while (!closed && !dead) {
        try {
          if (fs.readSync(fd, buf, 0, 1, null) === 1) return buf[0] as number;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'EAGAIN') {
            die(err);
            return null;
          }
        }
        if (Date.now() >= end) return null;
        await sleep(20);
      }
      return null;
    },
    abort() {
      die(new Error('aborted'));
    },
    async close() {
      await inflight;
      if (closed) return;
      closed = true;
      try {
        fs.closeSync(fd);
      } catch {
        // device already gone
      }
    },
  };
}
