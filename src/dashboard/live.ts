/**
 * Server-sent events to open pages: changed rows are collected and pushed together every
 * FLUSH_MS (a fleet of thousands changes many rows a second; one message per batch keeps the
 * browser and the server calm), with the counts. A comment every 25 s keeps proxies from
 * closing an idle stream.
 */
import type { ServerResponse } from 'node:http';
import type { FleetRow } from './fleet.ts';
import { type Rollout, rolloutOf } from './rollout.ts';

export const FLUSH_MS = 200;

export interface Counts {
  total: number;
  online: number;
  offline: number;
  out_of_service: number;
  paper: number;
  alerts: number;
  /** Kiosks per running version, update state and remote settings version. */
  rollout: Rollout;
  /** Whether the dashboard is connected to the broker (if not, every row is as last heard). */
  broker: boolean;
}

export function countsOf(rows: FleetRow[], alerts: number, broker: boolean): Counts {
  const c: Counts = {
    total: rows.length,
    online: 0,
    offline: 0,
    out_of_service: 0,
    paper: 0,
    alerts,
    rollout: rolloutOf(rows),
    broker,
  };
  for (const r of rows) {
    if (r.availability === 'online') c.online++;
    if (r.availability === 'offline') c.offline++;
    if (r.availability === 'online' && r.out_of_service.length > 0) c.out_of_service++;
    if (r.printer === 'paper_out' || r.printer === 'paper_near_end') c.paper++;
  }
  return c;
}

export class LiveHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly dirty = new Map<string, FleetRow>();
  private timer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;

  constructor(private readonly counts: () => Counts) {}

  start(): void {
    this.keepalive = setInterval(() => this.broadcast(': keepalive\n\n'), 25_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.keepalive) clearInterval(this.keepalive);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
      connection: 'keep-alive',
    });
    res.write(`retry: 2000\nevent: counts\ndata: ${JSON.stringify(this.counts())}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** A row changed; it goes out with the next batch. */
  changed(row: FleetRow): void {
    this.dirty.set(row.key, row);
    this.schedule();
  }

  /** Counts (e.g. alerts) changed without a row. */
  touch(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const rows = [...this.dirty.values()];
    this.dirty.clear();
    if (this.clients.size === 0) return;
    let msg = '';
    if (rows.length > 0) msg += `event: rows\ndata: ${JSON.stringify(rows)}\n\n`;
    msg += `event: counts\ndata: ${JSON.stringify(this.counts())}\n\n`;
    this.broadcast(msg);
  }

  private broadcast(text: string): void {
    for (const c of this.clients) c.write(text);
  }
}
