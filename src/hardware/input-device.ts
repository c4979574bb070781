/**
 * A Linux input event device (/dev/input/eventN) read without a native module, shared by the
 * keyboard-mode card reader and the touch panel. Each `struct input_event` is timeval + type u16
 * + code u16 + value s32: 24 bytes on 64-bit, 16 on 32-bit userland (armhf Raspberry Pi OS).
 *
 *   path ──open(O_NONBLOCK)──(epoll, or a 20 ms poll)──▶ 'data' chunks
 *     ▲        └─ absent / vanished ─▶ 'lost' ─▶ retry every reopenMs, and at once when the
 *     └──────────────────────────────────────── watched directory (/dev/input) changes
 *
 * Reads are non-blocking: a blocking read on the thread pool would keep the daemon alive after
 * stop() until someone touched the device.
 */
import { EventEmitter } from 'node:events';
import fs, { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type GrabResult, grabInputDevice } from './evdev-grab.ts';

/** Size of `struct input_event` for this process's ABI. */
export function inputEventSize(arch: string = process.arch): 16 | 24 {
  return arch === 'arm' || arch === 'ia32' ? 16 : 24;
}

/** One decoded `struct input_event`. */
export interface InputEvent {
  /** Kernel timestamp in milliseconds. */
  t: number;
  type: number;
  code: number;
  value: number;
}

/** Splits raw bytes (any chunking) into input events. */
export class InputEventParser {
  #pending = Buffer.alloc(0);

  constructor(private readonly eventSize: 16 | 24 = inputEventSize()) {}

  push(chunk: Buffer): InputEvent[] {
    const out: InputEvent[] = [];
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const size = this.eventSize;
    const ts = size - 8;
    while (buf.length >= size) {
      const sec = size === 24 ? Number(buf.readBigInt64LE(0)) : buf.readInt32LE(0);
      const usec = size === 24 ? Number(buf.readBigInt64LE(8)) : buf.readInt32LE(4);
      out.push({
        t: sec * 1000 + usec / 1000,
        type: buf.readUInt16LE(ts),
        code: buf.readUInt16LE(ts + 2),
        value: buf.readInt32LE(ts + 4),
      });
      buf = buf.subarray(size);
    }
    this.#pending = Buffer.from(buf);
    return out;
  }
}

export interface InputDeviceOptions {
  /** `struct input_event` size; default from the process ABI. */
  eventSize?: 16 | 24;
  /** Poll interval when epoll cannot watch the file (regular files in tests, no epoll module). */
  pollMs?: number;
  /** Retry interval while the device is absent. */
  reopenMs?: number;
  /** Take the device for this process alone (EVIOCGRAB), so what it types never reaches the console. */
  grab?: boolean;
  /** The python3 that issues EVIOCGRAB (tests point it elsewhere). */
  python?: string;
}

interface EpollLike {
  add(fd: number, events: number): unknown;
  remove(fd: number): unknown;
  close(): unknown;
}

export interface InputDeviceEvents {
  /** The device was opened (the path it resolved to). */
  open: [string];
  /** Raw bytes as read; whole events are not guaranteed per chunk. */
  data: [Buffer];
  /** The device went away (or could not be opened after having been open). */
  lost: [];
}

/** Opens, reads and reopens one input device; `resolve` names the path at each attempt (or null). */
export class InputDevice extends EventEmitter<InputDeviceEvents> {
  #fd: number | null = null;
  #epoll: EpollLike | null = null;
  #timer: NodeJS.Timeout | null = null;
  #watcher: fs.FSWatcher | null = null;
  #running = false;
  /** A character device or FIFO (0 bytes read = gone), not a regular file (0 = nothing yet). */
  #stream = false;
  #warned = false;
  #path: string | null = null;
  #grab: GrabResult | null = null;
  readonly #buf: Buffer;

  constructor(
    private readonly resolve: () => string | null,
    /** What the logs call it ("keyboard-mode reader", "touch panel"). */
    private readonly label: string,
    private readonly log: Logger,
    private readonly opts: InputDeviceOptions = {},
  ) {
    super();
    this.#buf = Buffer.alloc((opts.eventSize ?? inputEventSize()) * 64);
  }

  get open(): boolean {
    return this.#fd !== null;
  }

  /** Whether the open device is ours alone; null when no grab was asked for or possible. */
  get grab(): GrabResult | null {
    return this.#grab;
  }

  async start(): Promise<void> {
    this.#running = true;
    await this.#open();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#watcher?.close();
    this.#watcher = null;
    this.#close();
  }

