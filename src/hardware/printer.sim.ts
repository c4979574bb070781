/**
 * Simulated thermal printer: encodes each job to real ESC/POS bytes (the same encoder the real
 * adapter uses), keeps them as `<dir>/<job.id>.bin`, and fails the way a printer does:
 *
 *   ready ⇄ paper-near-end → paper-out        (a finite roll, spent line by line)
 *   any ⇄ cover-open, any ⇄ offline            (set by the simulator's stdin or tests)
 *
 * A job is refused before a byte is sent when the printer is not ready. With `msPerLine` > 0 a
 * job takes time, so the state can change mid-job: offline → `print_connection_lost`, roll end or
 * paper-out → `paper_out`, cover opened → `cover_open`; the bytes sent so far are kept.
 */
import { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { paperAdvances } from './escpos-decoder.ts';
import { encodeEscpos } from './escpos-encode.ts';
import type { Printer, PrinterEvents, PrinterStatus, PrintJob } from './printer.ts';

export type SimPrinterState = 'ready' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'offline';

export interface SimPrinterOptions {
  /** Where the .bin files go: <data_dir>/sim/prints. */
  dir: string;
  paperMm: 58 | 80;
  nativeQr: boolean;
  logger: Logger;
  /** Lines of paper on the roll (default 1,000,000: effectively endless). */
  rollLines?: number;
  /** Delay per printed line, so that tests can change the state mid-job (default 0). */
  msPerLine?: number;
  /** Lines left at which the near-end sensor trips (default a tenth of the roll, at most 200). */
  nearEndLines?: number;
}

const DEFAULT_ROLL_LINES = 1_000_000;

const STATUS: Record<SimPrinterState, PrinterStatus> = {
  ready: 'ready',
  'paper-near-end': 'paper_near_end',
  'paper-out': 'paper_out',
  'cover-open': 'cover_open',
  offline: 'offline',
};

/** The error a printer in `state` gives for a job; null when it prints. */
function refusal(state: SimPrinterState, midJob: boolean): KioskError | null {
  switch (state) {
    case 'paper-out':
      return new KioskError('paper_out', 'printer reports paper out: load a new paper roll');
    case 'cover-open':
      return new KioskError('cover_open', 'printer cover is open: close the printer cover');
    case 'offline':
      return midJob
        ? new KioskError(
            'print_connection_lost',
            'printer went offline during the job: check its power and cable',
          )
        : new KioskError('printer_offline', 'printer is offline: check its power and cable');
    default:
      return null;
  }
}

export class SimPrinter extends EventEmitter<PrinterEvents> implements Printer {
  readonly paperMm: 58 | 80;
  private simState: SimPrinterState;
  private roll: number;
  private readonly fullRoll: number;
  private readonly nearEnd: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SimPrinterOptions) {
    super();
    this.paperMm = opts.paperMm;
    this.fullRoll = Math.max(0, Math.floor(opts.rollLines ?? DEFAULT_ROLL_LINES));
    this.roll = this.fullRoll;
    this.nearEnd = opts.nearEndLines ?? Math.min(200, Math.floor(this.fullRoll / 10));
    this.simState = this.paperState();
  }

  async start(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
  }

  /** Waits for the job in progress (if any) to end. */
  async stop(): Promise<void> {
    await this.queue;
  }

  async probe(): Promise<PrinterStatus> {
    return this.status;
  }

  get status(): PrinterStatus {
    return STATUS[this.simState];
  }

  /** The simulator's own state name. */
  get state(): SimPrinterState {
    return this.simState;
  }

  /** Lines of paper left on the roll. */
  get rollLines(): number {
    return this.roll;
  }

  describe(): string {
    return `simulated printer (${this.paperMm} mm, ${this.opts.nativeQr ? 'native' : 'raster'} QR, prints to ${this.opts.dir})`;
  }

  /**
   * Sets the state, as stdin `printer <ready|paper-out|offline>` does. `ready` on an empty roll
   * loads a new roll (the operator fixed it); `paper-out` empties the roll.
   */
  setState(s: SimPrinterState): void {
    if (s === 'paper-out') this.roll = 0;
    if ((s === 'ready' || s === 'paper-near-end') && this.roll <= 0) this.roll = this.fullRoll;
    this.change(s === 'ready' ? this.paperState() : s);
  }

  /** Loads a new roll (default: as many lines as the first one) and becomes ready. */
  loadPaper(lines: number = this.fullRoll): void {
    this.roll = Math.max(0, Math.floor(lines));
    this.change(this.paperState());
  }

  /** Single-flight: a job waits for the one before it, whatever that one's outcome. */
  print(job: PrintJob): Promise<void> {
    const run = this.queue.then(() => this.run(job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(job: PrintJob): Promise<void> {
    const refused = refusal(this.simState, false);
    if (refused) throw refused;
    const bytes = await encodeEscpos(job.document, { paperMm: this.paperMm, nativeQr: this.opts.nativeQr });
    const refusedLate = refusal(this.simState, false); // the state may have changed while encoding
    if (refusedLate) throw refusedLate;

    const file = join(this.opts.dir, `${job.id.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`);
    const msPerLine = this.opts.msPerLine ?? 0;
    let sent = 0;
    let lines = 0;
    try {
      for (const step of paperAdvances(bytes)) {
        if (msPerLine > 0) await new Promise((resolve) => setTimeout(resolve, msPerLine * step.lines));
        const failed = refusal(this.simState, true);
        if (failed) throw failed;
        if (this.roll < step.lines) {
          this.roll = 0;
          this.change('paper-out');
          throw new KioskError('paper_out', 'printer ran out of paper during the job: load a new paper roll');
        }
        this.roll -= step.lines;
        lines += step.lines;
        sent = step.end;
        if (this.simState === 'ready' && this.roll <= this.nearEnd) this.change('paper-near-end');
        job.onProgress?.(sent / bytes.length);
      }
      sent = bytes.length;
    } catch (err) {
      await writeFile(file, bytes.subarray(0, sent));
      this.opts.logger.warn(
        { job: job.id, bytes: sent, of: bytes.length, lines, err },
        'sim printer: job failed',
      );
      throw err;
    }
    await writeFile(file, bytes);
    job.onProgress?.(1);
    this.opts.logger.info(
      { job: job.id, bytes: bytes.length, lines, roll: this.roll },
      'sim printer: printed',
    );
  }

  private paperState(): SimPrinterState {
    if (this.roll <= 0) return 'paper-out';
    return this.roll <= this.nearEnd ? 'paper-near-end' : 'ready';
  }

  private change(next: SimPrinterState): void {
    const before = this.status;
    this.simState = next;
    if (this.status !== before) this.emit('status', this.status);
  }
}
