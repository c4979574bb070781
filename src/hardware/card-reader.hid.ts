/**
 * USB "keyboard-mode" card readers: they type the UID as a decimal number and press Enter.
 * We read the Linux input device itself (/dev/input/by-id/…-event-kbd), not a terminal, so the
 * Enter can never land in the wrong field. Each `struct input_event` is timeval + type u16 +
 * code u16 + value s32: 24 bytes on 64-bit, 16 on 32-bit userland (armhf Raspberry Pi OS).
 *
 *   /dev/input/eventN ──InputDevice (input-device.ts)──▶ HidUidDecoder ──▶ 'tap' / 'read_error'
 */
import { EventEmitter } from 'node:events';
import type { Config } from '../config/config.ts';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type CardReader, type CardReaderEvents, isRandomUid } from './card-reader.ts';
import { InputDevice, type InputDeviceOptions, InputEventParser, inputEventSize } from './input-device.ts';

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

export { inputEventSize };

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
  private readonly parser: InputEventParser;
  private digits = '';
  private bad: string | null = null;

  constructor(
    private readonly reverse: boolean,
    eventSize: 16 | 24 = inputEventSize(),
  ) {
    this.parser = new InputEventParser(eventSize);
  }

  push(chunk: Buffer): HidResult[] {
    const out: HidResult[] = [];
    for (const e of this.parser.push(chunk)) {
      // Key-down only: value 0 is release, 2 auto-repeat.
      if (e.type === EV_KEY && e.value === 1) {
        const r = this.key(e.code);
        if (r) out.push(r);
      }
    }
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

export type HidOptions = InputDeviceOptions;

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
  private decoder: HidUidDecoder;
  private readonly device: InputDevice;

  constructor(
    private readonly path: string,
    private readonly reverse: boolean,
    logger: Logger,
    private readonly opts: HidOptions,
  ) {
    super();
    const log = logger.child({ port: 'reader', driver: 'hid' });
    this.decoder = new HidUidDecoder(reverse, opts.eventSize ?? inputEventSize());
    this.device = new InputDevice(() => path, 'keyboard-mode reader', log, { ...opts, grab: true });
    this.device.on('open', () => {
      this.decoder = new HidUidDecoder(this.reverse, this.opts.eventSize ?? inputEventSize());
      this.emit('presence', true);
    });
    this.device.on('data', (chunk) => {
      for (const r of this.decoder.push(chunk)) this.deliver(r, log);
    });
    this.device.on('lost', () => this.emit('presence', false));
  }

  get present(): boolean {
    return this.device.open;
  }

  describe(): string {
    const g = this.device.grab;
    const grab = g === null ? '' : g.grabbed ? ', grabbed' : `, NOT grabbed: ${g.reason}`;
    return `keyboard-mode reader ${this.path}${this.reverse ? ' (reversed bytes)' : ''}${grab}`;
  }

  async start(): Promise<void> {
    await this.device.start();
  }

  async stop(): Promise<void> {
    const wasOpen = this.device.open;
    this.device.stop();
    if (wasOpen) this.emit('presence', false);
  }

  private deliver(r: HidResult, log: Logger): void {
    this.emit('detected');
    if (r.kind === 'error') {
      log.warn({ reason: r.reason }, 'keyboard-mode reader typed something that is not a UID');
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
}
