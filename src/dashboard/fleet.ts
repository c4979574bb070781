/**
 * The dashboard's model of the fleet, fed by the MQTT contract only (so any tool's kiosk that
 * speaks it shows up): one row per kiosk from retained availability and state, telemetry and
 * events into the history store. Every field from the wire is checked for its type and
 * length: a hostile or broken payload changes nothing it should not, and never throws.
 */
import { EventEmitter } from 'node:events';
import { parseTopic } from '../mqtt/topics.ts';
import type { Regions } from './regions.ts';
import { applyRolloutState, applyUpdateEvent, emptyRollout, type RolloutFields } from './rollout.ts';
import { type HistoryStore, localDay, type TelemetrySample } from './store.ts';
import { HISTORY_TYPES, historyFields } from './update-history.ts';

/** Larger payloads are not the contract's: dropped before parsing. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_TEXT = 120;

export interface FleetRow extends RolloutFields {
  key: string;
  village: string;
  device: string;
  village_name: string | null;
  kecamatan: string | null;
  kabupaten: string | null;
  availability: 'online' | 'offline' | 'unknown';
  /** Since when (ms) the kiosk has had its availability. */
  since: number | null;
  flow_state: string | null;
  out_of_service: string[];
  remote_reason: string | null;
  printer: string | null;
  reader_present: boolean | null;
  clock_trusted: boolean | null;
  outbox_depth: number | null;
  version: string | null;
  uptime_s: number | null;
  letters_today: number | null;
  /** Last message from this kiosk (ms). */
  last_seen: number | null;
  /** Since when the outbox has only grown (ms), null when it is not growing. */
  outbox_growing_since: number | null;
  /** letter_failed events since the last letter_issued. */
  failures_in_a_row: number;
  /** Heard from since the dashboard started (false: only its stored availability is known). */
  live: boolean;
}

export interface FleetEvents {
  change: [FleetRow];
  event: [FleetRow, string];
}

export class Fleet extends EventEmitter<FleetEvents> {
  private readonly rows = new Map<string, FleetRow>();
  /** Messages ignored as malformed (a figure for /metrics). */
  rejected = 0;

  constructor(
    private readonly store: HistoryStore,
    private readonly regions: Regions,
    private readonly timeZone: string,
  ) {
    super();
    for (const [key, a] of store.availabilities()) {
      const [village, device] = key.split('/') as [string, string];
      const row = this.row(village, device);
      row.availability = a.status === 'online' || a.status === 'offline' ? a.status : 'unknown';
      row.since = a.since;
    }
    // The last update problem survives a restart: replayed from the stored events.
    for (const e of store.eventsOfTypes(HISTORY_TYPES, 0)) {
      const row = this.rows.get(e.kiosk);
      if (row) applyUpdateEvent(row, e.type, e.sub, e.detail, e.time);
    }
  }

  all(): FleetRow[] {
    return [...this.rows.values()];
  }

  get(key: string): FleetRow | undefined {
    return this.rows.get(key);
  }

