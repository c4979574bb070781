/**
 * A4/F4 printer through CUPS over IPP (the `ipp` client): the letter goes as a PDF to a CUPS queue
 * (the village office's ink-tank printer), and the kiosk's promises hold as with the thermal one:
 *
 *   probe: Get-Printer-Attributes → printer-state, printer-state-reasons, accepting jobs
 *          (stopped / not accepting / offline-report → offline; media-empty → paper out;
 *           media-low, toner-low, marker-supply-low → paper near end, still prints)
 *   print: Print-Job (application/pdf) → Get-Job-Attributes until completed (printed), or
 *          canceled / aborted (failed); past timeout_ms the job is cancelled and fails
 *
 * Job files hold the full NIK: the kiosk's cupsd runs with PreserveJobFiles No.
 */
import { EventEmitter } from 'node:events';
import ipp, { type IppMessage, type IppResponse } from 'ipp';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Printer, PrinterEvents, PrinterStatus, PrintJob } from './printer.ts';

type CupsConfig = Config['hardware']['printer'];

/** How often the job's state is asked while it prints (CUPS's own `lp -W` polls alike). */
const JOB_POLL_MS = 250;
const REQUEST_TIMEOUT_MS = 5000;

/** The queue's URL: a full ipp:// or http:// URL, or a queue name on this machine's CUPS. */
export function queueUrl(queue: string): string {
  if (/^(ipps?|https?):\/\//.test(queue)) return queue.replace(/^ipp(s?):/, 'http$1:');
  return `http://localhost:631/printers/${encodeURIComponent(queue)}`;
}

/** printer-state and printer-state-reasons → what the kiosk knows. */
export function statusFromAttributes(state: unknown, reasons: unknown, accepting: unknown): PrinterStatus {
  const list = (Array.isArray(reasons) ? reasons : [reasons]).map(String);
  const has = (prefix: string) => list.some((r) => r === prefix || r.startsWith(`${prefix}-`));
  if (state === 'stopped' || state === 5 || accepting === false || has('offline') || has('offline-report')) {
    return 'offline';
  }
  if (has('media-empty') || has('media-needed')) return 'paper_out';
  if (has('door-open') || has('cover-open')) return 'cover_open';
  if (has('media-low') || has('toner-low') || has('marker-supply-low')) return 'paper_near_end';
  return 'ready';
}

export class CupsPrinter extends EventEmitter<PrinterEvents> implements Printer {
  /** Layout columns are irrelevant on A4 (the PDF is laid out on its own); 80 mm keeps 48. */
  readonly paperMm = 80 as const;
  #status: PrinterStatus = 'offline';
  #queue: Promise<void> = Promise.resolve();
  #poll: NodeJS.Timeout | null = null;
  readonly #url: string;

  constructor(
    private readonly cfg: CupsConfig,
    private readonly logger: Logger,
  ) {
    super();
    this.#url = queueUrl(cfg.cups_queue ?? 'A4');
  }

  get status(): PrinterStatus {
    return this.#status;
  }

  describe(): string {
    return `CUPS queue ${this.#url} (${this.cfg.page_size.toUpperCase()})`;
  }

  async start(): Promise<void> {
    await this.probe();
    this.#poll = setInterval(() => void this.probe(), this.cfg.status_interval_s * 1000);
    this.#poll.unref();
  }

  async stop(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    await this.#queue.catch(() => undefined);
  }

  async probe(): Promise<PrinterStatus> {
    try {
      const res = await this.#execute('Get-Printer-Attributes', {
        'operation-attributes-tag': {
          'requested-attributes': ['printer-state', 'printer-state-reasons', 'printer-is-accepting-jobs'],
        },
      });
      const attrs = (res['printer-attributes-tag'] ?? {}) as Record<string, unknown>;
      this.#setStatus(
        statusFromAttributes(
          attrs['printer-state'],
          attrs['printer-state-reasons'],
          attrs['printer-is-accepting-jobs'],
        ),
      );
    } catch (err) {
      this.logger.warn({ url: this.#url, err: errorMessage(err) }, 'CUPS queue did not answer');
      this.#setStatus('offline');
    }
    return this.#status;
  }

  print(job: PrintJob): Promise<void> {
    const run = this.#queue.then(() => this.#print(job));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #print(job: PrintJob): Promise<void> {
    if (!job.pdf)
      throw new KioskError('printer_offline', 'this job has no A4 form (a CUPS printer prints PDFs)');
    const pdf = await job.pdf(this.cfg.page_size);
    job.onProgress?.(0.1);
    let res: IppResponse;
    try {
      res = await this.#execute('Print-Job', {
        'operation-attributes-tag': {
          'requesting-user-name': 'anjungan',
          'job-name': job.id,
          'document-format': 'application/pdf',
        },
        data: pdf,
      });
    } catch (err) {
      this.#setStatus('offline');
      throw new KioskError('printer_offline', `CUPS did not take the job: ${errorMessage(err)}`);
    }
    const jobId = (res['job-attributes-tag'] as Record<string, unknown> | undefined)?.['job-id'];
    if (typeof jobId !== 'number') {
      throw new KioskError('printer_offline', `CUPS refused the job (${res.statusCode})`);
    }
    job.onProgress?.(0.3);
    const deadline = Date.now() + this.cfg.timeout_ms;
    for (;;) {
      const state = await this.#jobState(jobId);
      if (state === 'completed') break;
      if (state === 'canceled' || state === 'aborted') {
        void this.probe();
        throw new KioskError('print_connection_lost', `the CUPS job ${jobId} was ${state}`);
      }
      if (Date.now() > deadline) {
        await this.#execute('Cancel-Job', {
          'operation-attributes-tag': { 'job-id': jobId, 'requesting-user-name': 'anjungan' },
        }).catch(() => undefined);
        throw new KioskError(
          'print_timeout',
          `the CUPS job ${jobId} did not finish in ${this.cfg.timeout_ms} ms`,
        );
      }
      if (state === 'processing') job.onProgress?.(0.6);
      await new Promise((r) => setTimeout(r, JOB_POLL_MS));
    }
    job.onProgress?.(1);
  }

  async #jobState(jobId: number): Promise<string> {
    try {
      const res = await this.#execute('Get-Job-Attributes', {
        'operation-attributes-tag': { 'job-id': jobId, 'requested-attributes': ['job-state'] },
      });
      return String(
        (res['job-attributes-tag'] as Record<string, unknown> | undefined)?.['job-state'] ?? 'pending',
      );
    } catch {
      return 'pending'; // a missed answer is asked again; the deadline still applies
    }
  }

  #execute(operation: string, message: IppMessage): Promise<IppResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${operation}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
        REQUEST_TIMEOUT_MS,
      );
      ipp.Printer(this.#url).execute(operation, message, (err, res) => {
        clearTimeout(timer);
        if (err) reject(err);
        else if (!/^successful-ok/.test(res.statusCode)) reject(new Error(`${operation}: ${res.statusCode}`));
        else resolve(res);
      });
    });
  }

  #setStatus(s: PrinterStatus): void {
    if (s === this.#status) return;
    this.#status = s;
    this.emit('status', s);
  }
}
