/**
 * Card UIDs as technicians and files write them. Hex ("04A1B2C3D4E5F6", "04:a1:b2:…") is the
 * project's own form; OpenSID's `tag_id_card` is the decimal number a keyboard-mode reader typed
 * (up to 10 digits for a 4-byte UID, 17 for a 7-byte one), big-endian.
 */
import { KioskError } from '../errors.ts';
import { decimalToUid } from '../hardware/card-reader.hid.ts';

const MAX_7 = (1n << 56n) - 1n;

/** Parses a hex UID of 4, 7 or 10 bytes (separators `:`, `-`, space allowed). */
export function parseHexUid(text: string): Buffer {
  const hex = text.trim().replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || ![8, 14, 20].includes(hex.length)) {
    throw new KioskError(
      'usage',
      `card UID '${text}' must be 4, 7 or 10 bytes in hex (8, 14 or 20 hex digits, e.g. 04A1B2C3D4E5F6)`,
    );
  }
  return Buffer.from(hex, 'hex');
}

/**
 * Turns a decimal `tag_id_card` into UID bytes: a value that fits 4 bytes and was typed with at
 * most 10 digits is a 4-byte UID; anything larger up to 2^56 - 1 is a 7-byte UID (a 10-digit
 * value above 4294967295 cannot come from a 4-byte card, so it is read as a 7-byte one).
 */
export function uidFromDecimal(text: string): Buffer {
  const digits = text.trim();
  if (!/^\d{1,17}$/.test(digits)) {
    throw new KioskError(
      'import_invalid',
      `tag_id_card '${text}' must be the card number in decimal digits (up to 17)`,
    );
  }
  const value = BigInt(digits);
  if (value === 0n) throw new KioskError('import_invalid', `tag_id_card '${text}' is zero`);
  if (value > MAX_7) {
    throw new KioskError('import_invalid', `tag_id_card '${text}' is larger than a 7-byte card UID can be`);
  }
  // The keyboard-reader adapter decodes typed digits with the same function, so a card imported
  // from OpenSID matches the card when it is tapped.
  return decimalToUid(digits, false)!;
}

/** Upper-case hex without separators, the form the CLI prints. */
export function uidHex(uid: Buffer): string {
  return uid.toString('hex').toUpperCase();
}
