/**
 * What needs someone to act, derived from the fleet rows: a pure rule per kind (`alertKinds`),
 * and `Alerts`, which remembers since when each alert is raised, leaves muted kiosks out and
 * attaches acknowledgements. The thresholds are the defaults, overridable by flags.
 */
import type { FleetRow } from './fleet.ts';
import { updateStateOf } from './rollout.ts';
import type { Ack, Mute } from './store.ts';

export interface AlertSettings {
  offlineMinutes: number;
  versionGraceDays: number;
  outboxGrowingMinutes: number;
  failuresInARow: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  offlineMinutes: 60,
  versionGraceDays: 14,
  outboxGrowingMinutes: 60,
  failuresInARow: 3,
};

export type AlertKind =
  | 'offline'
  | 'paper_out'
  | 'paper_near_end'
  | 'cover_open'
  | 'printer_offline'
  | 'reader_missing'
  | 'clock_untrusted'
  | 'data_unavailable'
  | 'register_damaged'
  | 'storage_full'
  | 'outbox_growing'
  | 'version_old'
  | 'letters_failing'
  | 'update_failed'
  | 'rolled_back';

export interface Alert {
  /** `<village>/<device>:<kind>`: stable while the condition lasts. */
  key: string;
  kiosk: string;
  kind: AlertKind;
  /** Since when (ms) the condition holds. */
  since: number;
  detail: string;
  ack: Ack | null;
}

export interface FleetVersion {
  newest: string | null;
  /** When the newest version was first seen in the fleet (ms). */
  newestSince: number | null;
}

/** The conditions a row raises now, each with the time it started when the row knows it. */
export function alertKinds(
  row: FleetRow,
  now: number,
  s: AlertSettings,
  fleet: FleetVersion,
): { kind: AlertKind; since?: number; detail: string }[] {
  const out: { kind: AlertKind; since?: number; detail: string }[] = [];
  if (row.availability === 'offline') {
    const since = row.since ?? now;
    if (now - since >= s.offlineMinutes * 60_000) out.push({ kind: 'offline', since, detail: 'offline' });
    return out; // its last state is stale: only the offline alert
  }
  const reasons = new Set(row.out_of_service);
  if (row.printer === 'paper_out' || reasons.has('paper_out'))
    out.push({ kind: 'paper_out', detail: 'paper out' });
  else if (row.printer === 'paper_near_end') out.push({ kind: 'paper_near_end', detail: 'paper near end' });
  if (row.printer === 'cover_open' || reasons.has('cover_open'))
    out.push({ kind: 'cover_open', detail: 'cover open' });
  if (row.printer === 'offline' || reasons.has('printer_offline'))
    out.push({ kind: 'printer_offline', detail: 'printer offline' });
  if (row.reader_present === false || reasons.has('reader_missing'))
    out.push({ kind: 'reader_missing', detail: 'card reader missing' });
  if (row.clock_trusted === false || reasons.has('clock_untrusted'))
    out.push({ kind: 'clock_untrusted', detail: 'clock not trusted' });
  if (reasons.has('data_unavailable'))
    out.push({ kind: 'data_unavailable', detail: 'resident data unavailable' });
  // Neither clears by itself in a way the district can wait out: a technician must act.
  if (reasons.has('register_damaged'))
    out.push({ kind: 'register_damaged', detail: 'letter register damaged: a technician must repair it' });
  if (reasons.has('storage_full')) out.push({ kind: 'storage_full', detail: 'storage full' });
  if (row.outbox_growing_since !== null && now - row.outbox_growing_since >= s.outboxGrowingMinutes * 60_000)
    out.push({
      kind: 'outbox_growing',
      since: row.outbox_growing_since,
      detail: `outbox ${row.outbox_depth}`,
    });
  if (
    row.version &&
    fleet.newest &&
    fleet.newestSince !== null &&
    compareVersions(row.version, fleet.newest) < 0 &&
    now - fleet.newestSince >= s.versionGraceDays * 86_400_000
  )
    out.push({ kind: 'version_old', detail: `${row.version} < ${fleet.newest}` });
  if (row.failures_in_a_row >= s.failuresInARow)
    out.push({ kind: 'letters_failing', detail: `${row.failures_in_a_row} letters failed in a row` });
  // Until the next order (or a manual fix) changes the kiosk's update state.
  const update = updateStateOf(row);
  const p = row.update_problem;
  if (update === 'failed')
    out.push({
      kind: 'update_failed',
      ...(p?.kind === 'failed' ? { since: p.time } : {}),
      detail: p?.kind === 'failed' ? `${p.version}: ${p.reason}` : `${row.update_version ?? '?'}`,
    });
  if (update === 'rolled_back')
    out.push({
      kind: 'rolled_back',
      ...(p?.kind === 'rolled_back' ? { since: p.time } : {}),
      detail:
        p?.kind === 'rolled_back'
          ? `${p.version} → ${p.to ?? '?'}: ${p.reason}`
          : `${row.update_version ?? '?'}`,
    });
  return out;
}

/** Dotted numeric versions compared part by part; a pre-release suffix sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => v.replace(/^v/, '').split(/[.+-]/);
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return y !== undefined && /^\d+$/.test(y) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

export class Alerts {
  /**
   * @param raised alerts raised before a restart (key → since), so since-when survives it and
   *   the webhook does not announce them again.
   */
  constructor(
    private readonly settings: AlertSettings,
    private readonly raised = new Map<string, number>(),
  ) {}

  /**
   * Current alerts, oldest first; `fresh` lists those raised by this call (for the webhook),
   * `cleared` the keys of those that ended with it (their acknowledgements go).
   */
  evaluate(
    rows: FleetRow[],
    now: number,
    fleet: FleetVersion,
    mutes: Map<string, Mute>,
    acks: Map<string, Ack>,
  ): { alerts: Alert[]; fresh: Alert[]; cleared: string[] } {
    const alerts: Alert[] = [];
    const fresh: Alert[] = [];
    const seen = new Set<string>();
    const waiting = new Set<string>();
    for (const row of rows) {
      // Not heard from since the start (its retained state is still on its way): its alerts
      // stay as they were, neither raised anew nor ended.
      if (!row.live) waiting.add(`${row.key}:`);
      if (mutes.has(row.key) || !row.live) continue;
      for (const c of alertKinds(row, now, this.settings, fleet)) {
        const key = `${row.key}:${c.kind}`;
        seen.add(key);
        let since = this.raised.get(key);
        const isNew = since === undefined;
        if (since === undefined) {
          since = c.since ?? now;
          this.raised.set(key, since);
        }
        const alert = {
          key,
          kiosk: row.key,
          kind: c.kind,
          since,
          detail: c.detail,
          ack: acks.get(key) ?? null,
        };
        alerts.push(alert);
        if (isNew) fresh.push(alert);
      }
    }
    const cleared = [...this.raised.keys()].filter(
      (key) => !seen.has(key) && !waiting.has(key.slice(0, key.lastIndexOf(':') + 1)),
    );
    for (const key of cleared) this.raised.delete(key);
    alerts.sort((a, b) => a.since - b.since || a.key.localeCompare(b.key));
    return { alerts, fresh, cleared };
  }
}
