/**
 * The part of nfc-pcsc 0.8.1 (and its @pokusew/pcsclite reader) the PC/SC adapter uses.
 * The package ships no types. Only src/hardware/card-reader.pcsc.ts may import it.
 */
declare module 'nfc-pcsc' {
  import { EventEmitter } from 'node:events';

  /** The raw pcsclite reader underneath an nfc-pcsc Reader. */
  export interface PcscliteReader extends EventEmitter {
    name: string;
    state: number;
    connected: boolean;
    SCARD_STATE_EMPTY: number;
    SCARD_STATE_PRESENT: number;
    close(): void;
  }

  export interface NfcCard {
    atr?: Buffer;
    standard?: string;
    type?: string;
    uid?: string;
  }

  export class Reader extends EventEmitter {
    readonly name: string;
    readonly reader: PcscliteReader;
    autoProcessing: boolean;
    card: NfcCard | null;
    connection: { type: number; protocol: number } | null;
    transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
    close(): void;
  }

  export class NFC extends EventEmitter {
    constructor(logger?: unknown);
    readonly readers: Record<string, PcscliteReader>;
    close(): void;
  }

  export const TAG_ISO_14443_3: string;
  export const TAG_ISO_14443_4: string;
}
