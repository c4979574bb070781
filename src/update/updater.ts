/**
 * The root updater: installs a checked bundle, switches to it, restarts the kiosk and holds the
 * new release to its health within the window, or switches back. Every step is written to
 * `state.json` first, so an updater killed at any moment is finished by the next run
 * (`recoverUpdate`, also run at boot by anjungan-update.service): `current` always names a whole
 * release, and a release that never proved healthy is rolled back.
 *
 *   check ─▶ unpacking ─▶ (wait: no resident session) ─▶ switched ─▶ restart ─▶ healthy? ─▶ done
 *                                                                          └─ no, window over ─▶ rolled_back
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { BundleCheck, UpdateFailure } from './check-bundle.ts';
import type { KioskHealth } from './health-file.ts';
import type { UpdateLayout } from './layout.ts';
import { currentVersion, pruneReleases, switchCurrent, unpackRelease } from './releases.ts';

export type UpdatePhase = 'unpacking' | 'switched' | 'done' | 'rolled_back' | 'failed';

export interface UpdateState {
  phase: UpdatePhase;
  version: string;
  previous: string | null;
  started_at: string;
  /** End of the health window (phase `switched`). */
  deadline: string | null;
  /** What the old release had just before the switch: the new one must have it too. */
  expect: { reader_present: boolean; broker_connected: boolean };
  reason: string | null;
  /** Why it failed, as `update_failed` names it (online updates report it). */
  failure?: UpdateFailure | null;
  /** The kiosk's install request this update answers (online updates; null by hand). */
  request_id?: string | null;
  updated_at: string;
}

export interface UpdaterDeps {
  layout: UpdateLayout;
  /** Restarts the kiosk service (systemctl restart anjungan, or a test supervisor). */
  restart: () => Promise<void>;
  healthWindowMs: number;
  logger: Logger;
  /** Healthy twice this far apart, so a release that dies just after start is not taken. */
  settleMs?: number;
  pollMs?: number;
  /** How long to wait for the resident at the kiosk to finish before switching. */
  quietWaitMs?: number;
}

const QUIET = new Set(['idle', 'out_of_service']);

export function readUpdateState(layout: UpdateLayout): UpdateState | null {
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as UpdateState;
  } catch {
    return null;
  }
}

