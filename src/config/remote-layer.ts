/**
 * The district's remote settings layer: `config.d/remote.json` beside the config file
 * (`/etc/anjungan/config.d/remote.json` on a kiosk), written only by a signed `cmd/config`:
 *
 *   embedded defaults ← config.json ← config.d/remote.json ← ANJUNGAN_* environment → schema
 *
 * The file holds `{ "version": N, "applied_at": ISO, "settings": { …part of the config… } }`.
 * A patch is an RFC 7386 JSON merge patch applied to `settings` (null removes a key from the
 * layer, so the local file's value applies again). Only the keys in REMOTE_KEYS may be in it:
 * data_dir, keys, hardware drivers, the broker and updates need a technician at the kiosk.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { errorMessage, KioskError } from '../errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What the district may change remotely; an entry covers every key below it. */
export const REMOTE_KEYS: readonly string[] = [
  'village.head_name',
  'village.head_title',
  'village.address',
  'village.logo_url',
  'village.logo_sha256',
  // The village's news (issue 12 §5); a picture names a file already on the kiosk.
  'village.announcements',
  'letters.types',
  'letters.verify_url',
  'limits',
  'timeouts',
  'mqtt.telemetry_interval_s',
];

/** Remote keys the running kiosk cannot take up live: they apply at the next start. */
export const RESTART_KEYS: readonly string[] = ['mqtt.telemetry_interval_s'];

export interface RemoteLayer {
  /** The district's version of the layer; a patch must carry a higher one. */
  version: number;
  applied_at: string;
  settings: JsonObject;
}

/** `<config dir>/config.d/remote.json` for the config file in use. */
export function remoteLayerPath(configFile: string): string {
  return path.join(path.dirname(configFile), 'config.d', 'remote.json');
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * RFC 7386 JSON merge patch: objects merge key by key, null deletes, anything else (arrays
 * included) replaces. Neither argument is changed.
 */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function covered(key: string): boolean {
  return REMOTE_KEYS.some((allowed) => key === allowed || key.startsWith(`${allowed}.`));
}

function leadsToAllowed(key: string): boolean {
  return REMOTE_KEYS.some((allowed) => allowed.startsWith(`${key}.`));
}

/** Key paths of `patch` outside REMOTE_KEYS (`data_dir`, `hardware.printer.driver`, …). */
export function forbiddenKeys(patch: JsonObject, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (covered(full)) continue;
    // `village: {…}` may hold allowed keys; `village: null` or a scalar would replace them all.
    if (leadsToAllowed(full) && isJsonObject(value)) out.push(...forbiddenKeys(value, full));
    else out.push(full);
  }
  return out;
}

/** Whether a changed key (`limits.unknown_card_pause_s`) needs a restart to take effect. */
export function needsRestart(key: string): boolean {
  return RESTART_KEYS.some((k) => key === k || key.startsWith(`${k}.`));
}

/** Leaf key paths whose values differ between two configs (names only, never values). */
export function changedKeys(before: Json | undefined, after: Json | undefined, prefix = ''): string[] {
  // A section added or removed as a whole is named by its leaves too.
  const objects = [before, after].filter(isJsonObject);
  if (objects.length > 0 && [before, after].every((v) => v === undefined || isJsonObject(v))) {
    const [b, a] = [before ?? {}, after ?? {}] as JsonObject[];
    const keys = new Set([...Object.keys(b!), ...Object.keys(a!)]);
    return [...keys].sort().flatMap((k) => changedKeys(b![k], a![k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalize(before ?? null) === canonicalize(after ?? null) ? [] : [prefix];
}

/** sha256 (hex) of the RFC 8785 (JCS) encoding: the same config gives the same hash everywhere. */
export function configHash(config: object): string {
  return createHash('sha256')
    .update(canonicalize(config) ?? '')
    .digest('hex');
}

/**
 * Reads the layer; null when there is none. Throws 'config_invalid' naming the file when it
 * cannot be used (not JSON, the wrong shape, keys a district may not set).
 */
export function readRemoteLayer(file: string): RemoteLayer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KioskError(
      'config_unreadable',
      `cannot read the remote settings ${file}: ${errorMessage(err)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new KioskError(
      'config_invalid',
      `remote settings ${file} are not valid JSON: ${errorMessage(err)}`,
    );
  }
  const layer = value as Partial<RemoteLayer> | null;
  if (
    !isJsonObject(layer) ||
    !Number.isSafeInteger(layer.version) ||
    typeof layer.applied_at !== 'string' ||
    !isJsonObject(layer.settings)
  ) {
    throw new KioskError(
      'config_invalid',
      `remote settings ${file} are not { "version": N, "applied_at": ISO, "settings": {…} }`,
    );
  }
  const forbidden = forbiddenKeys(layer.settings);
  if (forbidden.length > 0) {
    throw new KioskError(
      'config_invalid',
      `remote settings ${file} set keys a district may not change: ${forbidden.join(', ')}`,
    );
  }
  return layer as RemoteLayer;
}
