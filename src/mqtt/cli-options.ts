/**
 * Broker options shared by the district's commands (`anjungan monitor`, `anjungan command`).
 * These run on a district machine, not on the kiosk: they take the broker from flags or
 * $ANJUNGAN_MQTT_URL, never from the kiosk config.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { IClientOptions } from 'mqtt';
import { KioskError } from '../errors.ts';

export const BROKER_OPTIONS = {
  url: { type: 'string', short: 'u' },
  username: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  'client-key': { type: 'string' },
  'mqtt-version': { type: 'string' },
} as const;

export const BROKER_HELP = `Broker:
  --url URL            broker (default $ANJUNGAN_MQTT_URL or mqtt://127.0.0.1:1883)
  --username U         broker user (or $ANJUNGAN_MQTT_USERNAME)
  --password P         broker password (or $ANJUNGAN_MQTT_PASSWORD)
  --ca FILE            CA certificate (mqtts://)
  --cert FILE          client certificate (mqtts://)
  --client-key FILE    client certificate key (mqtts://)
  --mqtt-version 4|5   protocol (default 5 for command, 4 for monitor)`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict options; a mistake is a usage error (exit 2). */
export function parseCli<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new KioskError('usage', `${(err as Error).message} (see anjungan ${command} --help)`);
  }
}

export interface BrokerFlags {
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  'client-key'?: string | undefined;
  'mqtt-version'?: string | undefined;
}

/** URL and MQTT.js options from the flags and the environment. */
export function brokerFrom(
  flags: BrokerFlags,
  env: NodeJS.ProcessEnv,
  defaultVersion: 4 | 5,
): { url: string; protocolVersion: 4 | 5; client: IClientOptions } {
  const url = flags.url ?? env.ANJUNGAN_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const v = flags['mqtt-version'] ?? String(defaultVersion);
  if (v !== '4' && v !== '5') throw new KioskError('usage', `--mqtt-version must be 4 or 5, not ${v}`);
  const username = flags.username ?? env.ANJUNGAN_MQTT_USERNAME;
  const password = flags.password ?? env.ANJUNGAN_MQTT_PASSWORD;
  const client: IClientOptions = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(flags.ca ? { ca: readFileSync(flags.ca) } : {}),
    ...(flags.cert ? { cert: readFileSync(flags.cert) } : {}),
    ...(flags['client-key'] ? { key: readFileSync(flags['client-key']) } : {}),
  };
  return { url, protocolVersion: Number(v) as 4 | 5, client };
}
