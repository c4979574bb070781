/**
 * The kiosk in a browser (`anjungan run --web [PORT]`, simulator mode only): a tiny node:http
 * server for the page in assets/web/, pushing what happens over Server-Sent Events.
 *
 *   WebDisplay ─frame──┐                         ┌─ GET /frame.png, /prints/<id>.png
 *   bus letter_* ─print┼─▶ SSE /events ─▶ page ──┤
 *   MQTT anjungan/# ───┘                         └─ POST /api/command "touch 120 200" ─▶ runSimCommand
 *                                                   POST /api/drag {x,y,dx,dy} ─▶ SimTouch.drag
 *
 * The page drives the kiosk only through the simulated ports (the same commands as standard
 * input): it holds no rule of the flow. Loopback by default; `--web-host` opens it to a LAN.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, KioskError } from '../errors.ts';
import type { KioskBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { runSimCommand, type SimCommandContext } from '../sim/stdin-commands.ts';
import { paperPng } from './paper-image.ts';
import type { WebDisplay, WebFrame } from './web-display.ts';

const STATIC_DIR = fileURLToPath(new URL('../../assets/web/', import.meta.url));
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };
/** The newest this many MQTT messages are kept for a page that opens later. */
const MQTT_KEEP = 200;
const MAX_BODY = 1024;

export interface WebSimulatorOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  display: WebDisplay;
  commands: SimCommandContext;
  bus: KioskBus;
  /** Where the simulated printer keeps each job's bytes (<data_dir>/sim/prints). */
  printsDir: string;
  paperMm: 58 | 80;
  /** Demo cards to click: UID and what the card shows off (names only, never a NIK). */
  cards: { uid: string; note: string }[];
  /** The broker the kiosk reports to; its `anjungan/#` messages are shown as the district sees them. */
  mqttUrl: () => string | null;
  logger: Logger;
}

interface PrintedLetter {
  id: string;
  png: Buffer;
}

export class WebSimulator {
  #server: Server | null = null;
  readonly #clients = new Set<ServerResponse>();
  readonly #prints: PrintedLetter[] = [];
  readonly #seen = new Set<string>();
  readonly #mqtt: { topic: string; payload: string; retain: boolean }[] = [];
  #mqttClient: { endAsync(force?: boolean): Promise<void> } | null = null;
  #scan: Promise<void> = Promise.resolve();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: WebSimulatorOptions) {}

