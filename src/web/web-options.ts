/** The web simulator's command-line options (`anjungan run --web [PORT] [--web-host HOST]`). */

export interface WebOptions {
  host: string;
  port: number;
  /** Asked for explicitly (a port or a host given): refusing it outside simulator mode is an error. */
  explicit: boolean;
}

export const DEFAULT_WEB_HOST = '127.0.0.1';
export const DEFAULT_WEB_PORT = 8080;

/** `--web` takes an optional port, which parseArgs cannot express: take it out first. */
export function splitWebFlag(argv: string[]): { rest: string[]; port: string | null } {
  const rest: string[] = [];
  let port: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--web') {
      const next = argv[i + 1];
      port = next !== undefined && /^\d+$/.test(next) ? next : '';
      if (port) i++;
    } else if (arg.startsWith('--web=')) port = arg.slice('--web='.length);
    else rest.push(arg);
  }
  return { rest, port };
}

/** null: no web page (no flag, or `--web 0`). */
export function webOptions(port: string | null, host: string | undefined): WebOptions | null {
  if (port === null && host === undefined) return null;
  const n = port ? Number(port) : DEFAULT_WEB_PORT;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--web ${port}: not a port number`);
  if (n === 0) return null;
  return { host: host ?? DEFAULT_WEB_HOST, port: n, explicit: Boolean(port) || host !== undefined };
}