  /** Applies one message; anything outside the contract is counted and ignored. */
  ingest(topic: string, payload: Buffer, now: number): void {
    const t = parseTopic(topic);
    if (!t || t.kind === 'cmd' || t.kind === 'reply' || !/^[0-9]{10}$/.test(t.village)) return;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(t.device) || payload.length > MAX_PAYLOAD_BYTES) {
      this.rejected++;
      return;
    }
    const row = this.row(t.village, t.device);
    row.live = true;
    if (t.kind === 'availability') {
      const text = payload.toString();
      if (text !== 'online' && text !== 'offline') return void this.rejected++;
      row.since = this.store.setAvailability(row.key, text, now);
      row.availability = text;
      this.emit('change', row);
      return;
    }
    const body = parseObject(payload);
    if (!body) return void this.rejected++;
    row.last_seen = now;
    if (t.kind === 'state') this.applyState(row, body, now);
    else if (t.kind === 'telemetry') this.applyTelemetry(row, body, now);
    else if (t.kind === 'event') this.applyEvent(row, t.name, body, now);
    this.emit('change', row);
  }

  private applyState(row: FleetRow, s: Record<string, unknown>, now: number): void {
    row.flow_state = text(s.flow_state);
    row.out_of_service = Array.isArray(s.out_of_service)
      ? s.out_of_service.filter((r): r is string => typeof r === 'string').map((r) => r.slice(0, 40))
      : [];
    row.remote_reason = text(s.remote_reason);
    row.printer = text(s.printer);
    row.reader_present = typeof s.reader_present === 'boolean' ? s.reader_present : null;
    row.clock_trusted = typeof s.clock_trusted === 'boolean' ? s.clock_trusted : null;
    row.version = text(s.version);
    applyRolloutState(row, s);
    if (row.version) this.store.versionFirstSeen(row.version, now);
    row.uptime_s = count(s.uptime_s);
    row.letters_today = count(s.letters_today);
    this.outbox(row, count(s.outbox_depth), now);
    // State v2 names; the region list wins where it knows the code.
    const known = this.regions.lookup(row.village);
    row.village_name = known.village_name ?? text(s.village_name);
    row.kecamatan = known.kecamatan ?? text(s.kecamatan);
    row.kabupaten = known.kabupaten ?? text(s.kabupaten);
  }

  private applyTelemetry(row: FleetRow, s: Record<string, unknown>, now: number): void {
    const depth = count(s.outbox_depth);
    this.outbox(row, depth, now);
    const mem = (typeof s.memory === 'object' && s.memory ? s.memory : {}) as Record<string, unknown>;
    const total = num(mem.system_total_bytes);
    const free = num(mem.system_free_bytes);
    const disk = num(s.disk_free_bytes);
    const sample: TelemetrySample = {
      cpu_temp_c: num(s.cpu_temp_c),
      memory_used_pct: total && free !== null ? Math.round((1000 * (total - free)) / total) / 10 : null,
      disk_free_mb: disk === null ? null : Math.round(disk / 2 ** 20),
      outbox_depth: depth,
    };
    this.store.addTelemetry(row.key, timeOf(s.time, now), sample);
  }

  private applyEvent(row: FleetRow, type: string, e: Record<string, unknown>, now: number): void {
    const id = text(e.id);
    if (!id || !/^[a-z_]{1,40}$/.test(type)) return void this.rejected++;
    const time = timeOf(e.time, now);
    // A rating counts by its answer (`choice`: puas / cukup / kurang), anything else by letter type.
    const fields = historyFields(type, e) ?? {
      sub: type === 'rating' ? text(e.choice) : text(e.letter_type),
      detail: text(e.reason) ?? text(e.number),
    };
    const { sub, detail } = fields;
    const fresh = this.store.addEvent({
      id,
      kiosk: row.key,
      type,
      time,
      day: localDay(time, this.timeZone),
      sub,
      detail,
    });
    if (!fresh) return;
    if (type === 'letter_failed') row.failures_in_a_row++;
    if (type === 'letter_issued') row.failures_in_a_row = 0;
    applyUpdateEvent(row, type, sub, detail, time);
    this.emit('event', row, type);
  }

  private outbox(row: FleetRow, depth: number | null, now: number): void {
    if (depth !== null && row.outbox_depth !== null) {
      if (depth > row.outbox_depth) row.outbox_growing_since ??= now;
      else if (depth < row.outbox_depth || depth === 0) row.outbox_growing_since = null;
    }
    if (depth === 0) row.outbox_growing_since = null;
    row.outbox_depth = depth;
  }

  private row(village: string, device: string): FleetRow {
    const key = `${village}/${device}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        key,
        village,
        device,
        ...this.regions.lookup(village),
        availability: 'unknown',
        since: null,
        flow_state: null,
        out_of_service: [],
        remote_reason: null,
        printer: null,
        reader_present: null,
        clock_trusted: null,
        outbox_depth: null,
        version: null,
        uptime_s: null,
        letters_today: null,
        last_seen: null,
        outbox_growing_since: null,
        failures_in_a_row: 0,
        live: false,
        ...emptyRollout(),
      };
      this.rows.set(key, row);
    }
    return row;
  }
}

function parseObject(payload: Buffer): Record<string, unknown> | null {
  try {
    const v = JSON.parse(payload.toString()) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_TEXT) : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

/** The message's own time when readable and not in the future; else when it arrived. */
function timeOf(v: unknown, now: number): number {
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) && t <= now + 60_000 ? t : now;
}
