import type { PrintDocument } from '../letters/print-document.ts';
import type { PortEvents } from './emitter.ts';

/**
 * What the printer says about itself. `paper_near_end` still prints (the district is told to
 * bring paper); every other state except `ready` refuses a letter.
 */
export type PrinterStatus = 'ready' | 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline';

export function canPrint(status: PrinterStatus): boolean {
  return status === 'ready' || status === 'paper_near_end';
}

export interface PrinterEvents {
  /** The status changed (found by a probe, a periodic poll, or a failed job). */
  status: [PrinterStatus];
}

export interface PrintJob {
  /** Unique name of the job (the register entry id); the sim names its .bin file after it. */
  id: string;
  document: PrintDocument;
  /** Called with 0..1 while the job is sent, for the progress bar. */
  onProgress?: (fraction: number) => void;
  /** The same letter as an A4/F4 PDF, for page printers (CUPS); thermal printers never ask. */
  pdf?: (paper: 'a4' | 'f4') => Promise<Buffer>;
}

/** Printer port. Adapters: `printer.sim.ts`, `printer.escpos.ts` (node-thermal-printer), `printer.cups.ts` (A4 over IPP). */
export interface Printer extends PortEvents<PrinterEvents> {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Probes the device now (DLE EOT on real printers). Never rejects: a dead link is `offline`. */
  probe(): Promise<PrinterStatus>;
  /** Last known status, without I/O. */
  readonly status: PrinterStatus;
  /**
   * Prints one document. Single-flight: a second call while one runs waits its turn.
   * Rejects with KioskError `paper_out`, `cover_open`, `printer_offline` (refused before a
   * byte was sent), `print_connection_lost` (link died mid-job) or `print_timeout`.
   */
  print(job: PrintJob): Promise<void>;
  /** Paper width the adapter is set for, in mm: decides the layout (32 or 48 columns). */
  readonly paperMm: 58 | 80;
  describe(): string;
}
