/**
 * USB "keyboard-mode" card readers: they type the UID as a decimal number and press Enter.
 * We read the Linux input device itself (/dev/input/by-id/…-event-kbd), not a terminal, so the
 * Enter can never land in the wrong field. Each `struct input_event` is timeval + type u16 +
 * code u16 + value s32: 24 bytes on 64-bit, 16 on 32-bit userland (armhf Raspberry Pi OS).
 *
 *   /dev/input/eventN ──(epoll, or a 20 ms poll)──▶ HidUidDecoder ──▶ 'tap' / 'read_error'
 *
 * Reads are non-blocking: a blocking read on the thread pool would keep the daemon alive after
 * stop() until someone touched a key.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type CardReader, type CardReaderEvents, isRandomUid } from './card-reader.ts';
import { type GrabResult, grabInputDevice } from './evdev-grab.ts';

type ReaderConfig = Config['hardware']['reader'];

const EV_KEY = 1;
const KEY_ENTER = 28;
const KEY_KPENTER = 96;
/** Linux key codes of the digit keys, top row and keypad (input-event-codes.h). */
// biome-ignore format: a table
const DIGITS = new Map<number, string>([
  [2, '1'], [3, '2'], [4, '3'], [5, '4'], [6, '5'], [7, '6'], [8, '7'], [9, '8'], [10, '9'], [11, '0'],
  [79, '1'], [80, '2'], [81, '3'], [75, '4'], [76, '5'], [77, '6'], [71, '7'], [72, '8'], [73, '9'], [82, '0'],
]);
/** Modifiers a reader may press around digits (shift on AZERTY layouts, num lock). */
const IGNORED = new Set([42, 54, 29, 97, 56, 100, 69]);

/** Size of `struct input_event` for this process's ABI. */
export function inputEventSize(arch: string = process.arch): 16 | 24 {
  return arch === 'arm' || arch === 'ia32' ? 16 : 24;
}

export type HidResult = { kind: 'uid'; uid: Buffer } | { kind: 'error'; reason: string };

/**
 * Decimal digits as typed → UID bytes. Up to 10 digits: a 4-byte UID; 11–17: 7 bytes.
 * Big-endian (first UID byte most significant) unless `reverse` (readers that type it reversed).
 */
export function decimalToUid(digits: string, reverse: boolean): Buffer | null {
  if (!/^[0-9]{1,17}$/.test(digits)) return null;
  const value = BigInt(digits);
  // Same rule as the resident import (OpenSID's tag_id_card): a 10-digit value above 2^32 - 1
  // cannot come from a 4-byte card, so it is read as a 7-byte UID; both sides must agree.
  const size = digits.length <= 10 && value <= 0xffffffffn ? 4 : 7;
  if (value >= 1n << BigInt(size * 8)) return null;
  const uid = Buffer.alloc(size);
  for (let i = size - 1, v = value; i >= 0; i--, v >>= 8n) uid[i] = Number(v & 0xffn);
  return reverse ? uid.reverse() : uid;
}

/** Turns raw input-event bytes (any chunking) into UIDs, one per Enter. Pure; unit-tested. */
export class HidUidDecoder {
  private pending = Buffer.alloc(0);
  private digits = '';
  private bad: string | null = null;

  constructor(
    private readonly reverse: boolean,
    private readonly eventSize: 16 | 24 = inputEventSize(),
  ) {}

  push(chunk: Buffer): HidResult[] {
    const out: HidResult[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const tsBytes = this.eventSize - 8;
    while (buf.length >= this.eventSize) {
      const type = buf.readUInt16LE(tsBytes);
      const code = buf.readUInt16LE(tsBytes + 2);
      const value = buf.readInt32LE(tsBytes + 4);
      buf = buf.subarray(this.eventSize);
      // Key-down only: value 0 is release, 2 auto-repeat.
      if (type === EV_KEY && value === 1) {
        const r = this.key(code);
        if (r) out.push(r);
      }
    }
    this.pending = Buffer.from(buf);
    return out;
  }

  private key(code: number): HidResult | null {
    const digit = DIGITS.get(code);
    if (digit !== undefined) {
      this.digits += digit;
      return null;
    }
    if (code !== KEY_ENTER && code !== KEY_KPENTER) {
      if (!IGNORED.has(code))
        this.bad ??= `unexpected key code ${code} (is the reader set to decimal output?)`;
      return null;
    }
    const { digits, bad } = this;
    this.digits = '';
    this.bad = null;
    if (bad) return { kind: 'error', reason: bad };
    if (digits.length === 0) return null; // a stray Enter
    const uid = decimalToUid(digits, this.reverse);
    return uid
      ? { kind: 'uid', uid }
      : { kind: 'error', reason: `${digits.length} digits is not a 4- or 7-byte UID` };
  }
}

interface EpollLike {
  add(fd: number, events: number): unknown;
  remove(fd: number): unknown;
  close(): unknown;
}

export interface HidOptions {
  /** `struct input_event` size; default from the process ABI. */
  eventSize?: 16 | 24;
  /** Poll interval when epoll cannot watch the file (regular files in tests, no epoll module). */
  pollMs?: number;
  /** Retry interval while the device is absent. */
  reopenMs?: number;
  /** The python3 that issues EVIOCGRAB (tests point it elsewhere). */
  python?: string;
}

/** Creates the keyboard-mode reader adapter; `start()` opens cfg.hid_device. */
export async function createHidCardReader(
  cfg: ReaderConfig,
  logger: Logger,
  opts: HidOptions = {},
): Promise<CardReader> {
  if (!cfg.hid_device) {
    throw new KioskError(
      'config_invalid',
      'hardware.reader.driver is "hid" but hardware.reader.hid_device is not set: set it to the reader\'s /dev/input/by-id/…-event-kbd',
    );
  }
  return new HidCardReader(cfg.hid_device, cfg.hid_reverse, logger, opts);
}

class HidCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  private fd: number | null = null;
  private epoll: EpollLike | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** A character device or FIFO (0 bytes read = gone), not a regular file (0 = nothing yet). */
  private stream = false;
  private decoder: HidUidDecoder;
  /** Whether the open device is ours alone (null: not a character device, nothing to grab). */
  private grab: GrabResult | null = null;
  private readonly buf: Buffer;
  private readonly log: Logger;

