/**
 * Reads, merges and validates the config:
 *
 *   embedded defaults ← config file (if any) ← config.d/remote.json (the district's remote
 *   settings, src/config/remote-layer.ts) ← ANJUNGAN_* environment variables → JSON Schema
 *
 * A remote layer that cannot be used is left out with a warning naming the file: the kiosk starts
 * on its local config rather than not at all.
 * Errors name the key and what was expected, so a technician can fix the file at the kiosk.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { errorMessage, isKioskError, KioskError } from '../errors.ts';
import type { Config, LoadedConfig } from './config.ts';
import { DEFAULT_CONFIG_PATH, defaultConfig } from './defaults.ts';
import { configMaps, isConfigMap, resolveMapVariable, type SchemaNode } from './env-maps.ts';
import {
  isJsonObject as isObject,
  type Json,
  type JsonObject,
  type RemoteLayer,
  readRemoteLayer,
  remoteLayerPath,
} from './remote-layer.ts';
import { configSchema } from './schema.ts';

export interface LoadOptions {
  /** Explicit --config path; must exist. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where the default config lives (tests point it elsewhere). */
  defaultPath?: string;
  /** Simulator mode on the embedded defaults, whatever config file exists (`run --sim`). */
  simulator?: boolean | undefined;
}

// verbose: errors carry the failing value and schema node, whose `description` says what is expected.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(configSchema);

export function loadConfig(
  options: LoadOptions = {},
): LoadedConfig & { warnings: string[]; layers: ConfigLayers } {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env.ANJUNGAN_CONFIG;
  const path = explicit ?? options.defaultPath ?? DEFAULT_CONFIG_PATH;
  const warnings: string[] = [];
  let fromFile: JsonObject = {};
  let source: string | null = null;
  if (options.simulator) {
    if (explicit)
      warnings.push(`config file ${explicit} ignored: --sim runs the demo village on embedded defaults`);
  } else if (configFileExists(path)) {
    fromFile = readJsonObject(path);
    source = path;
  } else if (explicit) {
    throw new KioskError('config_unreadable', `config file ${path} does not exist`);
  }
  const simulator = source === null;
  const remoteFile = source === null ? null : remoteLayerPath(source);
  let remote: RemoteLayer | null = null;
  let remoteProblem: string | null = null;
  try {
    remote = remoteFile ? readRemoteLayer(remoteFile) : null;
  } catch (err) {
    remoteProblem = `${errorMessage(err)}; starting on the local config without them`;
  }
  const layers: ConfigLayers = { local: fromFile, remote, remoteFile, remoteProblem, simulator, env, source };
  let composed = composeConfig(layers, remote?.settings ?? null);
  if ('problems' in composed && remote) {
    layers.remoteProblem = `remote settings ${remoteFile} (version ${remote.version}) do not fit this kiosk's config and are ignored: ${composed.problems.join('; ')}`;
    layers.remote = null;
    composed = composeConfig(layers, null);
  }
  if ('problems' in composed) {
    const { problems } = composed;
    const where = `invalid config${source ? ` in ${source}` : ''}`;
    throw new KioskError(
      'config_invalid',
      problems.length === 1 ? `${where}: ${problems[0]}` : `${where}:\n  - ${problems.join('\n  - ')}`,
    );
  }
  if (layers.remoteProblem) warnings.push(layers.remoteProblem);
  return {
    config: composed.config,
    simulator,
    source,
    warnings: [...warnings, ...composed.warnings],
    layers,
  };
}

/** The parts the effective config is made of, kept so a remote patch can be re-composed live. */
export interface ConfigLayers {
  /** The config file's own content ({} in simulator mode). */
  local: JsonObject;
  /** The remote layer in effect, or null. */
  remote: RemoteLayer | null;
  /** Where the remote layer lives; null in simulator mode (no config directory). */
  remoteFile: string | null;
  /** Why a remote layer on disk was left out at start, or null. */
  remoteProblem: string | null;
  simulator: boolean;
  env: NodeJS.ProcessEnv;
  source: string | null;
}

/** defaults ← local file ← remote settings ← environment, validated against the schema. */
export function composeConfig(
  layers: Pick<ConfigLayers, 'local' | 'simulator' | 'env'>,
  remote: JsonObject | null,
): { config: Config; warnings: string[] } | { problems: string[] } {
  const base = defaultConfig() as unknown as JsonObject;
  if (layers.simulator) {
    base.data_dir = './var';
    // The demo kiosk has a (simulated) touch panel as well as buttons: `touch X Y`, the web page.
    ((base.hardware as JsonObject).touch as JsonObject).driver = 'sim';
  }
  let merged = deepMerge(base, layers.local);
  if (remote) merged = deepMerge(merged, remote);
  const warnings: string[] = [];
  try {
    applyEnv(merged, layers.env, warnings);
  } catch (err) {
    if (!isKioskError(err, 'config_invalid')) throw err;
    return { problems: [err.message] };
  }
  if (!validate(merged))
    return { problems: [...new Set(withoutBranchErrors(validate.errors ?? []).map(describeError))] };
  return { config: merged as unknown as Config, warnings };
}

/**
 * Whether the config file is there. Unlike existsSync, a directory this user may not enter
 * (/etc/anjungan as root:anjungan 0750) is a permission problem, never "no config": that would
 * name the wrong cause, or silently start the demo village instead of the kiosk.
 */
function configFileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KioskError(
        'config_unreadable',
        `cannot read config ${path}: permission denied on ${dirname(path)} (${code}): ` +
          'run as root (sudo) or as the service user, and check that the directory is root:anjungan 0750',
      );
    }
    throw new KioskError('config_unreadable', `cannot read config ${path}: ${(err as Error).message}`);
  }
}

function readJsonObject(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const denied = ['EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '');
    throw new KioskError(
      'config_unreadable',
      denied
        ? `cannot read config ${path}: permission denied: run as root (sudo) or as the service user (the file is root:anjungan 0640)`
        : `cannot read config ${path}: ${(err as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new KioskError('config_invalid', `config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new KioskError('config_invalid', `config ${path} must hold a JSON object`);
  return parsed;
}

/** Objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** Every leaf key of the schema as [path, node], e.g. [['hardware','printer','paper_mm'], …]. */
export function configLeaves(node: SchemaNode = configSchema as SchemaNode, path: string[] = []) {
  const out: [string[], SchemaNode][] = [];
  if (node.properties) {
    for (const [key, child] of Object.entries(node.properties))
      out.push(...configLeaves(child, [...path, key]));
  } else if (path.length > 0 && !isConfigMap(node)) {
    out.push([path, node]);
  }
  return out;
}

/** ANJUNGAN_ + the key path in upper snake case: hardware.printer.paper_mm → ANJUNGAN_HARDWARE_PRINTER_PAPER_MM. */
export function envName(path: string[]): string {
  return `ANJUNGAN_${path.join('_').toUpperCase()}`;
}

function applyEnv(target: JsonObject, env: NodeJS.ProcessEnv, warnings: string[]): void {
  const known = new Set<string>(['ANJUNGAN_CONFIG', 'ANJUNGAN_CLI_ENTRY']);
  for (const [path, node] of configLeaves()) {
    const name = envName(path);
    known.add(name);
    const raw = env[name];
    if (raw !== undefined) setPath(target, path, coerce(raw, node));
  }
  const maps = configMaps(configSchema as SchemaNode);
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('ANJUNGAN_') || known.has(name) || name.startsWith('ANJUNGAN_TEST_')) continue;
    if (raw === undefined) continue;
    // letters.types.<id>.<field>: ids and field names both contain '_' (see env-maps.ts).
    const mapped = resolveMapVariable(name, maps, envName);
    if (mapped?.kind === 'key') setPath(target, mapped.path, coerce(raw, mapped.node));
    else if (mapped?.kind === 'unknown_field') {
      const fields = Object.keys(mapped.map.fields).join(', ');
      warnings.push(
        `environment variable ${name} was ignored: ${mapped.map.path.join('.')}.<id>.<field> needs a field at its end (${fields})`,
      );
    } else warnings.push(`environment variable ${name} is not a config key and was ignored`);
  }
}

function setPath(target: JsonObject, path: string[], value: Json): void {
  let parent = target;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (!isObject(next)) parent[key] = {};
    parent = parent[key] as JsonObject;
  }
  parent[path.at(-1)!] = value;
}

function types(node: SchemaNode): string[] {
  if (node.anyOf) return node.anyOf.flatMap(types);
  if (node.enum) return [...new Set(node.enum.map((v) => (v === null ? 'null' : typeof v)))];
  return Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
}

function coerce(raw: string, node: SchemaNode): Json {
  const allowed = types(node);
  const trimmed = raw.trim();
  if (allowed.includes('null') && (trimmed === '' || trimmed === 'null')) return null;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as Json;
    } catch {
      return raw;
    }
  }
  if (allowed.includes('array') && trimmed.includes(',')) return trimmed.split(',').map((s) => s.trim());
  if (allowed.includes('boolean')) {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
  }
  if ((allowed.includes('integer') || allowed.includes('number')) && /^-?\d+(\.\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  return raw;
}

/**
 * For a value that matches none of an anyOf/oneOf's alternatives, ajv also reports why each
 * alternative failed ("must be null", "must be array", …): schema internals. Keep only the
 * anyOf's own error, which describeError turns into one line.
 */
function withoutBranchErrors(errors: ErrorObject[]): ErrorObject[] {
  const compound = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter(
    (e) =>
      !compound.some(
        (c) =>
          c !== e && e.instancePath.startsWith(c.instancePath) && e.schemaPath.startsWith(`${c.schemaPath}/`),
      ),
  );
}

function describeError(error: ErrorObject): string {
  const key = error.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
  const p = error.params as Record<string, unknown>;
  const described = (error.parentSchema as { description?: string } | undefined)?.description;
  const given = `${key} ${JSON.stringify(error.data)}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${key === '(top level)' ? '' : `${key}.`}${String(p.additionalProperty)} is not a known key`;
    case 'enum':
      return `${key} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return described
        ? `${given} ${described}`
        : `${given} has the wrong form (expected ${String(p.pattern)})`;
    case 'type':
      return `${key} must be ${String(p.type).replace(',', ' or ')}`;
    case 'anyOf':
    case 'oneOf':
      return described ? `${given} ${described}` : `${given} is not an accepted value`;
    default:
      return `${key} ${error.message ?? 'is invalid'}`;
  }
}
