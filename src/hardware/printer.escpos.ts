/**
 * ESC/POS thermal printers (EPSON command set, 58/80 mm) on a device path (/dev/usb/lp0) or
 * tcp://host:port. Bytes come from the shared encoder (escpos-encode.ts, node-thermal-printer
 * used as an encoder only); we send them ourselves, because the library's execute() on a file
 * path retries the write in the background for up to 200 s after it rejected: a late letter
 * could come out in the middle of the next one.
 *
 *   print(job) ─▶ queue (one job at a time) ─▶ open link ─▶ DLE EOT probe ─▶ refuse, or
 *               ─▶ bytes in chunks (progress) ─▶ DLE EOT again (paper ran out? link died?) ─▶ close
 *   a job past timeout_ms: the link is aborted and the queue waits until the aborted job can no
 *   longer write before the next one starts.
 *
 * Status is probed before every letter and every status_interval_s while idle.
 */
import { EventEmitter } from 'node:events';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { PrintDocument } from '../letters/print-document.ts';
import type { Logger } from '../log.ts';
import { openLink, type PrinterLink } from './escpos-link.ts';
import { readStatus } from './escpos-status.ts';
import { canPrint, type Printer, type PrinterEvents, type PrinterStatus, type PrintJob } from './printer.ts';

type PrinterConfig = Config['hardware']['printer'];
type Encode = (doc: PrintDocument, opts: { paperMm: 58 | 80; nativeQr: boolean }) => Promise<Buffer>;

export interface EscposPrinterOptions {
  nativeQr: boolean;
  logger: Logger;
  /** How long to wait for each DLE EOT answer (default 1500 ms). */
  probeTimeoutMs?: number;
  /** TCP connect timeout (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Bytes per write; progress is reported per chunk (default 1024). */
  chunkBytes?: number;
}

/** Creates the ESC/POS printer adapter; `start()` probes it and starts the status poll. */
export async function createEscposPrinter(cfg: PrinterConfig, opts: EscposPrinterOptions): Promise<Printer> {
  if (cfg.interface.startsWith('tcp://')) {
    const u = URL.canParse(cfg.interface) ? new URL(cfg.interface) : null;
    if (!u?.hostname || !u.port) {
      throw new KioskError(
        'config_invalid',
        `hardware.printer.interface "${cfg.interface}" must look like tcp://192.168.1.50:9100`,
      );
    }
  }
  let encode: Encode;
  try {
    encode = (await import('./escpos-encode.ts')).encodeEscpos;
  } catch (err) {
    throw new KioskError(
      'dependency_missing',
      `the ESC/POS encoder cannot load (${errorMessage(err)}): run \`npm ci\``,
      { cause: err },
    );
  }
  return new EscposPrinter(cfg, opts, encode);
}

export function refusal(status: PrinterStatus, iface: string, midJob = false): KioskError {
  switch (status) {
    case 'paper_out':
      return new KioskError(
        'paper_out',
        midJob
          ? 'printer ran out of paper during the letter: load a new paper roll'
          : 'printer reports paper out: load a new paper roll',
      );
    case 'cover_open':
      return new KioskError('cover_open', 'printer cover is open: close the printer cover');
    default:
      return new KioskError(
        'printer_offline',
        `printer at ${iface} does not answer: check its power, cable and paper`,
      );
  }
}

class EscposPrinter extends EventEmitter<PrinterEvents> implements Printer {
  private current: PrinterStatus = 'offline';
  private queue: Promise<unknown> = Promise.resolve();
  private busy = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly log: Logger;
  readonly paperMm: 58 | 80;

  constructor(
    private readonly cfg: PrinterConfig,
    private readonly opts: EscposPrinterOptions,
    private readonly encode: Encode,
  ) {
    super();
    this.paperMm = cfg.paper_mm;
    this.log = opts.logger.child({ port: 'printer', driver: 'escpos' });
  }

  get status(): PrinterStatus {
    return this.current;
  }

  describe(): string {
    return `ESC/POS ${this.cfg.paper_mm} mm printer at ${this.cfg.interface}`;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.probe();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.queue.catch(() => undefined);
  }

