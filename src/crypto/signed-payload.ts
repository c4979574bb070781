/**
 * Ed25519 signatures over a purpose prefix and the JCS encoding of a payload (see
 * signed-text.ts and docs/mqtt.md / docs/district.md): the one signer of district commands
 * (`anjungan-cmd-v2`) and of the verification key list (`anjungan-keylist-v1`).
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { signedText } from './signed-text.ts';

/** The base64 Ed25519 signature of `payload` for the purpose `prefix`. */
export function signPayload(prefix: string, payload: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(signedText(prefix, payload), 'utf8'), privateKey).toString('base64');
}

/** True when `signature` (base64) signs `payload` for `prefix` with `publicKey`; never throws. */
export function verifyPayload(
  prefix: string,
  payload: unknown,
  signature: string,
  publicKey: KeyObject,
): boolean {
  if (typeof signature !== 'string') return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, Buffer.from(signedText(prefix, payload), 'utf8'), publicKey, bytes);
  } catch {
    return false; // a payload JCS cannot encode, or a key that is not Ed25519
  }
}
