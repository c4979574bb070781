/**
 * Kiosk keys, district keys and signed key lists for the verification tests: real Ed25519 pairs,
 * lists signed the way `anjungan district keylist` signs them.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import type { KeyListPayload, KeyRecord, SignedKeyList } from '../../src/keylist/keylist.ts';
import { signKeyList } from '../../src/keylist/keylist-store.ts';
import type { Ed25519Verify } from '../../src/keylist/verdict.ts';
import { keyIdOf, rawPublicKey } from '../../src/store/keys.ts';

/** node:crypto behind the page's verify signature. */
export const nodeVerify: Ed25519Verify = async (publicKey, signature, message) => {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey)]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
};

export interface Kiosk {
  privateKey: KeyObject;
  record: KeyRecord;
}

/** A kiosk of Desa Hanura (or another village) with a fresh key. */
export function makeKiosk(over: Partial<KeyRecord> = {}): Kiosk {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    record: {
      village_code: '1809102004',
      village_name: 'Hanura',
      village_kind: 'desa',
      kecamatan: 'Teluk Pandan',
      kabupaten: 'Pesawaran',
      province: 'Lampung',
      device_id: 'kiosk-01',
      key_id: keyIdOf(publicKey),
      public_key: rawPublicKey(publicKey).toString('base64'),
      valid_from: '2026-01-01T00:00:00.000Z',
      letter_types: { domisili: 'SURAT KETERANGAN DOMISILI', sktm: 'SURAT KETERANGAN TIDAK MAMPU' },
      revoked_at: null,
      ...over,
    },
  };
}

/** A list with `keys`, signed by `district` with serial `serial`. */
export function signedList(
  district: KeyObject,
  keys: KeyRecord[],
  over: Partial<KeyListPayload> = {},
  serial = 1,
): SignedKeyList {
  const payload: KeyListPayload = {
    format: 'anjungan-keylist-1',
    serial: serial - 1,
    updated_at: '',
    keys,
    revoked_letters: [],
    ...over,
  };
  return signKeyList(payload, district, new Date());
}
