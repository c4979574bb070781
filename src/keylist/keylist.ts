/**
 * The district's verification key list: every kiosk's letter-signing public key, with the public
 * names of its village, and the letters the villages withdrew. The district signs it with its
 * command key (`anjungan-keylist-v1` + JCS); the verification page trusts only a list that
 * verifies against the district key embedded in it. No Node API here: the page imports it.
 *
 *   { "payload": KeyListPayload, "signature": "<base64 Ed25519>" }
 */

/** A kiosk's key, as `anjungan keys export` prints it. Public facts only. */
export interface KeyRecord {
  village_code: string;
  /** "Hanura" */
  village_name: string;
  village_kind: 'desa' | 'kelurahan';
  kecamatan: string;
  kabupaten: string;
  province: string;
  device_id: string;
  /** keyIdOf(): first 6 bytes of SHA-256 of the raw key, hex. */
  key_id: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  public_key: string;
  /** ISO time the key was created (letters before it cannot be its). */
  valid_from: string;
  /** Letter type id → printed title, as the kiosk was configured when exported. */
  letter_types?: Record<string, string>;
  /** Set by `keylist revoke-key`: from this time the key signs nothing genuine. */
  revoked_at?: string | null;
}

/** A letter withdrawn by its village (`anjungan letters revoke`, then `keylist revoke-letter`). */
export interface RevokedLetter {
  village_code: string;
  device_id: string;
  number: string;
  revoked_at: string;
  reason?: string;
}

export interface KeyListPayload {
  format: 'anjungan-keylist-1';
  /** Increases with every change; a page takes a fetched list only when its serial is higher. */
  serial: number;
  updated_at: string;
  keys: KeyRecord[];
  revoked_letters: RevokedLetter[];
}

export interface SignedKeyList {
  payload: KeyListPayload;
  signature: string;
}

export const KEYLIST_FORMAT = 'anjungan-keylist-1';

const B64_KEY = /^[A-Za-z0-9+/]{43}=$/;
const KEY_ID = /^[0-9a-f]{12}$/;
const VILLAGE = /^[0-9]{10}$/;
const DEVICE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why `value` is not a key record, or null when it is one. */
export function keyRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  const text = (k: string) => typeof r[k] === 'string' && (r[k] as string).trim() !== '';
  if (typeof r.village_code !== 'string' || !VILLAGE.test(r.village_code)) return 'village_code: 10 digits';
  for (const k of ['village_name', 'kecamatan', 'kabupaten', 'province', 'valid_from']) {
    if (!text(k)) return `${k}: missing`;
  }
  if (r.village_kind !== 'desa' && r.village_kind !== 'kelurahan') return 'village_kind: desa or kelurahan';
  if (typeof r.device_id !== 'string' || !DEVICE.test(r.device_id)) return 'device_id: invalid';
  if (typeof r.key_id !== 'string' || !KEY_ID.test(r.key_id)) return 'key_id: 12 hex digits';
  if (typeof r.public_key !== 'string' || !B64_KEY.test(r.public_key)) return 'public_key: 32 bytes, base64';
  if (Number.isNaN(Date.parse(r.valid_from as string))) return 'valid_from: not a time';
  if (r.revoked_at != null && (typeof r.revoked_at !== 'string' || Number.isNaN(Date.parse(r.revoked_at)))) {
    return 'revoked_at: not a time';
  }
  if (r.letter_types !== undefined) {
    const t = r.letter_types;
    if (typeof t !== 'object' || t === null || Object.values(t).some((x) => typeof x !== 'string')) {
      return 'letter_types: an object of titles';
    }
  }
  return null;
}

/** Why `value` is not a signed key list, or null when it has the shape of one. */
export function keyListProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const { payload, signature } = value as Partial<SignedKeyList>;
  if (typeof signature !== 'string' || signature === '') return 'unsigned';
  if (typeof payload !== 'object' || payload === null) return 'no payload';
  if (payload.format !== KEYLIST_FORMAT) return `format is not ${KEYLIST_FORMAT}`;
  if (!Number.isInteger(payload.serial) || payload.serial < 1) return 'serial: a positive integer';
  if (!Array.isArray(payload.keys) || !Array.isArray(payload.revoked_letters))
    return 'keys / revoked_letters';
  for (const [i, key] of payload.keys.entries()) {
    const problem = keyRecordProblem(key);
    if (problem) return `keys[${i}]: ${problem}`;
  }
  for (const [i, l] of payload.revoked_letters.entries()) {
    if (
      typeof l?.number !== 'string' ||
      typeof l.village_code !== 'string' ||
      typeof l.device_id !== 'string'
    ) {
      return `revoked_letters[${i}]: village_code, device_id, number`;
    }
  }
  return null;
}

/** "1809102004/kiosk-01": how a kiosk is named on the command line. */
export function kioskName(r: { village_code: string; device_id: string }): string {
  return `${r.village_code}/${r.device_id}`;
}
