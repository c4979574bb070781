/**
 * Ed25519 signatures over JSON payloads, one scheme for every signed thing in the project
 * (district commands, the verification key list, release manifests):
 *
 *   signature = Ed25519( UTF-8( <purpose prefix> "\n" <RFC 8785 (JCS) encoding of the payload> ) )
 *
 * The purpose prefix (`anjungan-cmd-v2`, `anjungan-keylist-v1`, `anjungan-release-v1`) is signed,
 * so a signature made for one purpose never verifies for another. JCS (sorted keys, no spaces,
 * minimal string escapes, ECMAScript number form) is what any language's JCS library, or
 * Python's `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` for texts,
 * integers and booleans, produces byte for byte: hand-written "canonical JSON" is not.
 * Signatures travel as standard base64 (88 characters with padding).
 */
import { createPrivateKey, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';

const PREFIX = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The exact bytes signed for `payload` under `prefix`. Throws for a value JSON cannot hold. */
export function signedMessage(prefix: string, payload: unknown): Buffer {
  if (!PREFIX.test(prefix))
    throw new Error(`signature prefix '${prefix}' must be lower-case words joined by '-'`);
  const jcs = canonicalize(payload);
  if (jcs === undefined) throw new Error('the payload has no JSON form');
  return Buffer.from(`${prefix}\n${jcs}`, 'utf8');
}

/** Signs `payload` for the purpose `prefix`: base64 Ed25519 signature. */
export function signPayload(prefix: string, payload: unknown, privateKey: KeyObject | string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`signing needs an Ed25519 key, not ${key.asymmetricKeyType}`);
  return sign(null, signedMessage(prefix, payload), key).toString('base64');
}

/**
 * Whether `signature` (base64) is `publicKey`'s signature of `payload` for the purpose `prefix`.
 * Never throws: a malformed signature, a key of another type or a payload without a JSON form is
 * simply not a match. Only the canonical base64 spelling of 64 bytes is accepted (a decoder that
 * ignores unused bits must not make two texts one signature).
 */
export function verifyPayload(
  prefix: string,
  payload: unknown,
  signature: string,
  publicKey: KeyObject,
): boolean {
  try {
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
    return verify(null, signedMessage(prefix, payload), publicKey, bytes);
  } catch {
    return false;
  }
}
