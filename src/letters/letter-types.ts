/**
 * The letter types a kiosk offers: the ones shipped in data/letter-types.json merged with the
 * village's overrides from config (`letters.types.<id>`). A shipped type can be changed field by
 * field (a village's own classification code, a different policy); a new id adds a type and must
 * give every field. Everything is validated here, templates included, so a bad override stops
 * the kiosk at start naming the key instead of failing in front of a resident.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.ts';
import { type ErrorCode, KioskError } from '../errors.ts';
import { RESIDENT_FIELDS, type Resident } from '../store/resident.ts';
import type { LetterType } from './letter-type.ts';
import { validateTemplate } from './template.ts';

/** data/letter-types.json, found from src/letters/ (tsx) and dist/letters/ (built) alike. */
export const SHIPPED_LETTER_TYPES_FILE = fileURLToPath(
  new URL('../../data/letter-types.json', import.meta.url),
);

const FIELDS = [
  'id',
  'code',
  'title',
  'menu_label',
  'body',
  'purposes',
  'validity_days',
  'policy',
  'required_fields',
  'daily_limit',
  'enabled',
] as const satisfies readonly (keyof LetterType)[];

/** Fields a new (not shipped) type must give; daily_limit is optional. */
const REQUIRED = FIELDS.filter((f) => f !== 'daily_limit' && f !== 'id');

/** Longest menu label the kiosk screen shows on one line. */
export const MENU_LABEL_MAX = 24;

type Where = { code: ErrorCode; prefix: string };

function fail(where: Where, field: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  throw new KioskError(where.code, `${where.prefix}.${field}: expected ${expected}, got ${shown}`);
}

function nonEmptyString(where: Where, field: string, v: unknown, max?: number): string {
  if (typeof v !== 'string' || v.trim() === '') fail(where, field, 'a non-empty string', v);
  if (max !== undefined && v.length > max) fail(where, field, `at most ${max} characters`, v);
  return v;
}

/** Checks one complete letter type and returns it without unknown keys. */
function validateType(raw: Record<string, unknown>, where: Where): LetterType {
  const id = raw.id;
  if (typeof id !== 'string' || !/^[a-z][a-z0-9_]{0,39}$/.test(id)) {
    fail(where, 'id', 'snake_case letters, digits and _ (e.g. "sktm")', id);
  }
  const code = nonEmptyString(where, 'code', raw.code, 40);
  if (/\s/.test(code))
    fail(where, 'code', 'a classification code without spaces ("470", "400.12.2.2")', code);
  const title = nonEmptyString(where, 'title', raw.title, 120);
  const menuLabel = nonEmptyString(where, 'menu_label', raw.menu_label, MENU_LABEL_MAX);
  const body = nonEmptyString(where, 'body', raw.body, 2000);
  validateTemplate(
    body,
    `${where.prefix}.body`,
    where.code === 'data_corrupt' ? 'data_corrupt' : 'config_invalid',
  );

  const purposes = raw.purposes;
  if (!Array.isArray(purposes) || purposes.length === 0 || purposes.length > 12) {
    fail(where, 'purposes', 'a list of 1 to 12 purposes', purposes);
  }
  purposes.forEach((p, i) => {
    nonEmptyString(where, `purposes[${i}]`, p, 80);
  });

  const validity = raw.validity_days;
  if (typeof validity !== 'number' || !Number.isInteger(validity) || validity < 0 || validity > 3660) {
    fail(where, 'validity_days', 'a whole number of days, 0 (no validity line) to 3660', validity);
  }
  const policy = raw.policy;
  if (policy !== 'final' && policy !== 'pengantar') fail(where, 'policy', '"final" or "pengantar"', policy);

  const required = raw.required_fields;
  if (!Array.isArray(required)) fail(where, 'required_fields', 'a list of resident fields', required);
  required.forEach((f, i) => {
    if (typeof f !== 'string' || !RESIDENT_FIELDS.includes(f as keyof Resident)) {
      fail(where, `required_fields[${i}]`, `one of ${RESIDENT_FIELDS.join(', ')}`, f);
    }
  });

  const limit = raw.daily_limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
    fail(where, 'daily_limit', 'a whole number >= 0', limit);
  }
  if (typeof raw.enabled !== 'boolean') fail(where, 'enabled', 'true or false', raw.enabled);

  const type: LetterType = {
    id,
    code,
    title,
    menu_label: menuLabel,
    body,
    purposes: [...(purposes as string[])],
    validity_days: validity,
    policy,
    required_fields: [...(required as (keyof Resident)[])],
    enabled: raw.enabled,
  };
  if (limit !== undefined) type.daily_limit = limit as number;
  return type;
}

