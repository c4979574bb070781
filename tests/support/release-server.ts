/**
 * A district's HTTPS release server on loopback for the update tests: serves the files of a
 * folder under `/releases/`, honours Range requests (as nginx does), counts the bytes it sent per
 * file and the Range headers it was asked for, and can be told to drop the connection after N
 * bytes of a file (a 3G link breaking off). Its certificate comes from a test CA made with the
 * openssl CLI (tests/support/mosquitto-tls.ts); the kiosk trusts that CA through update.ca_file.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface Served {
  /** Body bytes written per file name, over all requests. */
  bytes: Map<string, number>;
  /** The Range header of every request per file name ('' when none). */
  ranges: Map<string, string[]>;
  /** When the first and last body byte of a file went out (ms), for rates. */
  spans: Map<string, { first: number; last: number }>;
}

export class ReleaseServer {
  private server: Server | null = null;
  readonly served: Served = { bytes: new Map(), ranges: new Map(), spans: new Map() };
  /** file name → drop the connection after this many body bytes (once). */
  readonly cutAfter = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly tls: { cert: Buffer; key: Buffer },
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the release server is not started');
    return `https://127.0.0.1:${address.port}/releases/`;
  }

  async start(): Promise<void> {
    const server = createServer(this.tls, (req, res) => {
      const name = decodeURIComponent(
        new URL(req.url ?? '/', 'https://x').pathname.replace(/^\/releases\//, ''),
      );
      const file = path.join(this.dir, name);
      const st =
        !name.includes('/') && !name.startsWith('.') ? statSync(file, { throwIfNoEntry: false }) : undefined;
      if (!st?.isFile()) return void res.writeHead(404).end();
      const range = req.headers.range ?? '';
      this.served.ranges.set(name, [...(this.served.ranges.get(name) ?? []), range]);
      const m = /^bytes=(\d+)-$/.exec(range);
      const start = m ? Number(m[1]) : 0;
      if (start >= st.size && st.size > 0) return void res.writeHead(416).end();
      res.writeHead(m ? 206 : 200, {
        'content-length': st.size - start,
        'accept-ranges': 'bytes',
        ...(m ? { 'content-range': `bytes ${start}-${st.size - 1}/${st.size}` } : {}),
      });
      const cut = this.cutAfter.get(name);
      this.cutAfter.delete(name);
      let sent = 0;
      const body = createReadStream(file, { start, highWaterMark: 16 * 1024 });
      body.on('data', (chunk: Buffer | string) => {
        const now = Date.now();
        let part = chunk as Buffer;
        if (cut !== undefined && sent + part.length > cut) part = part.subarray(0, cut - sent);
        sent += part.length;
        this.served.bytes.set(name, (this.served.bytes.get(name) ?? 0) + part.length);
        const span = this.served.spans.get(name);
        this.served.spans.set(name, { first: span?.first ?? now, last: now });
        if (!res.write(part)) body.pause();
        if (cut !== undefined && sent >= cut) {
          body.destroy();
          // The link breaks: no end of the body, the socket just goes.
          res.socket?.destroy();
        }
      });
      res.on('drain', () => body.resume());
      body.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
