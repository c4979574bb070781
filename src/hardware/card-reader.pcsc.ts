/**
 * PC/SC card readers (ACR122U, ACR1252U, …) through nfc-pcsc, with its traps handled:
 *
 * - nfc-pcsc is optional and native: loaded lazily, a clear `dependency_missing` when absent.
 * - It guesses the tag type from ATR byte 5 and fails ISO 14443-4 cards (the e-KTP) with
 *   "AID was not set": `autoProcessing = false` and we send GET UID (`FF CA 00 00 00`) ourselves.
 * - A card pulled mid-read is an event (`read_error` card_removed), never a crash. The library
 *   swallows connect failures (`this.emit(err)`), so "card arrived" comes from the raw status.
 * - @pokusew/pcsclite's constructor spins forever while pcscd is down (it retries
 *   SCardEstablishContext in a loop on the JS thread): we only create the NFC instance once
 *   pcscd's socket answers, and recreate it after the service dies (clients never recover).
 * - `nfc.close()` alone can hang the process: close each reader, not in the tick of `card.off`.
 * - A reader closed before its native status thread has entered its loop never closes its
 *   libuv handle, and the process never exits (seen on a loaded machine: selftest closed the
 *   reader right after it was announced). The thread's first status event proves it is in its
 *   loop: readers are closed only after it (or after 2 s). A reader announced by a context
 *   already being torn down is closed too, never just ignored.
 *
 *   pcscd ──▶ NFC ──'reader'──▶ Reader (autoProcessing off) ──'card'──▶ GET UID ──▶ 'tap'
 *              └─'error' (service died) ──▶ teardown ──▶ backoff ──▶ probe socket ──▶ new NFC
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { NFC as NfcClass, Reader as NfcReader } from 'nfc-pcsc';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { withTimeout } from '../with-timeout.ts';
import type { CardReader, CardReaderEvents } from './card-reader.ts';
import { parseUidResponse } from './uid-response.ts';

type ReaderConfig = Config['hardware']['reader'];
type NfcModule = { NFC: typeof NfcClass };

/** PC/SC part 3 pseudo-APDU: GET DATA, UID of the card in the field. */
const GET_UID = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);
const DEFAULT_SOCKET = '/run/pcscd/pcscd.comm';

export interface PcscOptions {
  /** Loads nfc-pcsc; tests inject a failing loader. */
  load?: () => Promise<NfcModule>;
  /** pcscd's client socket (default: $PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm). */
  socketPath?: string;
  /** Reconnect backoff after pcscd is lost (ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long start() waits for the first reader to be announced. */
  startWaitMs?: number;
  /** After a failed transmit, how long to wait for the removal to tell card_removed from card_error. */
  removalGraceMs?: number;
}

/** Loads nfc-pcsc or says what to install. */
async function loadNfcPcsc(load?: () => Promise<NfcModule>): Promise<NfcModule> {
  try {
    if (load) return await load();
    const mod = (await import('nfc-pcsc')) as unknown as NfcModule & { default?: NfcModule };
    const NFC = mod.NFC ?? mod.default?.NFC;
    if (!NFC) throw new Error('nfc-pcsc exports no NFC class');
    return { NFC };
  } catch (err) {
    throw new KioskError(
      'dependency_missing',
      `PC/SC card reader support (nfc-pcsc) is not installed: ${errorMessage(err)}. ` +
        'Install it with `apt-get install libpcsclite-dev pcscd` and then `npm ci` (or set hardware.reader.driver to "hid" or "sim").',
      { cause: err },
    );
  }
}

/** Creates the PC/SC reader adapter; `start()` connects to pcscd. */
export async function createPcscCardReader(
  cfg: ReaderConfig,
  logger: Logger,
  opts: PcscOptions = {},
): Promise<CardReader> {
  const mod = await loadNfcPcsc(opts.load);
  return new PcscCardReader(cfg, logger, mod, opts);
}

