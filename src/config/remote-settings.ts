/**
 * Applies the district's signed `cmd/config { version, patch }` to the running kiosk:
 *
 *   newer version? → only remote keys? → merge patch into the layer (RFC 7386)
 *     → defaults ← config.json ← layer ← environment: schema and letter types valid?
 *     → logo downloaded and verified → config.d/remote.json written (temp + fsync + rename)
 *     → the live config updated in place → event config_applied
 *
 * Any refusal changes nothing (no file written, no setting changed) and is answered with the
 * errors and the event config_refused. Settings in RESTART_KEYS are written but take effect at
 * the next start; the answer names them.
 */
import type { KioskBus } from '../events.ts';
import { loadLetterTypes } from '../letters/letter-types.ts';
import type { Logger } from '../log.ts';
import { writeJsonDurably } from '../store/durable-file.ts';
import type { Config } from './config.ts';
import { type ConfigLayers, composeConfig } from './load-config.ts';
import {
  changedKeys,
  configHash,
  forbiddenKeys,
  isJsonObject,
  type JsonObject,
  mergePatch,
  needsRestart,
  type RemoteLayer,
} from './remote-layer.ts';
import { fetchRemoteLogo } from './remote-logo.ts';

export type ConfigRefusalReason =
  | 'bad_args'
  | 'config_stale'
  | 'config_forbidden'
  | 'config_invalid'
  | 'config_unavailable';

export interface ConfigApplied {
  applied: true;
  version: number;
  config_hash: string;
  /** Key paths whose effective value changed (names only). */
  keys_changed: string[];
  /** Of those, the ones that take effect only after a restart. */
  restart_needed: string[];
}

export type ConfigOutcome =
  | { ok: true; result: ConfigApplied }
  | { ok: false; reason: ConfigRefusalReason; message: string; errors: string[] };

export interface RemoteSettingsOptions {
  /** The kiosk's live config: updated in place, so every holder of it sees the new values. */
  config: Config;
  layers: ConfigLayers;
  bus: KioskBus;
  logger: Logger;
  now: () => Date;
  /** After the live config changed: rebuild what was derived from it (letter types, logo). */
  onApplied: (keys: string[]) => void;
}

const MAX_ERRORS = 20;

export class RemoteSettings {
  private layer: RemoteLayer | null;
  private hash: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: RemoteSettingsOptions) {
    this.layer = opts.layers.remote;
    this.hash = configHash(opts.config);
  }

  /** The remote layer's version in effect (null: none). */
  get version(): number | null {
    return this.layer?.version ?? null;
  }

  /** sha256 of the effective config (state `config_hash`). */
  get configHash(): string {
    return this.hash;
  }

  /** A remote layer left out at start is a warning in the log and an event for the district. */
  reportStartProblem(): void {
    const problem = this.opts.layers.remoteProblem;
    if (problem) this.opts.bus.emitEvent({ type: 'config_refused', version: null, reasons: [problem] });
  }

  /** One `cmd/config` at a time: a second waits for the first to be written. */
  apply(args: Record<string, unknown>): Promise<ConfigOutcome> {
    const run = this.queue.then(() => this.applyNow(args));
    this.queue = run.catch(() => {});
    return run;
  }

  private async applyNow(args: Record<string, unknown>): Promise<ConfigOutcome> {
    const outcome = await this.check(args);
    if (outcome.ok) {
      const { version, config_hash, keys_changed, restart_needed } = outcome.result;
      this.opts.logger.info(
        { version, config_hash, keys: keys_changed, restart_needed },
        'remote settings applied',
      );
      this.opts.bus.emitEvent({
        type: 'config_applied',
        version,
        config_hash,
        keys: keys_changed,
        restart_needed,
      });
    } else {
      const version = Number.isSafeInteger(args.version) ? (args.version as number) : null;
      this.opts.logger.warn(
        { version, reason: outcome.reason, errors: outcome.errors },
        'remote settings refused',
      );
      this.opts.bus.emitEvent({ type: 'config_refused', version, reasons: outcome.errors });
    }
    return outcome;
  }

  private async check(args: Record<string, unknown>): Promise<ConfigOutcome> {
    const { layers, config } = this.opts;
    const { version, patch } = args;
    if (!Number.isSafeInteger(version) || (version as number) < 1)
      return refuse('bad_args', ['args.version must be a whole number of at least 1']);
    if (!isJsonObject(patch)) return refuse('bad_args', ['args.patch must be a JSON object (a merge patch)']);
    if (!layers.remoteFile)
      return refuse('config_unavailable', [
        'this kiosk runs without a config file (simulator mode): there is no config.d to write remote settings to',
      ]);
    if (this.layer && (version as number) <= this.layer.version)
      return refuse('config_stale', [
        `version ${version} is not newer than the version in effect (${this.layer.version})`,
      ]);
    const forbidden = forbiddenKeys(patch);
    if (forbidden.length > 0)
      return refuse(
        'config_forbidden',
        forbidden.map((k) => `${k} cannot be changed remotely: it needs a technician at the kiosk`),
      );
    const settings = mergePatch(this.layer?.settings ?? {}, patch) as JsonObject;
    const composed = composeConfig(layers, settings);
    if ('problems' in composed) return refuse('config_invalid', composed.problems);
    const next = composed.config;
    try {
      loadLetterTypes(next.letters.types);
    } catch (err) {
      return refuse('config_invalid', [(err as Error).message]);
    }
    const logoProblem = await this.fetchLogo(next);
    if (logoProblem) return refuse('config_invalid', [logoProblem]);

    const layer: RemoteLayer = {
      version: version as number,
      applied_at: this.opts.now().toISOString(),
      settings,
    };
    try {
      await writeJsonDurably(layers.remoteFile, layer, 0o640);
    } catch (err) {
      return refuse('config_unavailable', [
        `${layers.remoteFile} could not be written: ${(err as Error).message} (scripts/install.sh makes its directory writable for the kiosk)`,
      ]);
    }
    const keys = changedKeys(config as unknown as JsonObject, next as unknown as JsonObject);
    replaceInPlace(config as unknown as JsonObject, next as unknown as JsonObject);
    this.layer = layer;
    this.hash = configHash(config);
    this.opts.onApplied(keys);
    return {
      ok: true,
      result: {
        applied: true,
        version: layer.version,
        config_hash: this.hash,
        keys_changed: keys,
        restart_needed: keys.filter(needsRestart),
      },
    };
  }

  private async fetchLogo(next: Config): Promise<string | null> {
    const { logo_url, logo_sha256 } = next.village;
    if (!logo_url && !logo_sha256) return null;
    if (!logo_url || !logo_sha256)
      return 'village.logo_url and village.logo_sha256 go together: set both, or neither';
    try {
      await fetchRemoteLogo(next.data_dir, logo_url, logo_sha256);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

function refuse(reason: ConfigRefusalReason, errors: string[]): ConfigOutcome {
  const listed = errors.slice(0, MAX_ERRORS);
  return { ok: false, reason, message: `remote settings refused: ${listed.join('; ')}`, errors: listed };
}

/**
 * Makes `target` equal to `source` keeping the identity of nested objects, so code that kept a
 * reference to `config.timeouts` or `config.village` sees the new values.
 */
function replaceInPlace(target: JsonObject, source: JsonObject): void {
  for (const key of Object.keys(target)) if (!(key in source)) delete target[key];
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isJsonObject(current) && isJsonObject(value)) replaceInPlace(current, value);
    else target[key] = structuredClone(value);
  }
}
