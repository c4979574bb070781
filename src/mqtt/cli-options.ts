/**
 * Broker options shared by the district's commands (`anjungan monitor`, `anjungan command`).
 * These run on a district machine, not on the kiosk: they take the broker from flags or
 * $ANJUNGAN_MQTT_URL, never from the kiosk config.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { IClientOptions } from 'mqtt';
import { type PemKind, pemFileProblem, readProblem } from '../config/file-checks.ts';
import { KioskError } from '../errors.ts';

export const BROKER_OPTIONS = {
  url: { type: 'string', short: 'u' },
  username: { type: 'string' },
  password: { type: 'string' },
  'password-file': { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  'client-key': { type: 'string' },
  'mqtt-version': { type: 'string' },
} as const;

export const BROKER_HELP = `Broker:
  --url URL            broker (default $ANJUNGAN_MQTT_URL or mqtt://127.0.0.1:1883)
  --username U         broker user (or $ANJUNGAN_MQTT_USERNAME)
  --password-file F    read the broker password from file F (first line), or set
                       $ANJUNGAN_MQTT_PASSWORD; --password P also works but every user
                       sees it in \`ps\` (a warning says so)
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
  'password-file'?: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  'client-key'?: string | undefined;
  'mqtt-version'?: string | undefined;
}

/**
 * URL and MQTT.js options from the flags and the environment. `warn` receives what the user
 * should change (a secret given on the command line).
 */
export function brokerFrom(
  flags: BrokerFlags,
  env: NodeJS.ProcessEnv,
  defaultVersion: 4 | 5,
  warn: (message: string) => void = () => {},
): { url: string; protocolVersion: 4 | 5; client: IClientOptions } {
  const url = flags.url ?? env.ANJUNGAN_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const v = flags['mqtt-version'] ?? String(defaultVersion);
  if (v !== '4' && v !== '5') throw new KioskError('usage', `--mqtt-version must be 4 or 5, not ${v}`);
  const username = flags.username ?? env.ANJUNGAN_MQTT_USERNAME;
  const password = passwordFrom(flags, env, warn);
  const client: IClientOptions = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(flags.ca ? { ca: pemFile('--ca', flags.ca, 'certificate') } : {}),
    ...(flags.cert ? { cert: pemFile('--cert', flags.cert, 'certificate') } : {}),
    ...(flags['client-key'] ? { key: pemFile('--client-key', flags['client-key'], 'private key') } : {}),
  };
  return { url, protocolVersion: Number(v) as 4 | 5, client };
}

/** --password-file, then $ANJUNGAN_MQTT_PASSWORD, then --password (visible in `ps`: warned). */
function passwordFrom(flags: BrokerFlags, env: NodeJS.ProcessEnv, warn: (message: string) => void) {
  if (flags.password !== undefined && flags['password-file'] !== undefined) {
    throw new KioskError('usage', 'give --password-file or --password, not both');
  }
  if (flags['password-file'] !== undefined) {
    const read = readProblem(flags['password-file']);
    if ('problem' in read) throw new KioskError('config_unreadable', `--password-file: ${read.problem}`);
    return read.data.toString('utf8').split(/\r?\n/)[0];
  }
  if (flags.password !== undefined) {
    warn(
      '--password on the command line is visible to every user of this machine (ps, /proc): ' +
        'use --password-file FILE or $ANJUNGAN_MQTT_PASSWORD',
    );
    return flags.password;
  }
  return env.ANJUNGAN_MQTT_PASSWORD;
}

function pemFile(flag: string, file: string, kind: PemKind): Buffer {
  const problem = pemFileProblem(file, kind);
  if (problem) throw new KioskError('config_invalid', `${flag}: ${problem}`);
  return readFileSync(file);
}
