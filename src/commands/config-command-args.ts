/**
 * `anjungan command <village>/<device> config --patch FILE [--version N]`: the arguments of a
 * signed `cmd/config` (src/config/remote-settings.ts), read and checked on the district's side
 * so a typo is caught before anything is signed.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject } from '../config/remote-layer.ts';
import { errorMessage, KioskError } from '../errors.ts';

export const CONFIG_COMMAND_OPTIONS = {
  patch: { type: 'string' },
  version: { type: 'string' },
} as const;

/** `{ version, patch }`; `now` (ms) gives the default version, in seconds, so a later one is newer. */
export function configCommandArgs(
  values: { patch?: string | undefined; version?: string | undefined },
  rest: string[],
  now = Date.now(),
): { version: number; patch: Record<string, unknown> } {
  if (rest.length > 0)
    throw new KioskError('usage', `config takes no arguments but --patch and --version, not '${rest[0]}'`);
  if (!values.patch) throw new KioskError('usage', 'config needs --patch FILE (a JSON merge patch)');
  let patch: unknown;
  try {
    patch = JSON.parse(readFileSync(values.patch, 'utf8'));
  } catch (err) {
    throw new KioskError('config_invalid', `--patch ${values.patch}: ${errorMessage(err)}`);
  }
  if (!isJsonObject(patch))
    throw new KioskError('config_invalid', `--patch ${values.patch} must hold a JSON object`);
  const version = values.version === undefined ? Math.floor(now / 1000) : Number(values.version);
  if (!Number.isSafeInteger(version) || version < 1)
    throw new KioskError('usage', `--version must be a whole number of at least 1, not '${values.version}'`);
  return { version, patch };
}

/** The kiosk's answer to an applied `cmd/config`, as text. */
export function configReplyText(result: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '(none)');
  const lines = [
    `applied: remote settings version ${result.version}`,
    `config hash: ${result.config_hash}`,
    `changed: ${list(result.keys_changed)}`,
  ];
  if (Array.isArray(result.restart_needed) && result.restart_needed.length > 0)
    lines.push(`takes effect at the next restart: ${list(result.restart_needed)}`);
  return `${lines.join('\n')}\n`;
}
