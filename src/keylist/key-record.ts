/**
 * This kiosk's entry for the district's key list (`anjungan keys export`): public facts only.
 */
import { statSync } from 'node:fs';
import type { Config } from '../config/config.ts';
import { loadLetterTypes } from '../letters/letter-types.ts';
import { type DeviceKeys, keyPaths, rawPublicKey } from '../store/keys.ts';
import type { KeyRecord } from './keylist.ts';

export function kioskKeyRecord(config: Config, keys: DeviceKeys): KeyRecord {
  return {
    village_code: config.village.code,
    village_name: config.village.name,
    village_kind: config.village.kind,
    kecamatan: config.village.kecamatan,
    kabupaten: config.village.kabupaten,
    province: config.village.province,
    device_id: config.device.id,
    key_id: keys.keyId,
    public_key: rawPublicKey(keys.publicKey).toString('base64'),
    // The key file's modification time: when provisioning (or a restore) put the key there.
    valid_from: statSync(keyPaths(config).signingKeyFile).mtime.toISOString(),
    letter_types: Object.fromEntries(loadLetterTypes(config.letters.types).map((t) => [t.id, t.title])),
  };
}
