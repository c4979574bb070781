/**
 * The device's two secrets, created on first start:
 * - the UID key (32 random bytes, hex): card UIDs are stored only as HMAC(uidKey, UID), and a
 *   resident appears outside the kiosk (MQTT, QR tokens) only as a keyed reference;
 * - the letter signing key (Ed25519, PKCS#8 PEM) that signs the QR verification token, with its
 *   public key beside it (`*.pub.pem`) for the office's verifier.
 * Losing the UID key unbinds every card; losing the signing key breaks verification of letters
 * already printed: back the keys directory up.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fsyncDir } from './durable-file.ts';

export interface DeviceKeys {
  uidKey: Buffer;
  signingKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Short id of the signing key, carried in letter tokens and the district's key list. */
  keyId: string;
}

/** Where the key files live for this config. */
export function keyPaths(config: Config): {
  uidKeyFile: string;
  signingKeyFile: string;
  publicKeyFile: string;
} {
  const keysDir = path.join(config.data_dir, 'keys');
  const signingKeyFile = config.device.signing_key_file ?? path.join(keysDir, 'letter-signing.pem');
  return {
    uidKeyFile: config.device.uid_key_file ?? path.join(keysDir, 'uid-hmac.key'),
    signingKeyFile,
    publicKeyFile: signingKeyFile.replace(/(\.pem)?$/, '.pub.pem'),
  };
}

/**
 * Loads the device keys, creating the missing ones (files mode 0600, directories 0700) unless
 * `create: false`, in which case a missing key is an error telling to run `anjungan provision`.
 * A key file that exists but is malformed is never replaced: that would silently unbind every
 * card or invalidate every printed letter.
 */
export async function loadOrCreateKeys(
  config: Config,
  opts: { create?: boolean; logger?: Pick<Logger, 'warn'> } = {},
): Promise<DeviceKeys> {
  const create = opts.create ?? true;
  const paths = keyPaths(config);

  let uidHex = await readIfExists(paths.uidKeyFile);
  if (uidHex === null) {
    if (!create) throw missing(paths.uidKeyFile, 'device.uid_key_file', config.device.uid_key_file !== null);
    uidHex = await createExclusive(paths.uidKeyFile, `${randomHex(32)}\n`);
  }
  const hex = uidHex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new KioskError(
      'data_corrupt',
      `${paths.uidKeyFile} is not a 32-byte hex key; restore it from the backup of the keys directory ` +
        '(replacing it unbinds every card)',
    );
  }
  const uidKey = Buffer.from(hex, 'hex');
  // Written as lower-case hex and a newline: anything else that still reads (a letter's case, a
  // lost newline) is damage that happens to leave the key intact. Say so, use the key.
  if (uidHex !== `${hex.toLowerCase()}\n`) notExactly(opts.logger, paths.uidKeyFile);

  let pem = await readIfExists(paths.signingKeyFile);
  if (pem === null) {
    if (!create)
      throw missing(paths.signingKeyFile, 'device.signing_key_file', config.device.signing_key_file !== null);
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = await createExclusive(
      paths.signingKeyFile,
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
  }
  let signingKey: KeyObject;
  try {
    signingKey = createPrivateKey(pem);
  } catch (err) {
    throw new KioskError(
      'data_corrupt',
      `${paths.signingKeyFile} is not a PEM private key (${errorMessage(err)}); restore it from the backup of the keys directory`,
    );
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') {
    throw new KioskError(
      'data_corrupt',
      `${paths.signingKeyFile} holds a ${signingKey.asymmetricKeyType} key; the letter signing key must be Ed25519`,
    );
  }
  // The same for the PEM: a flipped bit can leave a key that still parses (in the encoding's
  // header, or after the end line); if it is another key, the public key file below tells.
  if (signingKey.export({ format: 'pem', type: 'pkcs8' }).toString() !== pem)
    notExactly(opts.logger, paths.signingKeyFile);
  const publicKey = createPublicKey(signingKey);
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  // The public file is derived data: (re)write it when absent or unreadable. A different key
  // that reads fine means one of the two files changed (a flipped bit in the private key still
  // makes a valid Ed25519 key): which one is right only the backup can tell.
  const stored = await readIfExists(paths.publicKeyFile);
  if (stored !== null && stored !== publicKeyPem) {
    if (readsAsPublicKey(stored)) {
      throw new KioskError(
        'data_corrupt',
        `${paths.signingKeyFile} and ${paths.publicKeyFile} hold different keys: one of them is damaged; ` +
          'restore the keys directory from its backup (or, when the private key is known good, delete the .pub.pem file)',
      );
    }
    opts.logger?.warn(
      { file: paths.publicKeyFile },
      'letter-signing public key file damaged: written again from the private key',
    );
  }
  if (stored !== publicKeyPem) await writeDurably(paths.publicKeyFile, publicKeyPem, 0o644);
  return { uidKey, signingKey, publicKey, publicKeyPem, keyId: keyIdOf(publicKey) };
}

function notExactly(logger: Pick<Logger, 'warn'> | undefined, file: string): void {
  logger?.warn(
    { file },
    'key file is not exactly as the kiosk wrote it (damaged?), though the key in it still reads and is used: ' +
      'restore the keys directory from its backup',
  );
}

function readsAsPublicKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/** The 32 raw bytes of an Ed25519 public key (the last 32 bytes of its SPKI DER form). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
}

/**
 * A key's short id: the first 6 bytes of SHA-256 of its raw bytes, hex. It names the key in
 * letter tokens and the district's key list; 48 bits keep a district's few thousand keys apart.
 */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 12);
}

/** The stored form of a card UID: HMAC-SHA256 (hex) of the UID bytes under the device key. */
export function cardKey(uidKey: Buffer, uid: Buffer): string {
  return createHmac('sha256', uidKey).update(uid).digest('hex');
}

/** The resident's keyed reference for MQTT and QR tokens: 'r_' + 20 hex chars. */
export function residentRef(uidKey: Buffer, nik: string): string {
  return `r_${createHmac('sha256', uidKey).update(`resident:${nik}`).digest('hex').slice(0, 20)}`;
}

function missing(file: string, key: string, configured: boolean): KioskError {
  return configured
    ? new KioskError(
        'config_invalid',
        `${key}: ${file} does not exist; fix the path or run \`anjungan provision\``,
      )
    : new KioskError(
        'data_corrupt',
        `device key ${file} is missing; run \`anjungan provision\` to create the keys`,
      );
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KioskError(
        'permission_denied',
        `cannot read key file ${file}: permission denied (the keys are readable only by the kiosk's service user): run it with sudo`,
        { cause: err },
      );
    }
    throw new KioskError('data_corrupt', `cannot read key file ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/**
 * Creates a key file that must not exist yet ('wx'): when two processes start at once, the
 * loser reads the winner's key instead of overwriting it.
 */
async function createExclusive(file: string, content: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const fh = await fs.open(file, 'wx', 0o600);
    try {
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsyncDir(path.dirname(file));
    return content;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFile(file, 'utf8');
    throw err;
  }
}

async function writeDurably(file: string, content: string, mode: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, 'w', mode);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}