  async #open(): Promise<void> {
    if (!this.#running || this.#fd !== null) return;
    const path = this.resolve();
    this.#path = path;
    try {
      if (!path) throw new Error('no matching input device');
      this.#fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (err) {
      // One warning per absence: a kiosk without its panel must not fill the journal.
      if (!this.#warned) {
        this.log.warn(
          { device: path, err: errorMessage(err) },
          `${this.label} not available; retrying (plugged in? user in group "input"?)`,
        );
      }
      this.#warned = true;
      if (path) this.#watch(dirname(path));
      this.#schedule(this.opts.reopenMs ?? 2000, () => void this.#open());
      return;
    }
    this.#warned = false;
    // Open again: nothing to wait for in the directory any more.
    this.#watcher?.close();
    this.#watcher = null;
    this.log.info({ device: path }, `${this.label} opened`);
    this.emit('open', path);
    const fd = this.#fd;
    const st = fs.fstatSync(fd);
    this.#stream = st.isCharacterDevice() || st.isFIFO();
    this.#grab = null;
    if (this.opts.grab && st.isCharacterDevice()) this.#grabDevice(fd, path);
    if (this.#stream) {
      let poller: EpollLike | null = null;
      try {
        // epoll is CommonJS behind an IIFE: its named export is only on `default`.
        const mod = (await import('epoll')) as typeof import('epoll') & { default?: typeof import('epoll') };
        const Epoll = mod.Epoll ?? mod.default?.Epoll;
        poller = new Epoll((err) => (err ? this.#lost(err) : this.#drain()));
        poller.add(fd, Epoll.EPOLLIN);
        this.#epoll = poller;
        this.#drain();
        return;
      } catch (err) {
        // A device epoll refuses (EPERM, e.g. /dev/null): close the poller we made, or its
        // watcher thread outlives it and crashes the process later.
        try {
          poller?.close();
        } catch {
          // never started
        }
        this.log.debug({ err: errorMessage(err) }, 'epoll unavailable; polling the input device');
      }
    }
    this.#poll();
  }

  /** Keeps what the device types away from the console (tty1's login prompt). */
  #grabDevice(fd: number, path: string | null): void {
    this.#grab = grabInputDevice(fd, this.opts.python);
    if (this.#grab.grabbed) this.log.info({ device: path }, `${this.label} grabbed exclusively`);
    else
      this.log.warn(
        { device: path, reason: this.#grab.reason },
        `cannot grab the ${this.label}: what it types may also reach the console`,
      );
  }

  /** A device node appearing in /dev/input is noticed at once, not at the next retry. */
  #watch(dir: string): void {
    if (this.#watcher || !this.#running) return;
    try {
      this.#watcher = fs.watch(dir, () => {
        if (this.#fd === null) void this.#open();
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = null;
      });
      this.#watcher.unref();
    } catch {
      // No such directory (yet): the retry timer covers it.
    }
  }

  #schedule(ms: number, fn: () => void): void {
    if (!this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      fn();
    }, ms);
  }

  #poll(): void {
    this.#drain();
    if (this.#fd !== null) this.#schedule(this.opts.pollMs ?? 20, () => this.#poll());
  }

  /** Reads everything available now; EAGAIN means "nothing more", 0 bytes / ENODEV means unplugged. */
  #drain(): void {
    while (this.#fd !== null) {
      let n: number;
      try {
        n = fs.readSync(this.#fd, this.#buf, 0, this.#buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return;
        this.#lost(err);
        return;
      }
      if (n === 0) {
        // A FIFO whose writer left (tests) or a device gone; a regular file just has no more yet.
        if (this.#stream) this.#lost(new Error('end of input'));
        return;
      }
      this.emit('data', Buffer.from(this.#buf.subarray(0, n)));
    }
  }

  #lost(err: unknown): void {
    this.log.warn({ err: errorMessage(err) }, `${this.label} lost`);
    this.#close();
    this.emit('lost');
    // An unplugged device's node disappears from /dev/input: watch for it to come back. (A node
    // that is still there, e.g. a FIFO whose writer left, is simply retried: re-watching the same
    // directory on every retry starves other fs.watch users in the process.)
    if (this.#path && !existsSync(this.#path)) this.#watch(dirname(this.#path));
    this.#schedule(this.opts.reopenMs ?? 2000, () => void this.#open());
  }

  #close(): void {
    const fd = this.#fd;
    this.#fd = null;
    if (this.#epoll && fd !== null) {
      try {
        this.#epoll.remove(fd);
        this.#epoll.close();
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'closing epoll');
      }
    }
    this.#epoll = null;
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already gone with the device
      }
    }
  }
}