let shippedCache: { file: string; types: LetterType[] } | null = null;

/** The shipped types, validated once per file (a broken file is a packaging bug: data_corrupt). */
export function shippedLetterTypes(file: string = SHIPPED_LETTER_TYPES_FILE): LetterType[] {
  if (shippedCache?.file === file) return shippedCache.types.map(cloneType);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KioskError('data_corrupt', `cannot read the shipped letter types ${file}: reinstall anjungan`, {
      cause: err,
    });
  }
  const list = (parsed as { types?: unknown } | null)?.types;
  if (!Array.isArray(list)) throw new KioskError('data_corrupt', `${file}: expected {"types": [...]}`);
  const seen = new Set<string>();
  const types = list.map((raw, i) => {
    const where: Where = { code: 'data_corrupt', prefix: `${file}: types[${i}]` };
    if (typeof raw !== 'object' || raw === null) {
      throw new KioskError('data_corrupt', `${where.prefix}: expected a letter type object`);
    }
    const type = validateType(raw as Record<string, unknown>, where);
    if (seen.has(type.id)) fail(where, 'id', 'a unique id', type.id);
    seen.add(type.id);
    return type;
  });
  shippedCache = { file, types };
  return types.map(cloneType);
}

function cloneType(t: LetterType): LetterType {
  return { ...t, purposes: [...t.purposes], required_fields: [...t.required_fields] };
}

/**
 * The letter types of this kiosk: shipped types (in their shipped order) with the village's
 * overrides applied, then the village's own new types (in config order). Disabled types are
 * kept (enabled: false) so that technicians can list them; offersFor() hides them.
 *
 * @throws KioskError 'config_invalid' naming `letters.types.<id>.<field>` and what is expected.
 */
export function loadLetterTypes(
  overrides: Config['letters']['types'],
  opts: { file?: string } = {},
): LetterType[] {
  const types = shippedLetterTypes(opts.file);
  const byId = new Map(types.map((t) => [t.id, t]));
  const added: LetterType[] = [];
  for (const [id, override] of Object.entries(overrides ?? {})) {
    const where: Where = { code: 'config_invalid', prefix: `letters.types.${id}` };
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      throw new KioskError('config_invalid', `letters.types.${id}: expected an object of letter type fields`);
    }
    for (const key of Object.keys(override)) {
      if (!(FIELDS as readonly string[]).includes(key)) {
        fail(
          where,
          key,
          `a letter type field (${FIELDS.join(', ')})`,
          (override as Record<string, unknown>)[key],
        );
      }
    }
    if (override.id !== undefined && override.id !== id)
      fail(where, 'id', `"${id}" (the key) or nothing`, override.id);
    const base = byId.get(id);
    if (!base) {
      const missing = REQUIRED.filter((f) => override[f] === undefined);
      if (missing.length > 0) {
        throw new KioskError(
          'config_invalid',
          `letters.types.${id}.${missing[0]}: "${id}" is not a shipped letter type, so it must give every field; missing: ${missing.join(', ')}`,
        );
      }
    }
    const merged = validateType({ ...(base ?? {}), ...override, id }, where);
    if (base) byId.set(id, merged);
    else added.push(merged);
  }
  return [...types.map((t) => byId.get(t.id) ?? t), ...added];
}
