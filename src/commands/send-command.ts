/**
 * `anjungan command`: the district signs a command with its Ed25519 key, sends it to one kiosk
 * and prints the answer; `anjungan command keygen` makes the district's key pair.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pemFileProblem } from '../config/file-checks.ts';
import { KioskError } from '../errors.ts';
import { BROKER_HELP, BROKER_OPTIONS, brokerFrom, parseCli } from '../mqtt/cli-options.ts';
import { generateDistrictKeyPair } from '../mqtt/command-signing.ts';
import { COMMAND_NAMES } from '../mqtt/commands.ts';
import { sendCommand } from '../mqtt/district-client.ts';
import type { Command } from './command.ts';
import { CONFIG_COMMAND_OPTIONS, configCommandArgs, configReplyText } from './config-command-args.ts';
import { UPDATE_ORDER_OPTIONS, updateOrderArgs } from './update-order.ts';

const sendCommandCli: Command = {
  name: 'command',
  summary:
    "send a signed command to a kiosk (status, out_of_service, ping, logs, health, config, update); 'keygen' makes the district key",
  help: `Usage: anjungan command <village>/<device> <name> [args...] --key FILE [--url URL]
       anjungan command keygen --out DIR

Signs the command with the district's Ed25519 private key (time + nonce, valid for the kiosk's
mqtt.command_max_age_s), publishes it on anjungan/<village>/<device>/cmd/<name> and prints the
kiosk's answer (as JSON; logs and health as text). Exit 0 when the kiosk accepted it, 1 when it refused or did not answer.
The request is signed as anjungan-cmd-v2 (docs/mqtt.md). The kiosk answers only on its own
anjungan/<village>/<device>/reply/<name>, where this command listens: the broker account needs
to read there.

Commands:
  status                         the kiosk republishes its state and answers with it
  ping                           answers pong with its uptime
  out_of_service on <reason...>  out of service; the reason (Bahasa Indonesia) is shown on screen
  out_of_service off             back in service
  logs [since=ISO] [max_lines=N] the last lines of the kiosk's own log (default 500), printed as
                                 text; no NIK, not even masked (the resident reference instead)
  health                         the running kiosk's own checks: printer (asked now), reader,
                                 data, register, clock, disk, broker, as PASS / FAIL lines
  config --patch FILE [--version N]
                                 remote settings: FILE holds a JSON merge patch (RFC 7386) of
                                 the settings a district may change (docs/district.md); N must
                                 be newer than the kiosk's (default: the time in seconds); the
                                 answer names the keys changed and those needing a restart
  update --bundle-dir DIR --release-url URL [--allow-downgrade]
                                 install the release in DIR (manifest.json, manifest.sig), published
                                 at URL (https, the folder holding the archive): the kiosk downloads,
                                 verifies, installs at a quiet time and reports update_* events
  Other args are sent as key=value pairs (values parsed as JSON when they can be).

Options:
  --key FILE           the district private key (PKCS#8 PEM), from 'anjungan command keygen'
  --timeout S          seconds to wait for the answer (default 10)
  --patch FILE         config: the merge patch (JSON object)
  --version N          config: the version of the remote settings (default: now, in seconds)
  --out DIR            keygen: where to write district-command.key (0600) and district-command.pub.pem
  --bundle-dir DIR     update: the release folder npm run release wrote
  --release-url URL    update: the https:// folder where that release is published
  --allow-downgrade    update: install it even if older than the kiosk's version

${BROKER_HELP}

Key pair: run 'anjungan command keygen --out /secure/dir' once per district; put the content of
district-command.pub.pem into every kiosk's config as mqtt.district_public_key; keep the .key file
secret (whoever has it can put kiosks out of service).

Examples:
  anjungan command 1809102004/kiosk-01 out_of_service on "Sedang perbaikan, silakan ke kantor desa" --key district.key
  anjungan command 1809102004/kiosk-01 status --key district.key --url mqtts://broker:8883 --ca ca.pem
`,
  async run(argv, io) {
    const { values, positionals } = parseCli(
      argv,
      {
        ...BROKER_OPTIONS,
        key: { type: 'string' },
        timeout: { type: 'string' },
        out: { type: 'string' },
        ...CONFIG_COMMAND_OPTIONS,
        ...UPDATE_ORDER_OPTIONS,
      },
      'command',
    );
    if (positionals[0] === 'keygen') return keygen(values.out, io.stdout);
    const [target, name, ...rest] = positionals;
    const m = /^([0-9]{10})\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(target ?? '');
    if (!m || !name)
      throw new KioskError('usage', 'expected <village>/<device> <name> (see anjungan command --help)');
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
      throw new KioskError('usage', `unknown command '${name}'; known: ${COMMAND_NAMES.join(', ')}`);
    }
    if (!values.key) throw new KioskError('usage', '--key FILE (the district private key) is required');
    const timeout = Number(values.timeout ?? 10);
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new KioskError('usage', `--timeout must be a number of seconds, not '${values.timeout}'`);
    const keyProblem = values.key.startsWith('-----BEGIN') ? null : pemFileProblem(values.key, 'private key');
    if (keyProblem) throw new KioskError('config_invalid', `--key: ${keyProblem}`);
    const privateKeyPem = values.key.startsWith('-----BEGIN') ? values.key : readFileSync(values.key, 'utf8');
    if (privateKeyPem === values.key)
      io.stderr.write(
        'warning: a key given on the command line is visible to every user (ps): use --key FILE\n',
      );
    const broker = brokerFrom(values, io.env, 5, (m) => io.stderr.write(`warning: ${m}\n`));
    const answer = await sendCommand({
      url: broker.url,
      village: m[1]!,
      device: m[2]!,
      name,
      args:
        name === 'config'
          ? configCommandArgs(values, rest)
          : name === 'update'
            ? updateOrderArgs({
                bundleDir: values['bundle-dir'],
                releaseUrl: values['release-url'],
                allowDowngrade: values['allow-downgrade'],
              })
            : commandArgs(name, rest),
      privateKeyPem,
      protocolVersion: broker.protocolVersion,
      timeoutMs: timeout * 1000,
      client: broker.client,
    });
    io.stdout.write(answer.ok ? readable(name, answer.result ?? {}) : `${JSON.stringify(answer, null, 2)}\n`);
    if (!answer.ok)
      io.stderr.write(`refused by the kiosk: ${answer.error?.reason}: ${answer.error?.message}\n`);
    return answer.ok ? 0 : 1;
  },
};

/** `logs`: the kiosk's log lines; `health`: PASS / FAIL lines; anything else: the JSON answer. */
export function readable(name: string, result: Record<string, unknown>): string {
  if (name === 'logs' && typeof result.data === 'string') {
    const text = gunzipSync(Buffer.from(result.data, 'base64')).toString('utf8');
    const note = `# ${result.lines} line(s)${result.truncated ? ', the oldest cut to fit 256 KiB' : ''}\n`;
    return note + text;
  }
  if (name === 'config' && result.applied === true) return configReplyText(result);
  if (name === 'health' && Array.isArray(result.checks)) {
    const checks = result.checks as { name: string; ok: boolean; detail: string }[];
    const width = Math.max(...checks.map((c) => c.name.length));
    return `${checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'} ${c.name.padEnd(width)}  ${c.detail}`).join('\n')}\n`;
  }
  return `${JSON.stringify({ ok: true, result }, null, 2)}\n`;
}

/** `out_of_service on <reason...>` / `off`; anything else: key=value pairs. */
export function commandArgs(name: string, rest: string[]): Record<string, unknown> {
  if (name === 'out_of_service') {
    const [mode, ...reason] = rest;
    if (mode === 'off') return { on: false };
    if (mode === 'on' && reason.length > 0) return { on: true, reason: reason.join(' ') };
    throw new KioskError('usage', 'out_of_service needs "on <reason...>" or "off"');
  }
  const args: Record<string, unknown> = {};
  for (const pair of rest) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new KioskError('usage', `argument '${pair}' is not key=value`);
    const raw = pair.slice(eq + 1);
    try {
      args[pair.slice(0, eq)] = JSON.parse(raw);
    } catch {
      args[pair.slice(0, eq)] = raw;
    }
  }
  return args;
}

function keygen(out: string | undefined, stdout: NodeJS.WritableStream): number {
  if (!out) throw new KioskError('usage', 'keygen needs --out DIR');
  mkdirSync(out, { recursive: true });
  const keyFile = join(out, 'district-command.key');
  const pubFile = join(out, 'district-command.pub.pem');
  if (existsSync(keyFile))
    throw new KioskError('usage', `${keyFile} exists: refusing to overwrite the district key`);
  const pair = generateDistrictKeyPair();
  writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(pubFile, pair.publicKeyPem);
  stdout.write(
    `private key: ${keyFile} (keep it secret)\npublic key:  ${pubFile}\n\n` +
      `Put this into every kiosk's config as mqtt.district_public_key:\n${JSON.stringify(pair.publicKeyPem)}\n`,
  );
  return 0;
}

export default sendCommandCli;
