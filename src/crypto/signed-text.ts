/**
 * What a signed payload's signature covers, without any Node API so that the verification page
 * (a browser) builds the same bytes:
 *
 *   <purpose prefix> "\n" <RFC 8785 (JCS) encoding of the payload>
 *
 * The prefix names what the signature is for (`anjungan-cmd-v2`, `anjungan-keylist-v1`,
 * `anjungan-release-v1`), so a signature made for one purpose never verifies for another. JCS
 * (through the `canonicalize` library) makes both sides serialise the payload identically.
 */
import canonicalize from 'canonicalize';

export const KEYLIST_PREFIX = 'anjungan-keylist-v1';

/** The UTF-8 text that is signed for `payload` under `prefix`. */
export function signedText(prefix: string, payload: unknown): string {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`invalid signature purpose prefix '${prefix}'`);
  const json = canonicalize(payload);
  if (json === undefined) throw new Error('the payload cannot be encoded as JSON');
  return `${prefix}\n${json}`;
}