function saveState(layout: UpdateLayout, state: UpdateState): UpdateState {
  const next = { ...state, updated_at: new Date().toISOString() };
  mkdirSync(path.dirname(layout.stateFile), { recursive: true, mode: 0o755 });
  const tmp = `${layout.stateFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { flush: true });
  renameSync(tmp, layout.stateFile);
  return next;
}

export function readHealth(layout: UpdateLayout): KioskHealth | null {
  try {
    return JSON.parse(readFileSync(layout.healthFile, 'utf8')) as KioskHealth;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `health` does not (yet) prove `version` healthy; null when it does. */
export function healthProblem(
  health: KioskHealth | null,
  version: string,
  expect: UpdateState['expect'],
): string | null {
  if (!health || health.version !== version) return `version ${version} has not reported ready`;
  if (!health.ready || !alive(health.pid)) return `version ${version} is not running`;
  if (!health.data_ok) return 'resident data does not open';
  if (health.printer === 'offline') return 'the printer does not answer';
  if (expect.reader_present && !health.reader_present)
    return 'the card reader is missing (it was present before)';
  if (expect.broker_connected && !health.broker_connected)
    return 'the broker is not connected (it was before the switch)';
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitQuiet(deps: UpdaterDeps): Promise<void> {
  const until = Date.now() + (deps.quietWaitMs ?? 600_000);
  for (;;) {
    const h = readHealth(deps.layout);
    if (!h?.ready || !alive(h.pid) || QUIET.has(h.flow_state)) return;
    if (Date.now() > until)
      throw new KioskError('update_failed', `a resident is still using the kiosk (${h.flow_state})`);
    await sleep(deps.pollMs ?? 500);
  }
}

/** Waits for the switched release to prove healthy; rolls back when the window ends first. */
async function holdToHealth(deps: UpdaterDeps, state: UpdateState): Promise<UpdateState> {
  const deadline = Date.parse(state.deadline ?? '') || Date.now();
  const settle = deps.settleMs ?? 5000;
  let healthySince: number | null = null;
  let problem = 'no answer';
  while (Date.now() < deadline) {
    problem = healthProblem(readHealth(deps.layout), state.version, state.expect) ?? '';
    if (!problem) {
      healthySince ??= Date.now();
      if (Date.now() - healthySince >= settle) {
        deps.logger.info({ version: state.version }, 'update: the new release is healthy');
        pruneReleases(deps.layout, [state.version, state.previous]);
        return saveState(deps.layout, { ...state, phase: 'done', reason: null });
      }
    } else healthySince = null;
    await sleep(deps.pollMs ?? 500);
  }
  return rollBack(deps, state, `not healthy within the window: ${problem}`);
}

async function rollBack(deps: UpdaterDeps, state: UpdateState, reason: string): Promise<UpdateState> {
  deps.logger.warn({ version: state.version, previous: state.previous, reason }, 'update: rolling back');
  if (!state.previous)
    return saveState(deps.layout, { ...state, phase: 'failed', reason, failure: 'health' });
  switchCurrent(deps.layout, state.previous);
  const saved = saveState(deps.layout, { ...state, phase: 'rolled_back', reason, failure: 'health' });
  await deps
    .restart()
    .catch((err: unknown) => deps.logger.error({ err: errorMessage(err) }, 'restart after rollback failed'));
  return saved;
}

/** Installs a bundle that passed checkBundle, switches, restarts, holds it to its health. */
export async function applyUpdate(
  check: BundleCheck,
  deps: UpdaterDeps,
  requestId: string | null = null,
): Promise<UpdateState> {
  const { layout } = deps;
  const previous = currentVersion(layout);
  let state = saveState(layout, {
    phase: 'unpacking',
    version: check.manifest.version,
    previous,
    started_at: new Date().toISOString(),
    deadline: null,
    expect: { reader_present: false, broker_connected: false },
    reason: null,
    request_id: requestId,
    updated_at: '',
  });
  try {
    await unpackRelease(layout, check.archive, check.manifest);
    await waitQuiet(deps);
  } catch (err) {
    saveState(layout, { ...state, phase: 'failed', reason: errorMessage(err), failure: 'install' });
    throw err;
  }
  const before = readHealth(layout);
  const running = before?.ready && alive(before.pid);
  state = saveState(layout, {
    ...state,
    phase: 'switched',
    deadline: new Date(Date.now() + deps.healthWindowMs).toISOString(),
    expect: {
      reader_present: Boolean(running && before?.reader_present),
      broker_connected: Boolean(running && before?.broker_connected),
    },
  });
  switchCurrent(layout, state.version);
  deps.logger.info({ version: state.version, previous }, 'update: switched; restarting the kiosk');
  await deps
    .restart()
    .catch((err: unknown) => deps.logger.error({ err: errorMessage(err) }, 'restart failed'));
  return holdToHealth(deps, state);
}

/** Records a bundle the root side refused before installing, for the kiosk to report. */
export function recordRefusal(
  layout: UpdateLayout,
  version: string,
  failure: UpdateFailure,
  reason: string,
  requestId: string | null,
): UpdateState {
  return saveState(layout, {
    phase: 'failed',
    version,
    previous: currentVersion(layout),
    started_at: new Date().toISOString(),
    deadline: null,
    expect: { reader_present: false, broker_connected: false },
    reason,
    failure,
    request_id: requestId,
    updated_at: '',
  });
}

/** Finishes whatever an interrupted updater left: a partial unpack is dropped, a switch is judged. */
export async function recoverUpdate(deps: UpdaterDeps): Promise<UpdateState | null> {
  const state = readUpdateState(deps.layout);
  if (!state) return null;
  if (state.phase === 'unpacking') {
    return saveState(deps.layout, { ...state, phase: 'failed', reason: 'interrupted while unpacking' });
  }
  if (state.phase !== 'switched') return state;
  if (currentVersion(deps.layout) !== state.version) switchCurrent(deps.layout, state.version);
  // The kiosk may have been restarted by the crash or not at all: make sure the new one runs.
  await deps
    .restart()
    .catch((err: unknown) => deps.logger.error({ err: errorMessage(err) }, 'restart failed'));
  const deadline = Math.max(
    Date.parse(state.deadline ?? '') || 0,
    Date.now() + Math.min(deps.healthWindowMs, 30_000),
  );
  return holdToHealth(deps, { ...state, deadline: new Date(deadline).toISOString() });
}

/** `anjungan update --rollback`: back to the release before the running one. */
export async function rollbackNow(deps: UpdaterDeps): Promise<UpdateState> {
  const state = readUpdateState(deps.layout);
  const running = currentVersion(deps.layout);
  if (!state?.previous || !running || state.previous === running)
    throw new KioskError('update_failed', 'there is no previous release to roll back to');
  return rollBack(deps, { ...state, version: running }, 'asked for by a technician');
}
