/**
 * A virtual contactless card for vsmartcard's vpcd reader driver (a real pcscd driver whose
 * reader listens on TCP). Protocol, per vpcd: each message is a 2-byte big-endian length + payload.
 * One-byte payloads from vpcd are control codes: 00 power off, 01 power on, 02 reset (no reply),
 * 04 "send your ATR" (also a presence poll: always answer). Longer payloads are command APDUs,
 * answered with the response APDU. Connecting = card enters the field; closing = card removed.
 *
 *   test ──insert()──▶ VirtualCard ──TCP──▶ vpcd (in pcscd) ──▶ libpcsclite ──▶ nfc-pcsc
 */
import net from 'node:net';

/** XOR checksum (TCK) over T0.. of an ATR body. */
function withTck(body: number[]): Buffer {
  const tck = body.slice(1).reduce((a, b) => a ^ b, 0);
  return Buffer.from([...body, tck]);
}

/** MIFARE Classic 1K as a PC/SC contactless reader reports it (ISO 14443-3: byte 5 is 0x4F). */
export const ATR_MIFARE = Buffer.from('3B8F8001804F0CA000000306030001000000006A', 'hex');
/** An ISO 14443-4 card (like the e-KTP): PC/SC part 3 contactless ATR with historical bytes. */
export const ATR_ISO14443_4 = withTck([
  0x3b, 0x88, 0x80, 0x01, 0x00, 0x31, 0xc1, 0x64, 0x08, 0x60, 0x32, 0x00,
]);

export interface VirtualCardOptions {
  /** TCP port of the vpcd reader (see startPcscd().vpcdPort). */
  port: number;
  host?: string;
  uid: Buffer;
  atr?: Buffer;
}

/**
 * One card. `insert()` puts it in the field, `remove()` pulls it out. Behaviour switches:
 * `statusWord` (answer GET UID with this SW instead of UID + 90 00) and `vanishOnCommand`
 * (close the link when the next APDU arrives, without answering: pulled mid-read).
 */
export class VirtualCard {
  /** Status word for GET UID; null answers UID + 90 00. */
  statusWord: Buffer | null = null;
  /** Disconnect instead of answering the next command APDU. */
  vanishOnCommand = false;
  /** Command APDUs received, for assertions. */
  readonly apdus: Buffer[] = [];
  private socket: net.Socket | null = null;
  private buf = Buffer.alloc(0);

  constructor(private readonly opts: VirtualCardOptions) {}

  get inserted(): boolean {
    return this.socket !== null;
  }

  /** Enters the field (connects to vpcd). */
  insert(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s = net.connect(this.opts.port, this.opts.host ?? '127.0.0.1');
      s.once('connect', () => {
        this.socket = s;
        resolve();
      });
      s.once('error', reject);
      s.on('data', (d) => this.onData(d));
      s.on('close', () => {
        if (this.socket === s) this.socket = null;
      });
    });
  }

  /** Leaves the field (closes the link; pcscd notices within its poll interval, ~0.5 s). */
  async remove(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    this.socket = null;
    this.buf = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    });
  }

  private send(payload: Buffer): void {
    const head = Buffer.alloc(2);
    head.writeUInt16BE(payload.length);
    this.socket?.write(Buffer.concat([head, payload]));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) return;
      const msg = this.buf.subarray(2, 2 + len);
      this.buf = this.buf.subarray(2 + len);
      this.handle(Buffer.from(msg));
    }
  }

  private handle(msg: Buffer): void {
    if (msg.length === 1) {
      // 00 power off, 01 power on, 02 reset: no reply; 04: ATR (also the presence poll).
      if (msg[0] === 0x04) this.send(this.opts.atr ?? ATR_MIFARE);
      return;
    }
    this.apdus.push(msg);
    if (this.vanishOnCommand) {
      this.vanishOnCommand = false;
      void this.remove();
      return;
    }
    this.send(this.respond(msg));
  }

  private respond(apdu: Buffer): Buffer {
    // PC/SC part 3 GET DATA (UID): FF CA 00 00 Le
    if (apdu[0] === 0xff && apdu[1] === 0xca && apdu[2] === 0x00) {
      if (this.statusWord) return this.statusWord;
      return Buffer.concat([this.opts.uid, Buffer.from([0x90, 0x00])]);
    }
    return Buffer.from([0x6d, 0x00]); // INS not supported
  }
}

/**
 * Taps a card on the vpcd reader at `port`: inserts it, waits `holdMs` (pcscd polls: ~0.5 s until
 * the UID is read), removes it. Returns the card (its `apdus` show what the reader sent).
 */
export async function tapCard(
  port: number,
  uidHex: string,
  opts: { atr?: Buffer; holdMs?: number } = {},
): Promise<VirtualCard> {
  const card = new VirtualCard({ port, uid: Buffer.from(uidHex, 'hex'), atr: opts.atr ?? ATR_ISO14443_4 });
  await card.insert();
  await new Promise((r) => setTimeout(r, opts.holdMs ?? 1500));
  await card.remove();
  return card;
}
