/**
 * `anjungan dashboard`: the district's web dashboard (src/dashboard/), and
 * `anjungan dashboard user add|remove|passwd|list` for its accounts.
 */
import { readFileSync } from 'node:fs';
import { isLoopback } from '../dashboard/access.ts';
import { DEFAULT_ALERT_SETTINGS } from '../dashboard/alerts.ts';
import { Dashboard } from '../dashboard/app.ts';
import { defaultClientId } from '../dashboard/subscriber.ts';
import { KioskError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { BROKER_HELP, BROKER_OPTIONS, brokerFrom, parseCli } from '../mqtt/cli-options.ts';
import type { Command } from './command.ts';
import { userCommand } from './dashboard-users.ts';

export const DEFAULT_LISTEN = '127.0.0.1:8090';
export const DEFAULT_DATA_DIR = '/var/lib/anjungan-dashboard';

const OPTIONS = {
  ...BROKER_OPTIONS,
  listen: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  'no-auth': { type: 'boolean' },
  regions: { type: 'string' },
  'time-zone': { type: 'string' },
  'client-id': { type: 'string' },
  'offline-minutes': { type: 'string' },
  'version-grace-days': { type: 'string' },
  'alert-webhook': { type: 'string' },
  'webhook-interval': { type: 'string' },
  'operator-key': { type: 'string' },
  'trust-proxy': { type: 'string' },
  role: { type: 'string' },
} as const;

const dashboard: Command = {
  name: 'dashboard',
  summary: "the district's web dashboard: fleet table, alerts, a kiosk's history, figures (MQTT)",
  help: `Usage: anjungan dashboard [--url URL] [--listen HOST:PORT] [--data DIR] [--config FILE] [options]
       anjungan dashboard user add NAME [--role viewer|operator] [--data DIR]   (password on stdin)
       anjungan dashboard user passwd NAME [--data DIR]                         (password on stdin)
       anjungan dashboard user remove NAME [--data DIR]
       anjungan dashboard user list [--data DIR]

Subscribes to anjungan/+/+/# with a persistent session and serves the district's page: the
fleet table (live), alerts, each kiosk's 30-day history and telemetry, the month's figures
with CSV export, and /metrics for Prometheus. See docs/district.md.

Options:
  --listen HOST:PORT       where to serve (default ${DEFAULT_LISTEN}; put HTTPS in front)
  --data DIR               history store and accounts (default $ANJUNGAN_DASHBOARD_DATA or ${DEFAULT_DATA_DIR})
  --config FILE            a JSON object of these options by long name ({"url": …, "listen": …}); flags win
  --no-auth                no accounts: only accepted on a loopback --listen address
  --regions FILE           region names (TSV code/name/level; default: Lampung, data/wilayah-lampung.tsv)
  --time-zone TZ           the district's zone for days and months (default Asia/Jakarta)
  --client-id ID           MQTT client id of the persistent session (default anjungan-dashboard-<host>)
  --offline-minutes N      alert when a kiosk is offline longer (default ${DEFAULT_ALERT_SETTINGS.offlineMinutes})
  --version-grace-days N   alert on an old version after the newest is this old (default ${DEFAULT_ALERT_SETTINGS.versionGraceDays})
  --alert-webhook URL      POST new alerts as JSON ({text, alerts, more}) to this URL
  --webhook-interval S     at most one webhook request per S seconds (default 60)
  --operator-key FILE      the dashboard's own Ed25519 key (PKCS#8 PEM) for status / out_of_service /
                           ping; kiosks list its public key in mqtt.operator_public_keys
  --trust-proxy ADDRS      proxies whose X-Forwarded-* headers count (default 127.0.0.1,::1)

${BROKER_HELP.replace('(default 5 for command, 4 for monitor)', '(default 5: a session expiry; 4 for NATS)')}
  Several brokers of a cluster: --url mqtts://a:8883,mqtts://b:8883

Examples:
  anjungan dashboard --url mqtts://broker.pesawaran.go.id:8883 --ca ca.pem --username dashboard --data /var/lib/anjungan-dashboard
  echo 'a long passphrase' | anjungan dashboard user add siti --role operator
`,
  async run(argv, io) {
    const { values, positionals } = parseCli(argv, OPTIONS, 'dashboard');
    const file = values.config ? readConfig(values.config) : {};
    const opt = (name: keyof typeof OPTIONS): string | undefined =>
      (values as Record<string, string | undefined>)[name] ??
      (typeof file[name] === 'string' ? (file[name] as string) : undefined);
    const dataDir = opt('data') ?? io.env.ANJUNGAN_DASHBOARD_DATA ?? DEFAULT_DATA_DIR;
    if (positionals[0] === 'user') return userCommand(positionals.slice(1), opt('role'), dataDir, io);
    if (positionals.length > 0)
      throw new KioskError('usage', `unknown argument '${positionals[0]}' (see anjungan dashboard --help)`);

    const listen = parseListen(opt('listen') ?? DEFAULT_LISTEN);
    const noAuth = values['no-auth'] === true || file['no-auth'] === true;
    if (noAuth && !isLoopback(listen.host))
      throw new KioskError('usage', `--no-auth is only accepted on a loopback address, not ${listen.host}`);
    const broker = brokerFrom(
      {
        url: opt('url'),
        username: opt('username'),
        password: opt('password'),
        ca: opt('ca'),
        cert: opt('cert'),
        'client-key': opt('client-key'),
        'mqtt-version': opt('mqtt-version'),
      },
      io.env,
      5,
    );
    const keyFile = opt('operator-key');
    const webhook = opt('alert-webhook');
    const logger = createLogger(undefined, io.stderr);
    const app = new Dashboard({
      dataDir,
      broker,
      clientId: opt('client-id') ?? defaultClientId(),
      regionsFile: opt('regions'),
      timeZone: opt('time-zone') ?? 'Asia/Jakarta',
      alertSettings: {
        ...DEFAULT_ALERT_SETTINGS,
        offlineMinutes: number(opt('offline-minutes'), DEFAULT_ALERT_SETTINGS.offlineMinutes),
        versionGraceDays: number(opt('version-grace-days'), DEFAULT_ALERT_SETTINGS.versionGraceDays),
      },
      webhook: webhook ? { url: webhook, intervalMs: number(opt('webhook-interval'), 60) * 1000 } : undefined,
      operatorKeyPem: keyFile ? readFileSync(keyFile, 'utf8') : undefined,
      logger,
    });
    const { createServer } = await import('../dashboard/server.ts');
    const server = await createServer(app, {
      auth: !noAuth,
      trustProxy: opt('trust-proxy') ?? '127.0.0.1,::1',
    });
    await app.start();
    await server.listen({ host: listen.host, port: listen.port });
    logger.info({ url: `http://${listen.host}:${listen.port}/`, auth: !noAuth }, 'dashboard: serving');
    if (!noAuth && app.store.users().length === 0)
      logger.warn(
        "dashboard: no accounts yet: add one with 'anjungan dashboard user add NAME --role operator'",
      );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await app.stop();
    return 0;
  },
};

function readConfig(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new KioskError('config_invalid', `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new KioskError('usage', `--listen must be HOST:PORT, not '${text}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function number(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new KioskError('usage', `expected a number, not '${text}'`);
  return n;
}

export default dashboard;
