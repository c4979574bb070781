/**
 * A static web server for a built site (the verification page), on loopback: serves DIR under
 * a path prefix, the way a district's shared host would. `stop()` closes it (the network is
 * gone), `start()` brings it back on the same port.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
};

export class StaticSite {
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly dir: string,
    readonly prefix = '/v/',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}`;
  }

  async start(): Promise<void> {
    const server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.startsWith(this.prefix)) return void res.writeHead(404).end();
      const name = url.pathname.slice(this.prefix.length) || 'index.html';
      if (name.includes('..') || name.includes('/')) return void res.writeHead(404).end();
      try {
        const body = await readFile(path.join(this.dir, name));
        res
          .writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' })
          .end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