  constructor(
    private readonly device: string,
    private readonly reverse: boolean,
    logger: Logger,
    private readonly opts: HidOptions,
  ) {
    super();
    this.log = logger.child({ port: 'reader', driver: 'hid' });
    const size = opts.eventSize ?? inputEventSize();
    this.decoder = new HidUidDecoder(reverse, size);
    this.buf = Buffer.alloc(size * 64);
  }

  get present(): boolean {
    return this.fd !== null;
  }

  describe(): string {
    const grab =
      this.grab === null ? '' : this.grab.grabbed ? ', grabbed' : `, NOT grabbed: ${this.grab.reason}`;
    return `keyboard-mode reader ${this.device}${this.reverse ? ' (reversed bytes)' : ''}${grab}`;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.close(false);
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    try {
      this.fd = fs.openSync(this.device, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (err) {
      this.log.warn(
        { device: this.device, err: errorMessage(err) },
        'keyboard-mode reader not available; retrying (plugged in? user in group "input"?)',
      );
      this.schedule(this.opts.reopenMs ?? 2000, () => void this.open());
      return;
    }
    this.decoder = new HidUidDecoder(this.reverse, this.opts.eventSize ?? inputEventSize());
    this.log.info({ device: this.device }, 'keyboard-mode reader opened');
    this.emit('presence', true);
    const fd = this.fd;
    const st = fs.fstatSync(fd);
    this.stream = st.isCharacterDevice() || st.isFIFO();
    if (st.isCharacterDevice()) this.grabDevice(fd);
    if (this.stream) {
      let poller: EpollLike | null = null;
      try {
        // epoll is CommonJS behind an IIFE: its named export is only on `default`.
        const mod = (await import('epoll')) as typeof import('epoll') & { default?: typeof import('epoll') };
        const Epoll = mod.Epoll ?? mod.default?.Epoll;
        poller = new Epoll((err) => (err ? this.lost(err) : this.drain()));
        poller.add(fd, Epoll.EPOLLIN);
        this.epoll = poller;
        this.drain();
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
    this.poll();
  }

  /** Keeps what the reader types away from the console (tty1's login prompt). */
  private grabDevice(fd: number): void {
    this.grab = grabInputDevice(fd, this.opts.python);
    if (this.grab.grabbed) this.log.info({ device: this.device }, 'keyboard-mode reader grabbed exclusively');
    else
      this.log.warn(
        { device: this.device, reason: this.grab.reason },
        'cannot grab the keyboard-mode reader: what it types may also reach the console',
      );
  }

  private schedule(ms: number, fn: () => void): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private poll(): void {
    this.drain();
    if (this.fd !== null) this.schedule(this.opts.pollMs ?? 20, () => this.poll());
  }

  /** Reads everything available now; EAGAIN means "nothing more", 0 bytes / ENODEV means unplugged. */
  private drain(): void {
    while (this.fd !== null) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return;
        this.lost(err);
        return;
      }
      if (n === 0) {
        // A FIFO whose writer left (tests) or a device gone; a regular file just has no more yet.
        if (this.stream) this.lost(new Error('end of input'));
        return;
      }
      for (const r of this.decoder.push(this.buf.subarray(0, n))) this.deliver(r);
    }
  }

  private deliver(r: HidResult): void {
    this.emit('detected');
    if (r.kind === 'error') {
      this.log.warn({ reason: r.reason }, 'keyboard-mode reader typed something that is not a UID');
      this.emit(
        'read_error',
        new KioskError('card_error', `card could not be read (${r.reason}): try again`),
      );
    } else if (isRandomUid(r.uid)) {
      this.emit(
        'read_error',
        new KioskError('card_random_uid', 'card presents a random UID (starts 08): it cannot be bound'),
      );
    } else {
      this.emit('tap', { uid: r.uid });
    }
    // A keyboard-mode reader reports nothing when the card leaves: the tap is the whole visit.
    this.emit('removed');
  }

  private lost(err: unknown): void {
    this.log.warn({ device: this.device, err: errorMessage(err) }, 'keyboard-mode reader lost');
    this.close(true);
    this.schedule(this.opts.reopenMs ?? 2000, () => void this.open());
  }

  private close(announce: boolean): void {
    const fd = this.fd;
    this.fd = null;
    if (this.epoll && fd !== null) {
      try {
        this.epoll.remove(fd);
        this.epoll.close();
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'closing epoll');
      }
    }
    this.epoll = null;
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already gone with the device
      }
      if (announce || !this.running) this.emit('presence', false);
    }
  }
}
