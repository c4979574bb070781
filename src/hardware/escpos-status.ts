/**
 * DLE EOT real-time status (EPSON ESC/POS), the part every thermal printer answers:
 *
 *   10 04 01  printer status   bit 3 (0x08): offline
 *   10 04 02  offline cause    bit 2 (0x04): cover open   bit 5 (0x20): stopped by paper end
 *   10 04 04  roll paper       bits 2,3 (0x0C): paper near end   bits 5,6 (0x60): paper out
 *
 * Each answer is one byte with bit 1 and bit 4 set and bits 0 and 7 clear (0x12 = all good).
 * Used by the real adapter (bytes → PrinterStatus) and the virtual printer (state → bytes).
 */
import type { PrinterLink } from './escpos-link.ts';
import type { PrinterStatus } from './printer.ts';

export const DLE_EOT = (n: 1 | 2 | 3 | 4) => Buffer.from([0x10, 0x04, n]);

const OFFLINE = 0x08;
const COVER_OPEN = 0x04;
const PAPER_END_STOP = 0x20;
const NEAR_END = 0x0c;
const PAPER_OUT = 0x60;
const FIXED = 0x12;

/** A plausible DLE EOT answer (fixed bits right): guards against reading job echo or garbage. */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === FIXED;
}

/** Status from the answers to n=1, n=2 (only asked when offline) and n=4. */
export function statusFromBytes(printer: number, cause: number | null, paper: number): PrinterStatus {
  if (printer & OFFLINE) {
    if (cause !== null && cause & COVER_OPEN) return 'cover_open';
    if ((cause !== null && cause & PAPER_END_STOP) || paper & PAPER_OUT) return 'paper_out';
    return 'offline';
  }
  if (paper & PAPER_OUT) return 'paper_out';
  if (paper & NEAR_END) return 'paper_near_end';
  return 'ready';
}

/** At most this many unasked bytes are dropped before a question (a chatty printer cannot stall it). */
const MAX_STALE_BYTES = 64;

/**
 * Asks DLE EOT 1 (and 2 when offline) and 4 over `link`; no or implausible answer = offline.
 * Bytes already waiting before a question (an answer that came after its timeout, a printer
 * that answered twice) are dropped first: read as the next answer, a ready printer's n=1 byte
 * says "paper near end", and a paper-out printer's says nothing is wrong with the paper.
 */
export async function readStatus(
  link: Pick<PrinterLink, 'write' | 'readByte'>,
  timeoutMs: number,
): Promise<PrinterStatus> {
  const ask = async (n: 1 | 2 | 4): Promise<number | null> => {
    for (let i = 0; i < MAX_STALE_BYTES && (await link.readByte(0)) !== null; i++);
    try {
      await link.write(DLE_EOT(n));
    } catch {
      return null;
    }
    const b = await link.readByte(timeoutMs);
    return b !== null && isStatusByte(b) ? b : null;
  };
  const printer = await ask(1);
  if (printer === null) return 'offline';
  const cause = printer & OFFLINE ? await ask(2) : null;
  const paper = await ask(4);
  if (paper === null) return 'offline';
  return statusFromBytes(printer, cause, paper);
}

/** The bytes a printer in `status` answers to DLE EOT n (for the virtual printer). */
export function statusBytes(status: Exclude<PrinterStatus, 'offline'>): Record<1 | 2 | 3 | 4, number> {
  switch (status) {
    case 'ready':
      return { 1: FIXED | 0x04, 2: FIXED, 3: FIXED, 4: FIXED };
    case 'paper_near_end':
      return { 1: FIXED | 0x04, 2: FIXED, 3: FIXED, 4: FIXED | NEAR_END };
    case 'paper_out':
      return {
        1: FIXED | 0x04 | OFFLINE,
        2: FIXED | PAPER_END_STOP,
        3: FIXED,
        4: FIXED | NEAR_END | PAPER_OUT,
      };
    case 'cover_open':
      return { 1: FIXED | 0x04 | OFFLINE, 2: FIXED | COVER_OPEN, 3: FIXED, 4: FIXED };
  }
}
