/**
 * Validators for the payloads of the contract, compiled from docs/schemas/*.json (the schemas a
 * district's dashboard developers read). Used by the tests and by `anjungan monitor --strict`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_FILES } from './payloads.ts';

export type PayloadKind = keyof typeof SCHEMA_FILES;

/** docs/schemas of this checkout or installation (walks up from this file). */
export function schemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'docs', 'schemas');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('docs/schemas not found next to this installation');
}

let cache: Record<PayloadKind, ValidateFunction> | null = null;

/** Compiled validators, one per payload kind. */
export function payloadValidators(): Record<PayloadKind, ValidateFunction> {
  if (cache) return cache;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  const dir = schemaDir();
  const out = {} as Record<PayloadKind, ValidateFunction>;
  for (const [kind, file] of Object.entries(SCHEMA_FILES) as [PayloadKind, string][]) {
    out[kind] = ajv.compile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object);
  }
  cache = out;
  return out;
}

/** Null when `payload` (parsed JSON, or the text for availability) is valid, else the errors. */
export function payloadErrors(kind: PayloadKind, payload: unknown): string | null {
  const validate = payloadValidators()[kind];
  if (validate(payload)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}