  probe(): Promise<PrinterStatus> {
    return this.enqueue(async () => {
      let link: PrinterLink | null = null;
      try {
        link = await openLink(this.cfg.interface, this.opts.connectTimeoutMs ?? 3000);
        this.setStatus(await this.readStatus(link, this.opts.probeTimeoutMs ?? 1500));
      } catch (err) {
        this.log.debug({ err: errorMessage(err) }, 'printer probe: no link');
        this.setStatus('offline');
      } finally {
        await link?.close();
      }
      return this.current;
    });
  }

  print(job: PrintJob): Promise<void> {
    return this.enqueue(() => this.runJob(job));
  }

  /** Single flight: each task starts only when the previous one has fully settled. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.busy = true;
      try {
        return await task();
      } finally {
        this.busy = false;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runJob(job: PrintJob): Promise<void> {
    const bytes = await this.encode(job.document, { paperMm: this.paperMm, nativeQr: this.opts.nativeQr });
    let link: PrinterLink | null = null;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = Date.now() + this.cfg.timeout_ms;
    const work = (async () => {
      try {
        link = await openLink(
          this.cfg.interface,
          Math.min(this.opts.connectTimeoutMs ?? 3000, this.cfg.timeout_ms),
        );
      } catch (err) {
        this.setStatus('offline');
        throw new KioskError(
          'printer_offline',
          `printer at ${this.cfg.interface} cannot be reached (${errorMessage(err)}): check its power and cable`,
        );
      }
      const before = await this.readStatus(link, this.opts.probeTimeoutMs ?? 1500);
      this.setStatus(before);
      if (!canPrint(before)) throw refusal(before, this.cfg.interface);
      await this.send(link, bytes, job, () => timedOut);
      // Asked after the job, the printer answers once it has taken the bytes in: a roll that ran
      // out or a link that died mid-letter shows here.
      // Its wait outlasts the job timer, so a printer that is merely slow ends as print_timeout.
      const after = await this.readStatus(link, Math.max(200, deadline - Date.now() + 1000));
      if (timedOut) return;
      if (link.dead) throw this.connectionLost(link);
      this.setStatus(after);
      if (!canPrint(after))
        throw after === 'offline' ? this.connectionLost(link) : refusal(after, this.cfg.interface, true);
      job.onProgress?.(1);
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        link?.abort();
        reject(
          new KioskError(
            'print_timeout',
            `printer did not take the letter within ${this.cfg.timeout_ms} ms: check the printer, then try again`,
          ),
        );
      }, this.cfg.timeout_ms);
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      // The queue moves on only once this job can no longer write (no late letter).
      await work.catch(() => undefined);
      await (link as PrinterLink | null)?.close();
    }
  }

  private async send(link: PrinterLink, bytes: Buffer, job: PrintJob, aborted: () => boolean): Promise<void> {
    const size = this.opts.chunkBytes ?? 1024;
    for (let off = 0; off < bytes.length; off += size) {
      if (aborted()) return;
      try {
        await link.write(bytes.subarray(off, off + size));
      } catch (err) {
        if (aborted()) return;
        throw this.connectionLost(link, err);
      }
      job.onProgress?.(Math.min(0.99, (off + size) / bytes.length));
    }
  }

  private connectionLost(link: PrinterLink, err?: unknown): KioskError {
    this.setStatus('offline');
    const why = err ? errorMessage(err) : (link.reason ?? 'no answer');
    return new KioskError(
      'print_connection_lost',
      `printer connection lost during the letter (${why}): check the cable and power`,
    );
  }

  /** DLE EOT 1 (and 2 when offline) and 4; no or implausible answer = offline. */
  private readStatus(link: PrinterLink, timeoutMs: number): Promise<PrinterStatus> {
    return readStatus(link, timeoutMs);
  }

  private setStatus(s: PrinterStatus): void {
    if (s === this.current) return;
    this.log.info({ from: this.current, to: s }, 'printer status');
    this.current = s;
    this.emit('status', s);
  }

  private schedulePoll(): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      // Skip while a letter prints: its own probes keep the status fresh.
      const next = this.busy ? Promise.resolve(this.current) : this.probe();
      void next.finally(() => this.schedulePoll());
    }, this.cfg.status_interval_s * 1000);
    this.pollTimer.unref();
  }
}
