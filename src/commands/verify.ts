/**
 * `anjungan verify <token>`: checks the QR code of a printed letter offline against the village's
 * public key and says what it certifies, or why it is not genuine (exit 1).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load-config.ts';
import { KioskError } from '../errors.ts';
import { loadLetterTypes } from '../letters/letter-types.ts';
import { peekClaims, verifyToken } from '../letters/verification-token.ts';
import { keyPaths } from '../store/keys.ts';
import type { Command, CommandIo } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, parseCommandArgs, table, usageError } from './context.ts';

const HELP = `Usage: anjungan verify <token | -> [--public-key FILE] [--config FILE]

Checks a letter's QR code (the text it holds: "AJ2.…", an older "AJ1.…", or the verification
page's address "https://…#AJ2.…", e.g. from a phone's QR scanner; '-' reads it from standard
input) against the village's public key, without any network. Prints what the letter certifies
(number, type, policy, date, valid until, village, kiosk) when it is genuine, or why it is not.

Options:
  --public-key FILE   the village's letter-signing public key (PEM); default: this kiosk's own
                      <data_dir>/keys/letter-signing.pub.pem
${CONFIG_HELP}

Exit codes: 0 genuine, 1 not genuine (or the key cannot be read), 2 wrong usage.`;

const REASONS: Record<string, string> = {
  malformed: 'this is not an Anjungan letter code (it is damaged or incomplete)',
  wrong_version: 'this code was made by a different (newer) kiosk version; verify it with that version',
  bad_signature:
    "the code was altered (its data or signature no longer match), or it was signed by another village's key",
};

const verify: Command = {
  name: 'verify',
  summary: "check a letter's QR code offline against the village's public key",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...CONFIG_OPTION, 'public-key': { type: 'string' } },
      'verify',
    );
    if (positionals.length !== 1) throw usageError('verify takes one token', 'verify');
    const token = positionals[0] === '-' ? await readAll(io.stdin) : positionals[0]!;
    const { key, keyFile, villageCode, villageName } = publicKey(io, values['public-key'], values.config);
    const result = verifyToken(token.trim(), key);
    if (!result.ok) {
      const claimed = peekClaims(token);
      const lines = [
        `NOT GENUINE: ${REASONS[result.reason] ?? result.reason}`,
        `  (checked against ${keyFile})`,
      ];
      if (claimed) {
        lines.push(
          '  what the code claims (NOT verified):',
          `    number ${claimed.number}, type ${claimed.type}, date ${claimed.issued}, village ${claimed.village}`,
        );
      }
      io.stdout.write(`${lines.join('\n')}\n`);
      return 1;
    }
    const c = result.claims;
    const title = titleOf(c.type, values.config, io);
    const village =
      villageCode === null
        ? c.village
        : c.village === villageCode
          ? `${c.village} (${villageName})`
          : `${c.village} (NOT this kiosk's village ${villageCode}: the key is shared or misconfigured)`;
    const rows: [string, string][] = [
      ['  token', c.version],
      ['  number', c.number],
      ['  type', title ? `${c.type} (${title})` : c.type],
      ['  policy', policyText(c.policy)],
      ['  date', c.issued],
      ['  valid until', c.valid_until ?? (c.version === 'AJ1' ? '(not in AJ1 tokens)' : 'no validity line')],
      ['  village', village],
      ['  kiosk', c.device ?? '(not in AJ1 tokens)'],
      ['  key id', c.key_id ?? '(not in AJ1 tokens)'],
      ['  resident ref', c.resident_ref],
    ];
    io.stdout.write(`GENUINE: signed with the key in ${keyFile}\n${table(rows)}\n`);
    return 0;
  },
};

export default verify;

function policyText(policy: 'final' | 'pengantar' | null): string {
  if (policy === 'pengantar') return 'pengantar (not valid until signed and stamped at the village office)';
  return policy ?? 'final (AJ1 tokens were printed on final letters only)';
}

function publicKey(
  io: CommandIo,
  file: string | undefined,
  configPath: string | undefined,
): { key: KeyObject; keyFile: string; villageCode: string | null; villageName: string } {
  let keyFile = file;
  let villageCode: string | null = null;
  let villageName = '';
  if (keyFile === undefined || configPath !== undefined) {
    const { config } = loadConfig({ path: configPath, env: io.env });
    keyFile ??= keyPaths(config).publicKeyFile;
    villageCode = config.village.code;
    villageName = `${config.village.kind.toUpperCase()} ${config.village.name}`;
  }
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new KioskError(
      'config_unreadable',
      `cannot read the public key ${keyFile}: ${(err as Error).message} (give the village's key with --public-key FILE)`,
    );
  }
  try {
    return { key: createPublicKey(pem), keyFile, villageCode, villageName };
  } catch (err) {
    throw new KioskError('config_invalid', `${keyFile} is not a PEM public key: ${(err as Error).message}`);
  }
}

function titleOf(typeId: string, configPath: string | undefined, io: CommandIo): string | null {
  try {
    const { config } = loadConfig({ path: configPath, env: io.env });
    return loadLetterTypes(config.letters.types).find((t) => t.id === typeId)?.title ?? null;
  } catch {
    return null;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
