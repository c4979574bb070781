import type { KioskError } from '../errors.ts';
import type { PortEvents } from './emitter.ts';

/** A card as the reader saw it. The UID identifies; it does not authenticate (it can be cloned). */
export interface CardTap {
  /** UID bytes as the card reports them (4 or 7 bytes for ISO 14443). */
  uid: Buffer;
  /** Answer-to-reset, when the reader exposes it (PC/SC does, keyboard readers do not). */
  atr?: Buffer;
}

export interface CardReaderEvents {
  /** A card came into the field; its UID is being read. Lets the screen say "membaca…". */
  detected: [];
  /** A card's UID was read. Readers do NOT suppress repeats; the flow does (1 s window). */
  tap: [CardTap];
  /**
   * A card could not be read: `card_removed` (pulled mid-read), `card_error` (error status
   * word, unreadable), `card_random_uid` (UID starts 0x08: random per tap, identifies nobody).
   */
  read_error: [KioskError];
  /** The card left the field. */
  removed: [];
  /** The reader was plugged in (true) or unplugged / its service died (false). */
  presence: [boolean];
}

/**
 * Card reader port. Adapters: `card-reader.sim.ts` (stdin / tests), `card-reader.pcsc.ts`
 * (PC/SC readers via nfc-pcsc), `card-reader.hid.ts` (USB keyboard-mode readers).
 */
export interface CardReader extends PortEvents<CardReaderEvents> {
  /** Starts listening. Resolves even when no reader is attached (then `present` is false). */
  start(): Promise<void>;
  /** Stops listening and releases the device; never hangs. */
  stop(): Promise<void>;
  /** Whether a reader is attached and usable right now. */
  readonly present: boolean;
  /** A short human description for logs and selftest ("ACS ACR122U 00 00", "simulated"). */
  describe(): string;
}

/** True for UIDs that change on every tap (ISO 14443-3: first byte 0x08), which identify nobody. */
export function isRandomUid(uid: Buffer): boolean {
  return uid.length === 4 && uid[0] === 0x08;
}
