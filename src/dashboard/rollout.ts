/**
 * Online updates and remote settings as the district sees them (issue 11): the fields a kiosk's
 * retained state v2 carries (`update`, `config_hash`, `remote_config_version`), the last update
 * problem its events told (`update_failed`, `rolled_back`), and the fleet's summary per running
 * version, update state and remote settings version, so staff can answer "which kiosks are not
 * yet on X" without a terminal. Offline kiosks count with their last known values.
 */

export const UPDATE_STATES = [
  'idle',
  'downloading',
  'verifying',
  'waiting_quiet',
  'installing',
  'done',
  'failed',
  'rolled_back',
] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

const RELEASE = /^[0-9]+\.[0-9]+\.[0-9]+$/;

/** The last failed or rolled-back update of a kiosk, from its events. */
export interface UpdateProblem {
  kind: 'failed' | 'rolled_back';
  /** The release that failed (for a rollback: the one rolled back from). */
  version: string;
  /** failed: the reason word (`hash`, `health`, …); rolled_back: why the health gate failed. */
  reason: string;
  /** rolled_back: the release serving again. */
  to: string | null;
  /** Event time (ms). */
  time: number;
}

export interface RolloutFields {
  /** state.update.state; null when the state does not carry `update` (v1, simulator mode). */
  update_state: UpdateState | null;
  /** state.update.version: the release of the latest order. */
  update_version: string | null;
  /** state.update.available: downloaded, verified, waiting to be installed. */
  update_available: string | null;
  config_hash: string | null;
  remote_config_version: number | null;
  update_problem: UpdateProblem | null;
  /** Time (ms) of the newest update event applied: an older one delivered late changes nothing. */
  update_event_time: number | null;
  /** Derived (updateStateOf, updateSummary), kept on the row for the browser's table and filter. */
  update: UpdateState | null;
  update_text: string;
}

export function emptyRollout(): RolloutFields {
  return {
    update_state: null,
    update_version: null,
    update_available: null,
    config_hash: null,
    remote_config_version: null,
    update_problem: null,
    update_event_time: null,
    update: null,
    update_text: '-',
  };
}

function release(v: unknown): string | null {
  return typeof v === 'string' && RELEASE.test(v) ? v : null;
}

/** Copies the rollout fields of a retained state; anything malformed reads as unknown. */
export function applyRolloutState(row: RolloutFields, s: Record<string, unknown>): void {
  const u = typeof s.update === 'object' && s.update !== null ? (s.update as Record<string, unknown>) : null;
  const state =
    u && (UPDATE_STATES as readonly unknown[]).includes(u.state) ? (u.state as UpdateState) : null;
  row.update_state = state;
  row.update_version = state ? release(u?.version) : null;
  row.update_available = state ? release(u?.available) : null;
  row.config_hash =
    typeof s.config_hash === 'string' && /^[0-9a-f]{64}$/.test(s.config_hash) ? s.config_hash : null;
  row.remote_config_version =
    typeof s.remote_config_version === 'number' && Number.isInteger(s.remote_config_version)
      ? s.remote_config_version
      : null;
  derive(row);
}

function derive(row: RolloutFields): void {
  row.update = updateStateOf(row);
  row.update_text = updateSummary(row);
}

/**
 * Follows the update events: `rolled_back` and `update_failed` set the problem (the
 * `update_failed` (`health`) that accompanies a rollback keeps the rollback's from → to); a
 * new order's steps or `update_done` clear it. `sub` and `detail` are as stored (update-history.ts).
 */
export function applyUpdateEvent(
  row: RolloutFields,
  type: string,
  sub: string | null,
  detail: string | null,
  time: number,
): void {
  if (!['update_available', 'update_started', 'update_done', 'update_failed', 'rolled_back'].includes(type))
    return;
  if (row.update_event_time !== null && time < row.update_event_time) return;
  row.update_event_time = time;
  applyProblem(row, type, sub, detail, time);
  derive(row);
}

function applyProblem(
  row: RolloutFields,
  type: string,
  sub: string | null,
  detail: string | null,
  time: number,
) {
  const version = sub ?? '?';
  if (type === 'rolled_back') {
    const m = /^(\S+) \((.*)\)$/s.exec(detail ?? '');
    row.update_problem = { kind: 'rolled_back', version, to: m?.[1] ?? null, reason: m?.[2] ?? '', time };
  } else if (type === 'update_failed') {
    const p = row.update_problem;
    if (p?.kind === 'rolled_back' && p.version === version) return;
    row.update_problem = {
      kind: 'failed',
      version,
      reason: (detail ?? '').split(' ')[0] ?? '',
      to: null,
      time,
    };
  } else {
    row.update_problem = null; // a new order under way, or done
  }
}

/**
 * Where the kiosk's update stands: its state's word when the state carries one, else what its
 * last problem event said (a v1 state, or the state not yet heard since a restart).
 */
export function updateStateOf(row: RolloutFields): UpdateState | null {
  return row.update_state ?? (row.update_problem ? row.update_problem.kind : null);
}

/** One line for the fleet table's update column, e.g. "failed 0.2.0: hash", "rolled_back 0.2.0 → 0.1.0". */
export function updateSummary(row: RolloutFields): string {
  const state = updateStateOf(row);
  if (!state) return '-';
  const p = row.update_problem;
  if (state === 'failed' && p?.kind === 'failed') return `failed ${p.version}: ${p.reason}`;
  if (state === 'rolled_back' && p?.kind === 'rolled_back')
    return `rolled_back ${p.version} → ${p.to ?? '?'}`;
  const version = row.update_available ?? row.update_version;
  return version && state !== 'idle' ? `${state} ${version}` : state;
}

/** A kiosk as the summary needs it. */
export interface RolloutRow extends RolloutFields {
  version: string | null;
  availability: string;
}

export interface Tally {
  n: number;
  /** Of those, kiosks offline (counted with their last known values). */
  offline: number;
}

export interface Rollout {
  /** Running version → kiosks ("-": unknown). */
  versions: Record<string, Tally>;
  /** Update state → kiosks ("-": unknown). */
  update_states: Record<string, Tally>;
  /** Remote settings version → kiosks ("-": none). */
  remote_config: Record<string, Tally>;
}

/** Counts the fleet per running version, per update state and per remote settings version. */
export function rolloutOf(rows: RolloutRow[]): Rollout {
  const out: Rollout = { versions: {}, update_states: {}, remote_config: {} };
  const add = (into: Record<string, Tally>, key: string, offline: boolean) => {
    const t = into[key] ?? { n: 0, offline: 0 };
    into[key] = t;
    t.n++;
    if (offline) t.offline++;
  };
  for (const r of rows) {
    const offline = r.availability === 'offline';
    add(out.versions, r.version ?? '-', offline);
    add(out.update_states, updateStateOf(r) ?? '-', offline);
    add(out.remote_config, r.remote_config_version === null ? '-' : String(r.remote_config_version), offline);
  }
  return out;
}
