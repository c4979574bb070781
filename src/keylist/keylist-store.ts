/**
 * The district's key list file (`anjungan district keylist … --list FILE --key FILE`): read and
 * checked against the district key, changed, re-signed with a higher serial, written durably.
 * A list that does not verify is never re-signed: that would launder a tampered file.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { signPayload, verifyPayload } from '../crypto/signed-payload.ts';
import { KEYLIST_PREFIX } from '../crypto/signed-text.ts';
import { errorMessage, KioskError } from '../errors.ts';
import {
  KEYLIST_FORMAT,
  type KeyListPayload,
  type KeyRecord,
  keyListProblem,
  keyRecordProblem,
  kioskName,
  type SignedKeyList,
} from './keylist.ts';

/** The district's key pair from its private PEM (the file of `anjungan command keygen`). */
export async function readDistrictKey(
  file: string,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new KioskError(
      'config_unreadable',
      `cannot read the district private key ${file}: ${errorMessage(err)}`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KioskError(
      'config_invalid',
      `${file} holds a ${privateKey.asymmetricKeyType} key; it must be Ed25519`,
    );
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The raw district public key, base64: embedded in the page as its trust anchor. */
export function rawKeyBase64(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

/** Checks a parsed list: shape and the district's signature. Returns why not, or null. */
export function signedListProblem(value: unknown, districtKey: KeyObject): string | null {
  const problem = keyListProblem(value);
  if (problem) return problem;
  const { payload, signature } = value as SignedKeyList;
  return verifyPayload(KEYLIST_PREFIX, payload, signature, districtKey)
    ? null
    : 'the signature does not match the district key';
}

/** Reads the list; an absent file is an empty list at serial 0. Throws when it does not verify. */
export async function readKeyList(file: string, districtKey: KeyObject): Promise<KeyListPayload> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { format: KEYLIST_FORMAT, serial: 0, updated_at: '', keys: [], revoked_letters: [] };
    }
    throw new KioskError('data_corrupt', `cannot read the key list ${file}: ${errorMessage(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new KioskError('data_corrupt', `${file} is not JSON: ${errorMessage(err)}`);
  }
  const problem = signedListProblem(value, districtKey);
  if (problem) {
    throw new KioskError(
      'data_corrupt',
      `${file} is not a key list signed by this district key (${problem}); restore it from a backup`,
    );
  }
  return (value as SignedKeyList).payload;
}

/** Signs `payload` with the next serial and the current time. */
export function signKeyList(payload: KeyListPayload, privateKey: KeyObject, now: Date): SignedKeyList {
  const next: KeyListPayload = { ...payload, serial: payload.serial + 1, updated_at: now.toISOString() };
  return { payload: next, signature: signPayload(KEYLIST_PREFIX, next, privateKey) };
}

/**
 * Adds kiosk key records. A known key id updates the names (a village renamed in config); a
 * kiosk with a new key (a reinstalled SD card) gets a second record: the old key stays, for the
 * letters it signed. A key id whose public key differs is refused.
 */
export function addKeys(list: KeyListPayload, records: unknown[]): { list: KeyListPayload; added: string[] } {
  const keys = [...list.keys];
  const added: string[] = [];
  for (const [i, value] of records.entries()) {
    const problem = keyRecordProblem(value);
    if (problem)
      throw new KioskError('config_invalid', `record ${i + 1} is not a kiosk key record: ${problem}`);
    const record = value as KeyRecord;
    const at = keys.findIndex((k) => k.key_id === record.key_id);
    if (at < 0) {
      keys.push({ ...record, revoked_at: null });
      added.push(`${kioskName(record)} key ${record.key_id}`);
      continue;
    }
    const known = keys[at]!;
    if (known.public_key !== record.public_key) {
      throw new KioskError(
        'config_invalid',
        `key id ${record.key_id} is already in the list with another public key`,
      );
    }
    keys[at] = { ...record, revoked_at: known.revoked_at ?? null };
  }
  return { list: { ...list, keys }, added };
}

/** Marks every key of the kiosk `<village>/<device>` revoked from `now`; they stay in the list. */
export function revokeKey(
  list: KeyListPayload,
  kiosk: string,
  now: Date,
): { list: KeyListPayload; revoked: string[] } {
  const revoked: string[] = [];
  const keys = list.keys.map((k) => {
    if (kioskName(k) !== kiosk || k.revoked_at) return k;
    revoked.push(k.key_id);
    return { ...k, revoked_at: now.toISOString() };
  });
  if (!list.keys.some((k) => kioskName(k) === kiosk)) {
    throw new KioskError('config_invalid', `no kiosk ${kiosk} in the key list (see its keys with build)`);
  }
  return { list: { ...list, keys }, revoked };
}

/** Adds a withdrawn letter of the kiosk `<village>/<device>` (once). */
export function revokeLetter(
  list: KeyListPayload,
  kiosk: string,
  number: string,
  reason: string | undefined,
  now: Date,
): KeyListPayload {
  const [village_code = '', device_id = ''] = kiosk.split('/');
  if (!list.keys.some((k) => kioskName(k) === kiosk)) {
    throw new KioskError('config_invalid', `no kiosk ${kiosk} in the key list`);
  }
  if (list.revoked_letters.some((r) => kioskName(r) === kiosk && r.number === number)) return list;
  const entry = {
    village_code,
    device_id,
    number,
    revoked_at: now.toISOString(),
    ...(reason ? { reason } : {}),
  };
  return { ...list, revoked_letters: [...list.revoked_letters, entry] };
}

/** Why `next` may not replace `previous` (a deployed list): lost keys or a lower serial. */
export function replacementProblem(previous: KeyListPayload, next: KeyListPayload): string | null {
  const ids = new Set(next.keys.map((k) => k.key_id));
  const lost = previous.keys.filter((k) => !ids.has(k.key_id));
  if (lost.length > 0) {
    return `lost ${lost.length} key(s) the deployed list has (${lost.map((k) => `${kioskName(k)} ${k.key_id}`).join(', ')}); letters they signed would no longer verify`;
  }
  if (next.serial < previous.serial)
    return `has serial ${next.serial}, lower than the deployed ${previous.serial}`;
  return null;
}
