/**
 * A virtual ESC/POS network printer (TCP, like port 9100 printers) for tests, the simulator and
 * technicians. It answers DLE EOT in real time with a state you set, can go offline (stay silent
 * or refuse connections), be slow, or drop the connection mid-job, and decodes every job into
 * text lines with styles, QR payloads and raster images (saved as PNG with --out).
 *
 *   node --import tsx scripts/virtual-printer.ts --port 9100 [--state paper-out] [--out DIR]
 *        [--paper 58|80] [--slow BYTES_PER_S] [--drop-after BYTES] [--offline silent|refuse]
 *   node --import tsx scripts/virtual-printer.ts --decode FILE.bin [--paper 58|80]
 *        (decodes a saved job, e.g. one the simulator kept in var/sim/prints/, and exits)
 *
 * Then point a kiosk at it: "printer": { "driver": "escpos", "interface": "tcp://127.0.0.1:9100" }.
 * A job ends when the client closes the connection.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type DecodedJob, decodeEscpos, imageToPng, jobText } from '../src/hardware/escpos-decoder.ts';
import { statusBytes } from '../src/hardware/escpos-status.ts';

export type VirtualPrinterState = 'ready' | 'paper-near-end' | 'paper-out' | 'cover-open';
/** `silent`: accepts connections, never answers; `refuse`: nothing listens. */
export type OfflineMode = 'none' | 'silent' | 'refuse';

export interface ReceivedJob {
  /** Sequence number, from 1. */
  n: number;
  /** Job bytes without the DLE EOT queries. */
  bytes: Buffer;
  decoded: DecodedJob;
  /** False when the printer dropped the connection mid-job (dropAfter). */
  complete: boolean;
  /** DLE EOT queries seen on the connection (n values), e.g. [1, 4, 1, 4]. */
  queries: number[];
  /** PNG files written for its images (only with `outDir`). */
  pngs: string[];
}

export interface VirtualPrinterOptions {
  /** 0: any free port. */
  port?: number;
  host?: string;
  state?: VirtualPrinterState;
  /** Save <n>.bin, <n>.txt and <n>-<i>.png per job here. */
  outDir?: string | null;
}

const STATE_STATUS = {
  ready: 'ready',
  'paper-near-end': 'paper_near_end',
  'paper-out': 'paper_out',
  'cover-open': 'cover_open',
} as const;

/** Reads a connection the way a printer does: real-time DLE EOT, but not inside image/QR data. */
class StreamParser {
  job: Buffer[] = [];
  queries: number[] = [];
  private skip = 0;
  private pending = Buffer.alloc(0);

  constructor(private readonly answer: (n: number) => void) {}

  feed(chunk: Buffer): void {
    const b = Buffer.concat([this.pending, chunk]);
    this.pending = Buffer.alloc(0);
    let i = 0;
    let from = 0;
    while (i < b.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, b.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const c = b[i];
      if (c === 0x10 || c === 0x1d) {
        const need = c === 0x10 ? 3 : 8;
        if (b.length - i < need && this.startsCommand(b, i)) {
          // A command split across reads: keep it for the next chunk.
          this.job.push(b.subarray(from, i));
          this.pending = Buffer.from(b.subarray(i));
          return;
        }
        if (c === 0x10 && b[i + 1] === 0x04 && b.length - i >= 3) {
          this.job.push(b.subarray(from, i));
          const n = b[i + 2] as number;
          this.queries.push(n);
          this.answer(n);
          i += 3;
          from = i;
          continue;
        }
        if (c === 0x1d && b[i + 1] === 0x76 && b[i + 2] === 0x30 && b.length - i >= 8) {
          // GS v 0 m xL xH yL yH: raster data follows; its bytes are never commands.
          const w = (b[i + 4] as number) + (b[i + 5] as number) * 256;
          const h = (b[i + 6] as number) + (b[i + 7] as number) * 256;
          i += 8;
          this.skip = w * h;
          continue;
        }
        if (c === 0x1d && b[i + 1] === 0x28 && b[i + 2] === 0x6b && b.length - i >= 5) {
          // GS ( k pL pH: QR function payload.
          this.skip = (b[i + 3] as number) + (b[i + 4] as number) * 256;
          i += 5;
          continue;
        }
      }
      i++;
    }
    this.job.push(b.subarray(from));
  }

  private startsCommand(b: Buffer, i: number): boolean {
    const next = b[i + 1];
    if (next === undefined) return true;
    if (b[i] === 0x10) return next === 0x04;
    const third = b[i + 2];
    return (
      (next === 0x76 && (third === undefined || third === 0x30)) ||
      (next === 0x28 && (third === undefined || third === 0x6b))
    );
  }

