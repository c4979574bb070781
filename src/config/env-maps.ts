/**
 * Environment overrides for config maps: keys whose middle part is an id the village chooses,
 * such as `letters.types.<id>.<field>`. Both ids and field names contain `_` (`pengantar_skck`,
 * `daily_limit`), so `ANJUNGAN_LETTERS_TYPES_PENGANTAR_SKCK_DAILY_LIMIT` cannot be split at
 * every `_`: the name is resolved by matching the map's known field names at its end, and the
 * rest is the id (lower case, as ids are snake_case). A name that two fields could end is
 * refused, naming both readings.
 */
import { KioskError } from '../errors.ts';

export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
}

/** A map in the schema: where it is, and the fields each of its entries may have. */
export interface ConfigMap {
  path: string[];
  fields: Record<string, SchemaNode>;
}

/** A node whose keys are chosen by the village (`additionalProperties` with fields). */
export function isConfigMap(node: SchemaNode): boolean {
  const entry = node.additionalProperties;
  return !node.properties && typeof entry === 'object' && entry.properties !== undefined;
}

/** Every map in the schema, e.g. [{ path: ['letters', 'types'], fields: { code, title, … } }]. */
export function configMaps(node: SchemaNode, path: string[] = []): ConfigMap[] {
  if (isConfigMap(node)) {
    const entry = node.additionalProperties as SchemaNode;
    return [{ path, fields: entry.properties ?? {} }];
  }
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => configMaps(child, [...path, key]));
}

export type MapVariable =
  | { kind: 'key'; path: string[]; node: SchemaNode }
  | { kind: 'unknown_field'; map: ConfigMap };

/**
 * Which key of a map the variable `name` sets, or null when it is not under a map.
 * `prefix(path)` is the variable name of a key path (ANJUNGAN_ + upper snake case).
 * Throws 'config_invalid' when two field names could end the name.
 */
export function resolveMapVariable(
  name: string,
  maps: ConfigMap[],
  prefix: (path: string[]) => string,
): MapVariable | null {
  for (const map of maps) {
    const head = `${prefix(map.path)}_`;
    if (!name.startsWith(head)) continue;
    const rest = name.slice(head.length);
    const readings = Object.keys(map.fields)
      .map((field) => ({ field, suffix: `_${field.toUpperCase()}` }))
      .filter(({ suffix }) => rest.endsWith(suffix) && rest.length > suffix.length)
      .map(({ field, suffix }) => ({ id: rest.slice(0, -suffix.length).toLowerCase(), field }));
    const [only, second] = readings;
    if (only === undefined) return { kind: 'unknown_field', map };
    if (second !== undefined) {
      const keys = readings.map((r) => [...map.path, r.id, r.field].join('.'));
      throw new KioskError(
        'config_invalid',
        `environment variable ${name} is ambiguous: it could set ${keys.join(' or ')}; set it in the config file instead`,
      );
    }
    return { kind: 'key', path: [...map.path, only.id, only.field], node: map.fields[only.field]! };
  }
  return null;
}
