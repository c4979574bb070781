/**
 * `anjungan release keygen --out DIR`: the Ed25519 key pair that signs release bundles
 * (`npm run release -- --key DIR/release.key`). The public half goes to every kiosk's
 * /etc/anjungan/release-keys/ (install.sh installs the ones in the checkout's release-keys/).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan release keygen --out DIR

Makes the key pair that signs release bundles: DIR/release.key (private, mode 0600: keep it on
the release machine, never on a kiosk) and DIR/release.pub (install it on every kiosk as
/etc/anjungan/release-keys/<name>.pub). Refuses to overwrite an existing key.`;

const release: Command = {
  name: 'release',
  summary: "make the release signing key pair ('release keygen')",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' } }, 'release');
    if (positionals[0] !== 'keygen' || positionals.length !== 1)
      throw usageError('expected: release keygen --out DIR', 'release');
    if (!values.out) throw usageError('--out DIR is required', 'release');
    const keyFile = path.join(values.out, 'release.key');
    const pubFile = path.join(values.out, 'release.pub');
    if (existsSync(keyFile)) throw new KioskError('usage', `${keyFile} exists: not overwritten`);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    mkdirSync(values.out, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    io.stdout.write(`release key written: ${keyFile} (private), ${pubFile} (public)\n`);
    return 0;
  },
};

export default release;