  bytes(): Buffer {
    return Buffer.concat([...this.job, this.pending]);
  }

  /** Job bytes taken in so far. */
  get length(): number {
    return this.job.reduce((n, b) => n + b.length, 0);
  }
}

export class VirtualPrinter extends EventEmitter<{ job: [ReceivedJob] }> {
  state: VirtualPrinterState;
  readonly jobs: ReceivedJob[] = [];
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  /** One per connection: settles once the connection closed and its job (if any) was emitted. */
  private connections = new Set<Promise<void>>();
  private offline: OfflineMode = 'none';
  private bytesPerSecond: number | null = null;
  private dropAfterBytes: number | null = null;
  private boundPort = 0;

  constructor(private readonly opts: VirtualPrinterOptions = {}) {
    super();
    this.state = opts.state ?? 'ready';
  }

  get port(): number {
    return this.boundPort;
  }

  /** The kiosk's hardware.printer.interface for this printer. */
  get url(): string {
    return `tcp://${this.opts.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    await this.listen(this.opts.port ?? 0);
  }

  setState(s: VirtualPrinterState): void {
    this.state = s;
  }

  /** Goes offline (`silent`: connections hang unanswered; `refuse`: port closed) or back (`none`). */
  async setOffline(mode: OfflineMode): Promise<void> {
    const was = this.offline;
    this.offline = mode;
    if (mode === 'refuse' && this.server) await this.unlisten();
    if (mode !== 'refuse' && was === 'refuse') await this.listen(this.boundPort);
  }

  /** Takes job bytes in at this rate (null: at once). DLE EOT after the job is answered only when reached. */
  slow(bytesPerSecond: number | null): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Drops the next job's connection after this many job bytes (then resets to null). */
  dropAfter(bytes: number | null): void {
    this.dropAfterBytes = bytes;
  }

  /** Resolves with the next job received (or one already received that nobody took yet). */
  nextJob(timeoutMs = 10_000): Promise<ReceivedJob> {
    const taken = this.taken;
    const ready = this.jobs[taken];
    if (ready) {
      this.taken++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('job', on);
        reject(new Error(`virtual printer: no job within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (job: ReceivedJob) => {
        clearTimeout(t);
        this.off('job', on);
        this.taken++;
        resolve(job);
      };
      this.on('job', on);
    });
  }
  private taken = 0;

  /**
   * Resolves once every connection open now has closed and its job was taken in (at the slow
   * rate) and emitted: after a client was killed, `jobs` then holds all it sent.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.connections]);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.unlisten();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((s) => this.onConnection(s));
      server.once('error', reject);
      server.listen(port, this.opts.host ?? '127.0.0.1', () => {
        const a = server.address();
        this.boundPort = typeof a === 'object' && a ? a.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.connections.add(settled);
    const parser = new StreamParser((n) => {
      if (this.offline !== 'none') return;
      const bytes = statusBytes(STATE_STATUS[this.state]);
      const b = bytes[n as 1 | 2 | 3 | 4];
      if (b !== undefined && !socket.destroyed) socket.write(Buffer.from([b]));
    });
    let received = 0;
    let dropped = false;
    const dropAt = this.dropAfterBytes;
    // Incoming data is processed in order, at the configured rate.
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      chain = chain.then(async () => {
        if (dropped) return;
        if (this.bytesPerSecond) {
          socket.pause();
          await new Promise((r) => setTimeout(r, (chunk.length / (this.bytesPerSecond as number)) * 1000));
          socket.resume();
        }
        parser.feed(chunk);
        received = parser.length;
        if (dropAt !== null && received >= dropAt) {
          this.dropAfterBytes = null;
          dropped = true;
          socket.destroy();
          await this.finish(parser, false);
        }
      });
    });
    // A job is complete when the client ended it cleanly (FIN), not when it reset or vanished.
    let ended = false;
    let reset = false;
    socket.on('end', () => {
      ended = true;
    });
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      chain = chain
        .then(() => (dropped ? undefined : this.finish(parser, ended && !reset)))
        .finally(() => {
          this.connections.delete(settled);
          settle();
        });
    });
  }

  private async finish(parser: StreamParser, complete: boolean): Promise<void> {
    const bytes = parser.bytes();
    if (bytes.length === 0) return; // a status probe only
    const job: ReceivedJob = {
      n: this.jobs.length + 1,
      bytes,
      decoded: decodeEscpos(bytes),
      complete,
      queries: parser.queries,
      pngs: [],
    };
    if (this.opts.outDir) {
      fs.mkdirSync(this.opts.outDir, { recursive: true });
      const base = path.join(this.opts.outDir, String(job.n).padStart(4, '0'));
      fs.writeFileSync(`${base}.bin`, bytes);
      fs.writeFileSync(`${base}.txt`, `${jobText(job.decoded)}\n`);
      for (const [i, img] of job.decoded.images.entries()) {
        const file = `${base}-${i + 1}.png`;
        fs.writeFileSync(file, await imageToPng(img));
        job.pngs.push(file);
      }
    }
    this.jobs.push(job);
    this.emit('job', job);
  }
}

/** What a technician sees for a job. */
export function formatJob(job: ReceivedJob, columns: number): string {
  const rule = '-'.repeat(columns + 2);
  const lines = job.decoded.lines.map((l) => {
    const pad = columns - l.text.length;
    const text =
      l.align === 'center'
        ? ' '.repeat(Math.max(0, Math.floor(pad / 2))) + l.text
        : l.align === 'right'
          ? ' '.repeat(Math.max(0, pad)) + l.text
          : l.text;
    const marks = `${l.bold ? 'B' : ' '}${l.size === 'double' ? '2' : ' '}`;
    return `${marks}|${text}`;
  });
  const extra = [
    ...job.decoded.images.map(
      (img, i) => `[image ${i + 1}: ${img.width}x${img.height}${job.pngs[i] ? ` -> ${job.pngs[i]}` : ''}]`,
    ),
    ...job.decoded.qr.map((q) => `[native QR: ${q}]`),
    `[cuts: ${job.decoded.cuts}${job.complete ? '' : ', INCOMPLETE: connection dropped'}]`,
  ];
  return [`=== job ${job.n}: ${job.bytes.length} bytes ===`, rule, ...lines, rule, ...extra, ''].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '9100' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string', default: 'ready' },
      out: { type: 'string' },
      paper: { type: 'string', default: '58' },
      slow: { type: 'string' },
      'drop-after': { type: 'string' },
      offline: { type: 'string' },
      decode: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `${
        fs
          .readFileSync(new URL(import.meta.url), 'utf8')
          .split('*/')[0]
          ?.replace(/^\/\*\*?|^ \* ?/gm, '') ?? ''
      }\n` +
        'While running, type a state (ready, paper-near-end, paper-out, cover-open), offline-silent, offline-refuse, online, slow N, drop N.\n',
    );
    return;
  }
  if (values.decode) {
    const bytes = fs.readFileSync(values.decode);
    const job: ReceivedJob = {
      n: 1,
      bytes,
      decoded: decodeEscpos(bytes),
      complete: true,
      queries: [],
      pngs: [],
    };
    process.stdout.write(formatJob(job, values.paper === '80' ? 48 : 32));
    return;
  }
  const states = Object.keys(STATE_STATUS);
  if (!states.includes(values.state)) throw new Error(`--state must be one of ${states.join(', ')}`);
  const printer = new VirtualPrinter({
    port: Number(values.port),
    host: values.host,
    state: values.state as VirtualPrinterState,
    outDir: values.out ?? null,
  });
  await printer.start();
  if (values.slow) printer.slow(Number(values.slow));
  if (values['drop-after']) printer.dropAfter(Number(values['drop-after']));
  if (values.offline === 'silent' || values.offline === 'refuse') await printer.setOffline(values.offline);
  const columns = values.paper === '80' ? 48 : 32;
  printer.on('job', (job) => process.stdout.write(formatJob(job, columns)));
  process.stdout.write(`virtual printer on ${printer.url} (state ${printer.state})\n`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    for (const cmd of text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)) {
      const [word, arg] = cmd.split(/\s+/);
      if (word && states.includes(word)) printer.setState(word as VirtualPrinterState);
      else if (word === 'offline-silent') void printer.setOffline('silent');
      else if (word === 'offline-refuse') void printer.setOffline('refuse');
      else if (word === 'online') void printer.setOffline('none');
      else if (word === 'slow') printer.slow(arg ? Number(arg) : null);
      else if (word === 'drop') printer.dropAfter(arg ? Number(arg) : null);
      else if (word === 'quit') void printer.close().then(() => process.exit(0));
      else process.stdout.write(`unknown command: ${cmd}\n`);
      process.stdout.write(`> state ${printer.state}\n`);
    }
  });
  const stop = () => void printer.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const isEntry =
  process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isEntry) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`virtual-printer: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
