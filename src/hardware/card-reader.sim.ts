/**
 * A simulated card reader that behaves like a PC/SC reader: it is plugged in or not, holds at
 * most one card in its field, and fails the way the device does (card pulled mid-read, random
 * UIDs, taps while unplugged go nowhere). Driven by the daemon's stdin commands and by tests.
 * Events are emitted synchronously, in the order a real reader reports them.
 */
import { EventEmitter } from 'node:events';
import { KioskError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type CardReader, type CardReaderEvents, isRandomUid } from './card-reader.ts';

export class SimCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  readonly #logger: Logger;
  #plugged = true;
  #started = false;
  #card: Buffer | null = null;

  constructor(logger: Logger = silentLogger()) {
    super();
    this.#logger = logger;
  }

  /** Starts listening and announces whether the reader is plugged in. */
  async start(): Promise<void> {
    this.#started = true;
    this.emit('presence', this.#plugged);
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#card = null;
  }

  get present(): boolean {
    return this.#plugged;
  }

  /** Whether start() ran (and stop() did not): before that, taps go nowhere. */
  get started(): boolean {
    return this.#started;
  }

  /** The UID of the card lying on the reader, if any. */
  get cardInField(): Buffer | null {
    return this.#card;
  }

  describe(): string {
    return this.#plugged ? 'simulated card reader' : 'simulated card reader (unplugged)';
  }

  /** A card is laid on the reader: `detected`, then `tap` (or `read_error` for a random UID). */
  tap(uid: Buffer): void {
    if (!this.#usable('tap')) return;
    this.#leave();
    this.#card = Buffer.from(uid);
    this.emit('detected');
    if (isRandomUid(uid)) {
      this.emit(
        'read_error',
        new KioskError(
          'card_random_uid',
          'this card shows a random UID on every tap (starts 08): it cannot identify anyone',
        ),
      );
      return;
    }
    this.emit('tap', { uid: Buffer.from(uid) });
  }

  /** The card is taken away. */
  remove(): void {
    if (!this.#card) {
      this.#logger.debug('remove: no card on the simulated reader');
      return;
    }
    this.#leave();
  }

  /** A card that is pulled away before its UID could be read. */
  pullMidRead(uid: Buffer): void {
    if (!this.#usable('pull')) return;
    this.#leave();
    this.emit('detected');
    this.emit(
      'read_error',
      new KioskError(
        'card_removed',
        `card was removed while its UID was being read (${uid.length} bytes): hold it still`,
      ),
    );
    this.emit('removed');
  }

  /** The USB cable is pulled (or pcscd died): the card goes with it, taps go nowhere. */
  unplug(): void {
    if (!this.#plugged) return;
    this.#plugged = false;
    this.#card = null;
    this.emit('presence', false);
  }

  plug(): void {
    if (this.#plugged) return;
    this.#plugged = true;
    this.emit('presence', true);
  }

  #usable(what: string): boolean {
    if (!this.#plugged) {
      this.#logger.warn(`${what} ignored: the simulated card reader is unplugged (use: reader plug)`);
      return false;
    }
    if (!this.#started) {
      this.#logger.warn(`${what} ignored: the simulated card reader is not started`);
      return false;
    }
    return true;
  }

  #leave(): void {
    if (!this.#card) return;
    this.#card = null;
    this.emit('removed');
  }
}
