/**
 * `cmd/logs {since, max_lines}`: the last lines of the kiosk's own log (src/log-file.ts), for a
 * district that cannot visit. MQTT carries no NIK at all, not even masked: every field naming a
 * resident is dropped and the resident reference (`resident_ref`, a keyed pseudonym) kept, and
 * anything still shaped like a NIK (masked or not) is blanked. Answered gzip-compressed, base64,
 * at most 256 KiB: the oldest lines go first when it would not fit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Config } from '../config/config.ts';
import { LOG_FILE_NAME } from '../log-file.ts';

export const MAX_LOG_REPLY_BYTES = 256 * 1024;
const DEFAULT_LINES = 500;
const MAX_LINES = 20_000;
/** Fields that may hold personal data: never sent. */
const PERSONAL = /^(nik|nik_masked|nama|name|alamat|address|tanggal_lahir|uid|card_uid)$/i;

export function kioskLogDir(config: Pick<Config, 'data_dir'>): string {
  return path.join(config.data_dir, 'log');
}

/** One log line as it may leave the kiosk. */
export function sanitizeLogLine(line: string): string {
  let text = line.trim();
  try {
    const obj = JSON.parse(text) as Record<string, unknown>;
    for (const key of Object.keys(obj)) if (PERSONAL.test(key)) delete obj[key];
    text = JSON.stringify(obj);
  } catch {
    // not a JSON line: the patterns below still apply
  }
  // A masked NIK (************1234) or any 16-digit run left in a message.
  return text.replace(/\*{4,}\d{0,4}/g, '[nik]').replace(/(?<!\d)\d{16}(?!\d)/g, '[nik]');
}

function logLines(dir: string): string[] {
  const lines: string[] = [];
  for (let i = 3; i >= 0; i--) {
    const file = path.join(dir, i === 0 ? LOG_FILE_NAME : `${LOG_FILE_NAME}.${i}`);
    try {
      lines.push(...readFileSync(file, 'utf8').split('\n').filter(Boolean));
    } catch {
      // not there
    }
  }
  return lines;
}

export interface LogsReply {
  lines: number;
  /** Lines left out (older than `since`, beyond `max_lines`, or over the size cap). */
  omitted: number;
  truncated: boolean;
  encoding: 'gzip+base64';
  data: string;
}

/** The reply to `cmd/logs`; throws a message for bad arguments. */
export function collectLogs(dir: string, args: Record<string, unknown>): LogsReply {
  const since = args.since === undefined ? null : Date.parse(String(args.since));
  if (since !== null && Number.isNaN(since)) throw new Error('args.since must be an ISO date-time');
  const max = args.max_lines === undefined ? DEFAULT_LINES : Number(args.max_lines);
  if (!Number.isInteger(max) || max < 1 || max > MAX_LINES)
    throw new Error(`args.max_lines must be a whole number from 1 to ${MAX_LINES}`);
  const all = logLines(dir);
  let picked = all.filter((l) => {
    if (since === null) return true;
    const time = /"time":"([^"]+)"/.exec(l)?.[1];
    return time !== undefined && Date.parse(time) >= since;
  });
  picked = picked.slice(-max).map(sanitizeLogLine);
  let gz = gzipSync(`${picked.join('\n')}\n`);
  let truncated = false;
  // base64 grows by 4/3: keep the encoded reply under the cap, dropping the oldest lines.
  while (Math.ceil(gz.length / 3) * 4 > MAX_LOG_REPLY_BYTES && picked.length > 0) {
    picked = picked.slice(Math.ceil(picked.length / 4));
    gz = gzipSync(`${picked.join('\n')}\n`);
    truncated = true;
  }
  return {
    lines: picked.length,
    omitted: all.length - picked.length,
    truncated,
    encoding: 'gzip+base64',
    data: gz.toString('base64'),
  };
}
