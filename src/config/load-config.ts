/**
 * Reads, merges and validates the config:
 *
 *   embedded defaults ← config file (if any) ← ANJUNGAN_* environment variables → JSON Schema
 *
 * Errors name the key and what was expected, so a technician can fix the file at the kiosk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { KioskError } from '../errors.ts';
import type { Config, LoadedConfig } from './config.ts';
import { DEFAULT_CONFIG_PATH, defaultConfig } from './defaults.ts';
import { configSchema } from './schema.ts';

export interface LoadOptions {
  /** Explicit --config path; must exist. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where the default config lives (tests point it elsewhere). */
  defaultPath?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(configSchema);

export function loadConfig(options: LoadOptions = {}): LoadedConfig & { warnings: string[] } {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env.ANJUNGAN_CONFIG;
  const path = explicit ?? options.defaultPath ?? DEFAULT_CONFIG_PATH;
  const warnings: string[] = [];
  let fromFile: JsonObject = {};
  let source: string | null = null;
  if (existsSync(path)) {
    fromFile = readJsonObject(path);
    source = path;
  } else if (explicit) {
    throw new KioskError('config_unreadable', `config file ${path} does not exist`);
  }
  const simulator = source === null;
  const base = defaultConfig() as unknown as JsonObject;
  if (simulator) {
    base.data_dir = './var';
    // The demo kiosk has a (simulated) touch panel as well as buttons: `touch X Y`, the web page.
    ((base.hardware as JsonObject).touch as JsonObject).driver = 'sim';
  }
  const merged = deepMerge(base, fromFile);
  applyEnv(merged, env, warnings);
  if (!validate(merged)) {
    const problems = (validate.errors ?? []).map(describeError);
    throw new KioskError(
      'config_invalid',
      `invalid config${source ? ` in ${source}` : ''}:\n  - ${[...new Set(problems)].join('\n  - ')}`,
    );
  }
  return { config: merged as unknown as Config, simulator, source, warnings };
}

function readJsonObject(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KioskError('config_unreadable', `cannot read config ${path}: ${(err as Error).message}`);
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

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

/** Every leaf key of the schema as [path, node], e.g. [['hardware','printer','paper_mm'], …]. */
export function configLeaves(node: SchemaNode = configSchema as SchemaNode, path: string[] = []) {
  const out: [string[], SchemaNode][] = [];
  if (node.properties) {
    for (const [key, child] of Object.entries(node.properties))
      out.push(...configLeaves(child, [...path, key]));
  } else if (path.length > 0 && path.join('.') !== 'letters.types') {
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
    if (raw === undefined) continue;
    let parent = target;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (!isObject(next)) parent[key] = {};
      parent = parent[key] as JsonObject;
    }
    parent[path.at(-1)!] = coerce(raw, node);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('ANJUNGAN_') && !known.has(name) && !name.startsWith('ANJUNGAN_TEST_')) {
      warnings.push(`environment variable ${name} is not a config key and was ignored`);
    }
  }
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

function describeError(error: ErrorObject): string {
  const key = error.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${key === '(top level)' ? '' : `${key}.`}${String(p.additionalProperty)} is not a known key`;
    case 'enum':
      return `${key} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${key} has the wrong form (expected ${String(p.pattern)})`;
    case 'type':
      return `${key} must be ${String(p.type)}`;
    case 'anyOf':
      return `${key} must be null, a broker URL (mqtt://, mqtts://, ws://, wss://) or a list of them`;
    default:
      return `${key} ${error.message ?? 'is invalid'}`;
  }
}
