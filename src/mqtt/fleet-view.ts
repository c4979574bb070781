/**
 * The district's view of its fleet, built only from the contract's topics: retained
 * availability and state give the picture at once on connect; telemetry and events refresh
 * `last_seen`. Used by `anjungan monitor` and by the fleet benchmark.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { KioskError } from '../errors.ts';
import type { StatePayload } from './payloads.ts';
import { fleetFilters, parseTopic } from './topics.ts';

export interface KioskRow {
  village: string;
  device: string;
  availability: 'online' | 'offline' | 'unknown';
  flow_state: string | null;
  printer: string | null;
  out_of_service: string[];
  remote_reason: string | null;
  letters_today: number | null;
  outbox_depth: number | null;
  version: string | null;
  /** State v2: which remote settings the kiosk runs (cmd/config) and the hash of its whole config. */
  remote_config_version: number | null;
  config_hash: string | null;
  /** ISO time of the last message from this kiosk seen by this monitor (retained ones: their own time). */
  last_seen: string | null;
}

export class FleetView extends EventEmitter<{ change: [KioskRow] }> {
  private readonly kiosks = new Map<string, KioskRow>();
  private client: MqttClient | null = null;
  /** Messages received (a throughput figure for benchmarks). */
  messages = 0;

  constructor(
    private readonly opts: {
      url: string;
      village?: string | undefined;
      client?: IClientOptions;
      now?: () => number;
    },
  ) {
    super();
  }

  /** Connects and subscribes; resolves once the broker confirmed the subscriptions. */
  async start(): Promise<void> {
    const client = mqtt.connect(this.opts.url, {
      protocolVersion: 4,
      reconnectPeriod: 2000,
      ...this.opts.client,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.ingest(topic, payload));
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) =>
        reject(new KioskError('mqtt_error', `cannot connect to ${this.opts.url}: ${err.message}`));
      client.once('error', fail);
      client.once('connect', () => {
        client.off('error', fail);
        client.subscribe(fleetFilters(this.opts.village), { qos: 0 }, (err) => (err ? fail(err) : resolve()));
      });
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = null;
  }

  /** Applies one message of the contract (anything else is ignored). */
  ingest(topic: string, payload: Buffer): void {
    this.messages++;
    const t = parseTopic(topic);
    if (!t || t.kind === 'cmd' || t.kind === 'reply') return;
    const key = `${t.village}/${t.device}`;
    let row = this.kiosks.get(key);
    if (!row) {
      row = {
        village: t.village,
        device: t.device,
        availability: 'unknown',
        flow_state: null,
        printer: null,
        out_of_service: [],
        remote_reason: null,
        letters_today: null,
        outbox_depth: null,
        version: null,
        remote_config_version: null,
        config_hash: null,
        last_seen: null,
      };
      this.kiosks.set(key, row);
    }
    const seenAt = new Date((this.opts.now ?? Date.now)()).toISOString();
    if (t.kind === 'availability') {
      const text = payload.toString();
      if (text === 'online' || text === 'offline') row.availability = text;
    } else if (t.kind === 'state') {
      const s = parse<StatePayload>(payload);
      if (!s) return;
      row.flow_state = s.flow_state ?? null;
      row.printer = s.printer ?? null;
      row.out_of_service = Array.isArray(s.out_of_service) ? s.out_of_service : [];
      row.remote_reason = s.remote_reason ?? null;
      row.letters_today = s.letters_today ?? null;
      row.outbox_depth = s.outbox_depth ?? null;
      row.version = s.version ?? null;
      row.remote_config_version = s.remote_config_version ?? null;
      row.config_hash = s.config_hash ?? null;
      if (typeof s.time === 'string' && (!row.last_seen || s.time > row.last_seen)) row.last_seen = s.time;
      this.emit('change', row);
      return;
    } else if (t.kind === 'telemetry') {
      const s = parse<{ outbox_depth?: number }>(payload);
      if (typeof s?.outbox_depth === 'number') row.outbox_depth = s.outbox_depth;
    }
    // A retained availability message is not a sign of life; anything else is.
    if (t.kind !== 'availability') row.last_seen = seenAt;
    this.emit('change', row);
  }

  /** Every kiosk seen, sorted by village then device. */
  rows(): KioskRow[] {
    return [...this.kiosks.values()].sort(
      (a, b) => a.village.localeCompare(b.village) || a.device.localeCompare(b.device),
    );
  }

  counts(): { total: number; online: number; offline: number } {
    let online = 0;
    let offline = 0;
    for (const r of this.kiosks.values()) {
      if (r.availability === 'online') online++;
      if (r.availability === 'offline') offline++;
    }
    return { total: this.kiosks.size, online, offline };
  }

  /** How many of `keys` ("village/device") are in `availability` now. */
  countIn(keys: Iterable<string>, availability: KioskRow['availability']): number {
    let n = 0;
    for (const k of keys) if (this.kiosks.get(k)?.availability === availability) n++;
    return n;
  }
}

function parse<T>(payload: Buffer): T | null {
  try {
    const v = JSON.parse(payload.toString()) as unknown;
    return typeof v === 'object' && v !== null ? (v as T) : null;
  } catch {
    return null;
  }
}

/** A fixed-width text table of the fleet (what `anjungan monitor` prints). */
export function renderFleetTable(rows: KioskRow[], now: number): string {
  const header = ['VILLAGE', 'DEVICE', 'STATUS', 'STATE', 'PAPER', 'TODAY', 'OUTBOX', 'LAST SEEN'];
  const body = rows.map((r) => [
    r.village,
    r.device,
    r.availability,
    r.remote_reason ? `out_of_service (${r.remote_reason})` : (r.flow_state ?? '-'),
    r.printer ?? '-',
    r.letters_today === null ? '-' : String(r.letters_today),
    r.outbox_depth === null ? '-' : String(r.outbox_depth),
    r.last_seen ? ago(now - Date.parse(r.last_seen)) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const online = rows.filter((r) => r.availability === 'online').length;
  return [line(header), ...body.map(line), '', `${rows.length} kiosks, ${online} online`].join('\n');
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