/** True when something accepts connections on pcscd's socket. */
function serviceUp(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Picks readers: by name substring, or (no name) anything but a SAM slot (ACR1252U has both). */
export function readerMatches(readerName: string, wanted: string | null): boolean {
  const n = readerName.toLowerCase();
  return wanted ? n.includes(wanted.toLowerCase()) : !/\bsam\b/.test(n);
}

class PcscCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  private nfc: NfcClass | null = null;
  private readers = new Map<string, NfcReader>();
  /** Per reader: resolves on its first raw status event (its native thread is running). */
  private watching = new WeakMap<NfcReader, Promise<void>>();
  private active: NfcReader | null = null;
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  /** Set while a card's UID is being read: each arrival ends in exactly one tap or read_error. */
  private reading: { done: boolean } | null = null;
  private readonly socketPath: string;
  private readonly log: Logger;

  constructor(
    private readonly cfg: ReaderConfig,
    logger: Logger,
    private readonly mod: NfcModule,
    private readonly opts: PcscOptions,
  ) {
    super();
    this.log = logger.child({ port: 'reader', driver: 'pcsc' });
    this.socketPath = opts.socketPath ?? process.env.PCSCLITE_CSOCK_NAME ?? DEFAULT_SOCKET;
    this.retryMs = opts.retryMinMs ?? 500;
  }

  get present(): boolean {
    return this.active !== null;
  }

  describe(): string {
    return this.active
      ? `PC/SC ${this.active.name}`
      : `PC/SC (no reader${this.cfg.name ? ` matching "${this.cfg.name}"` : ''})`;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.connectService();
    const waitMs = this.opts.startWaitMs ?? 1500;
    if (!this.active && this.nfc) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, waitMs);
        const self = this;
        function done() {
          clearTimeout(t);
          self.off('presence', done);
          resolve();
        }
        this.on('presence', done);
      });
    }
    if (!this.active) this.log.warn({ wanted: this.cfg.name }, 'no PC/SC reader found yet: plug one in');
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.teardown();
  }

  private async connectService(): Promise<void> {
    if (!this.running || this.nfc) return;
    if (!(await serviceUp(this.socketPath))) {
      this.log.warn(
        { socket: this.socketPath },
        'pcscd is not reachable; retrying (is pcscd installed and running?)',
      );
      this.scheduleRetry();
      return;
    }
    if (!this.running) return;
    try {
      const nfc = new this.mod.NFC();
      nfc.on('reader', (r: NfcReader) => this.onReader(nfc, r));
      nfc.on('error', (err: unknown) => this.onServiceError(nfc, err));
      this.nfc = nfc;
      this.retryMs = this.opts.retryMinMs ?? 500;
      this.log.info('connected to pcscd');
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'PC/SC context failed; retrying');
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs ?? 10_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connectService();
    }, delay);
  }

  /** pcscd went away (restart, crash): this NFC instance is dead for good; build a new one. */
  private onServiceError(nfc: NfcClass, err: unknown): void {
    if (nfc !== this.nfc) return;
    this.log.warn({ err: errorMessage(err) }, 'PC/SC service lost; reconnecting');
    void this.teardown().then(() => this.scheduleRetry());
  }

  private onReader(nfc: NfcClass, r: NfcReader): void {
    // The first status event leaves the thread a few instructions short of its next wait:
    // give it 100 ms to get there (a close in between also leaks the handle).
    this.watching.set(
      r,
      new Promise<void>((resolve) => r.reader.once('status', () => setTimeout(resolve, 100))),
    );
    if (nfc !== this.nfc) {
      // Announced in the same burst as a reader whose listener stopped us: still ours to close.
      r.on('error', () => {});
      void this.closeReader(r);
      return;
    }
    // Every reader gets an 'error' listener: an unhandled 'error' event would kill the daemon.
    r.autoProcessing = false;
    r.on('error', (err: unknown) =>
      this.log.warn({ reader: r.name, err: errorMessage(err) }, 'reader error'),
    );
    r.on('end', () => this.onReaderEnd(r));
    r.on('card', () => void this.readUid(r));
    r.on('card.off', () => this.onCardOff(r));
    r.reader.on('status', (status: { state: number }) => this.onRawStatus(r, status.state));
    this.readers.set(r.name, r);
    this.log.info({ reader: r.name }, 'PC/SC reader found');
    if (!this.active && readerMatches(r.name, this.cfg.name)) this.attach(r);
  }

  private attach(r: NfcReader): void {
    this.active = r;
    this.log.info({ reader: r.name }, 'using PC/SC reader');
    this.emit('presence', true);
  }

  private onReaderEnd(r: NfcReader): void {
    this.readers.delete(r.name);
    if (this.active !== r) return;
    this.log.warn({ reader: r.name }, 'PC/SC reader unplugged');
    this.active = null;
    this.endRead('card_removed');
    this.emit('presence', false);
    // Not at once: when pcscd dies every reader ends in the same burst, just before the
    // context's own error; picking a sibling now would flap presence.
    const nfc = this.nfc;
    setTimeout(() => {
      if (this.nfc !== nfc || this.active || !this.running) return;
      const next = [...this.readers.values()].find((x) => readerMatches(x.name, this.cfg.name));
      if (next) this.attach(next);
    }, 300).unref();
  }

  /** A card entering the field, seen before the library connects (it hides connect failures). */
  private onRawStatus(r: NfcReader, state: number): void {
    if (r !== this.active) return;
    const raw = r.reader;
    const arrived = (state & raw.SCARD_STATE_PRESENT) !== 0 && (raw.state & raw.SCARD_STATE_PRESENT) === 0;
    if (arrived && !this.reading) {
      this.reading = { done: false };
      this.emit('detected');
    }
  }

  private onCardOff(r: NfcReader): void {
    if (r !== this.active) return;
    this.endRead('card_removed');
    this.emit('removed');
  }

  /** Ends the read in progress (if any) with an error. */
  private endRead(code: 'card_removed' | 'card_error' | 'card_random_uid', detail?: string): void {
    const cur = this.reading;
    this.reading = null;
    if (!cur || cur.done) return;
    cur.done = true;
    const messages = {
      card_removed: 'card was removed before its UID was read: hold the card still on the reader',
      card_error: `card could not be read${detail ? ` (${detail})` : ''}: try again or use another card`,
      card_random_uid: 'card presents a random UID (starts 08) that changes on every tap: it cannot be bound',
    };
    this.emit('read_error', new KioskError(code, messages[code]));
  }

  private async readUid(r: NfcReader): Promise<void> {
    if (r !== this.active) return;
    if (!this.reading) {
      this.reading = { done: false };
      this.emit('detected');
    }
    const cur = this.reading;
    const atr = r.card?.atr;
    let res: Buffer;
    try {
      // transmit() throws synchronously when the card is already gone: keep it inside the promise.
      res = await Promise.resolve().then(() => r.transmit(GET_UID, 12));
    } catch (err) {
      if (cur.done) return;
      const removed = await this.waitRemoved(r, cur);
      if (cur.done) return;
      this.reading = cur;
      this.endRead(removed ? 'card_removed' : 'card_error', errorMessage(err));
      return;
    }
    if (cur.done) return;
    this.reading = cur;
    const answer = parseUidResponse(res);
    if (answer.kind === 'no_status_word') {
      // vpcd (and some readers) answer an empty response when the card left mid-command.
      const removed = await this.waitRemoved(r, cur);
      if (cur.done) return;
      this.reading = cur;
      this.endRead(removed ? 'card_removed' : 'card_error', 'no status word');
    } else if (answer.kind === 'card_error') {
      this.endRead('card_error', answer.detail);
    } else if (answer.kind === 'card_random_uid') {
      this.endRead('card_random_uid');
    } else {
      const { uid } = answer;
      cur.done = true;
      this.reading = null;
      this.log.debug({ uid_bytes: uid.length }, 'card read');
      this.emit('tap', atr ? { uid, atr: Buffer.from(atr) } : { uid });
    }
  }

  /** After a failed transmit: did the card leave (removal arrives within pcscd's poll)? */
  private waitRemoved(r: NfcReader, cur: { done: boolean }): Promise<boolean> {
    const graceMs = this.opts.removalGraceMs ?? 1500;
    return new Promise((resolve) => {
      const started = Date.now();
      const tick = () => {
        if (cur.done || r.card === null || r !== this.active) return resolve(true);
        if (Date.now() - started >= graceMs) return resolve(false);
        setTimeout(tick, 50);
      };
      tick();
    });
  }

  /** Closes every reader, then the context, on a later tick (closing with card.off hangs). */
  private async teardown(): Promise<void> {
    const nfc = this.nfc;
    const readers = [...this.readers.values()];
    const wasPresent = this.active !== null;
    this.nfc = null;
    this.readers.clear();
    this.active = null;
    this.endRead('card_removed');
    if (wasPresent) this.emit('presence', false);
    if (!nfc) return;
    await Promise.all(readers.map((r) => this.closeReader(r)));
    try {
      nfc.close();
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'closing PC/SC context');
    }
  }

  /** Closes a reader once its native status thread runs (at most 2 s), on a later tick. */
  private async closeReader(r: NfcReader): Promise<void> {
    await withTimeout(this.watching.get(r) ?? Promise.resolve(), 2000);
    await new Promise((resolve) => setImmediate(resolve));
    try {
      r.close();
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'closing reader');
    }
  }
}
