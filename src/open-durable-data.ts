/**
 * The durable data the kiosk cannot serve without, opened so that damage keeps the process up:
 * a damaged register or device key puts the kiosk out of service (`register_damaged`, *Data
 * surat rusak — hubungi petugas*) with a log line naming the file and what to do, instead of
 * ending the process, which systemd would restart in a loop (issue 9 §2).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from './config/config.ts';
import { isKioskError } from './errors.ts';
import { LetterRegister } from './letters/register.ts';
import type { Logger } from './log.ts';
import { type DeviceKeys, loadOrCreateKeys } from './store/keys.ts';

/**
 * Loads the device keys. A damaged key file keeps the kiosk up but out of service (the letter data
 * cannot be trusted), saying which file to restore: never a restart loop, and never a key made
 * anew in its place (that would unbind every card or sign letters with a key nobody knows).
 * The throwaway keys used meanwhile are never written anywhere.
 */
export async function loadKeys(
  config: Config,
  logger: Logger,
): Promise<{ keys: DeviceKeys; keysOk: boolean }> {
  try {
    return { keys: await loadOrCreateKeys(config, { logger }), keysOk: true };
  } catch (err) {
    if (!isKioskError(err, 'data_corrupt')) throw err;
    logger.fatal(
      { err: err.message },
      'DEVICE KEY DAMAGED: out of service until the keys directory is restored from its backup (docs/technician.md)',
    );
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const keys = {
      uidKey: randomBytes(32),
      signingKey: privateKey,
      publicKey,
      publicKeyPem,
      keyId: 'unavailable',
    };
    return { keys, keysOk: false };
  }
}

/**
 * Opens the letter register. A damaged one keeps the kiosk up but out of service, saying which
 * file and line and what to do: exiting would only make systemd restart it in a loop, and a kiosk
 * that cannot read its register must not give a number.
 */
export async function openRegister(
  config: Config,
  logger: Logger,
  /** The daemon's clock: the register's daily-count window and stamps follow it (RegisterOptions.now). */
  now?: () => number,
): Promise<LetterRegister> {
  const opts = { numbering: config.letters.numbering, villageCode: config.village.code, logger, now };
  try {
    return await LetterRegister.open(config.data_dir, opts);
  } catch (err) {
    if (!isKioskError(err, 'register_corrupt')) throw err;
    logger.fatal(
      { file: path.join(config.data_dir, 'register.jsonl'), err: err.message },
      'LETTER REGISTER DAMAGED: out of service until a technician repairs it (docs/technician.md, "A damaged register")',
    );
    return LetterRegister.unavailable(config.data_dir, opts, err);
  }
}