  /** Listens; resolves with the page's URL. Rejects with `usage` when the port is taken. */
  async start(): Promise<string> {
    const { display, bus } = this.opts;
    const onFrame = (f: WebFrame) => this.#send('frame', frameEvent(f));
    display.on('frame', onFrame);
    const onEvent = (e: { type: string }) => {
      if (e.type === 'letter_issued' || e.type === 'letter_failed') this.#scanPrints();
    };
    bus.on('event', onEvent);
    this.#unsubscribe.push(
      () => display.off('frame', onFrame),
      () => bus.off('event', onEvent),
    );
    // Letters printed before this run are not news: only new jobs appear on the page.
    for (const f of await readdir(this.opts.printsDir).catch(() => [] as string[])) this.#seen.add(f);
    const server = createServer((req, res) => void this.#route(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new KioskError(
            'usage',
            `web simulator cannot listen on ${this.opts.host}:${this.opts.port} (${err.code ?? err.message}): choose another port with --web PORT, or --web 0 for none`,
          ),
        ),
      );
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    void this.#watchMqtt();
    const { port } = server.address() as AddressInfo;
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `http://${host}:${port}/`;
  }

  async stop(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    await this.#mqttClient?.endAsync(true).catch(() => undefined);
    await this.#scan;
    const server = this.#server;
    this.#server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://kiosk');
      if (!this.#sameOrigin(req))
        return void reply(res, 403, 'text/plain', 'cross-origin requests are refused');
      const file = STATIC[url.pathname];
      if (req.method === 'GET' && file) {
        const body = await readFile(join(STATIC_DIR, file));
        return void reply(res, 200, TYPES[file.split('.').pop() ?? ''] ?? 'text/plain', body);
      }
      if (req.method === 'GET' && url.pathname === '/events') return this.#subscribe(res);
      if (req.method === 'GET' && url.pathname === '/frame.png') {
        const frame = this.opts.display.frame;
        return void (frame
          ? reply(res, 200, 'image/png', frame.png)
          : reply(res, 404, 'text/plain', 'no frame yet'));
      }
      const print = /^\/prints\/([A-Za-z0-9._-]+)\.png$/.exec(url.pathname);
      if (req.method === 'GET' && print) {
        const letter = this.#prints.find((p) => p.id === print[1]);
        if (!letter) return void reply(res, 404, 'text/plain', 'no such print');
        const headers: Record<string, string> = url.searchParams.has('download')
          ? { 'Content-Disposition': `attachment; filename="surat-${letter.id}.png"` }
          : {};
        return void reply(res, 200, 'image/png', letter.png, headers);
      }
      if (req.method === 'GET' && url.pathname === '/api/cards') {
        return void reply(res, 200, 'application/json', JSON.stringify(this.opts.cards));
      }
      if (req.method === 'POST' && url.pathname === '/api/command') {
        const line = await body(req);
        const answer = runSimCommand(line, this.opts.commands);
        return void reply(res, 200, 'application/json', JSON.stringify({ answer }));
      }
      if (req.method === 'POST' && url.pathname === '/api/drag') {
        const d = JSON.parse(await body(req)) as { x: number; y: number; dx: number; dy: number };
        const touch = this.opts.commands.sim.touch;
        if (!touch)
          return void reply(res, 409, 'application/json', JSON.stringify({ answer: 'no touch panel' }));
        touch.drag({ x: Number(d.x), y: Number(d.y) }, Number(d.dx), Number(d.dy));
        return void reply(res, 200, 'application/json', JSON.stringify({ answer: 'sim: dragged' }));
      }
      reply(res, 404, 'text/plain', 'not found');
    } catch (err) {
      this.opts.logger.warn({ err: errorMessage(err), url: req.url }, 'web simulator: request failed');
      if (!res.headersSent) reply(res, 400, 'text/plain', errorMessage(err));
    }
  }

  /** Browsers send Origin on cross-site POSTs: only the page itself may drive the kiosk. */
  #sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin || req.method === 'GET') return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  #subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
    const frame = this.opts.display.frame;
    if (frame) this.#sendTo(res, 'frame', frameEvent(frame));
    for (const p of [...this.#prints].reverse()) this.#sendTo(res, 'print', { id: p.id });
    for (const m of this.#mqtt) this.#sendTo(res, 'mqtt', m);
  }

  #send(event: string, data: unknown): void {
    for (const res of this.#clients) this.#sendTo(res, event, data);
  }

  #sendTo(res: ServerResponse, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Renders every job file not seen yet (the sim printer writes it before the letter's event). */
  #scanPrints(): void {
    this.#scan = this.#scan
      .then(async () => {
        const files = (await readdir(this.opts.printsDir).catch(() => [] as string[])).filter(
          (f) => f.endsWith('.bin') && !this.#seen.has(f),
        );
        for (const f of files.sort()) {
          this.#seen.add(f);
          const png = await paperPng(await readFile(join(this.opts.printsDir, f)), this.opts.paperMm);
          const letter = { id: f.replace(/\.bin$/, ''), png };
          this.#prints.unshift(letter);
          this.#send('print', { id: letter.id });
        }
      })
      .catch((err: unknown) =>
        this.opts.logger.warn({ err: errorMessage(err) }, 'web simulator: print not rendered'),
      );
  }

  async #watchMqtt(): Promise<void> {
    const url = this.opts.mqttUrl();
    if (!url) return;
    try {
      const mqtt = await import('mqtt');
      const client = await mqtt.connectAsync(url, {
        clientId: `anjungan-web-${process.pid}`,
        reconnectPeriod: 2000,
      });
      this.#mqttClient = client;
      client.on('message', (topic, payload, packet) => {
        const m = { topic, payload: payload.toString('utf8').slice(0, 4000), retain: packet.retain };
        this.#mqtt.push(m);
        if (this.#mqtt.length > MQTT_KEEP) this.#mqtt.shift();
        this.#send('mqtt', m);
      });
      await client.subscribeAsync('anjungan/#', { qos: 0 });
    } catch (err) {
      this.opts.logger.warn({ err: errorMessage(err), url }, 'web simulator: cannot watch the MQTT broker');
    }
  }
}

function frameEvent(f: WebFrame) {
  return { seq: f.seq, screen: f.screen, targets: f.targets };
}

function reply(
  res: ServerResponse,
  status: number,
  type: string,
  content: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(content);
}

async function body(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new KioskError('usage', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
