/**
 * Signing and checking the verification token of a letter with Node's crypto (the format itself
 * is in token-format.ts, shared with the verification page). Every letter, `final` and
 * `pengantar`, carries an AJ2 token signed with the kiosk's Ed25519 key; AJ1 tokens printed by
 * older kiosks still verify. The check needs only the kiosk's public key, no network.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import {
  decodeBase64Url,
  encodeClaimsV2,
  type LetterClaims,
  parseClaims,
  type TokenFailure,
  tokenParts,
} from './token-format.ts';

export type { LetterClaims } from './token-format.ts';

/** What the kiosk signs: every claim but the version (always AJ2). */
export type NewTokenClaims = Omit<LetterClaims, 'version'>;

export type TokenCheck =
  | { ok: true; claims: LetterClaims }
  | { ok: false; reason: TokenFailure | 'bad_signature' };

/** Signs the claims as an AJ2 token for the letter's QR code. */
export function signToken(claims: NewTokenClaims, privateKey: KeyObject): string {
  const signed = encodeClaimsV2(claims);
  const signature = sign(null, Buffer.from(signed, 'ascii'), privateKey).toString('base64url');
  return `${signed}.${signature}`;
}

/**
 * Checks a token (or `<url>#<token>`) read from a letter. `reason` is `malformed` (not a token
 * at all), `wrong_version` (a newer kiosk's format), `bad_signature` (altered, or signed by
 * another key). The signature is checked before the claims are read, so a changed character
 * inside the claims reads as altered, not as "not a token"; only the canonical base64url spelling
 * of each part is the signed code (decoders ignore the unused bits of the last character).
 */
export function verifyToken(token: string, publicKey: KeyObject): TokenCheck {
  const parts = tokenParts(token);
  if (!parts.ok) return parts;
  const body = decodeBase64Url(parts.body);
  const signature = decodeBase64Url(parts.signature);
  const claims = body ? parseClaims(parts.version, body.bytes) : null;
  // No signature at all (not 64 bytes): a damaged or incomplete code, unless its claims read.
  if (signature?.bytes.length !== 64) {
    return { ok: false, reason: claims ? 'bad_signature' : 'malformed' };
  }
  if (!body?.canonical || !signature.canonical) return { ok: false, reason: 'bad_signature' };
  let valid = false;
  try {
    valid = verify(null, Buffer.from(`${parts.version}.${parts.body}`, 'ascii'), publicKey, signature.bytes);
  } catch {
    valid = false; // a key of another type (not Ed25519) cannot verify this token
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  return claims ? { ok: true, claims } : { ok: false, reason: 'malformed' };
}

/** The claims of a token without checking the signature (to show what a bad token claims). */
export function peekClaims(token: string): LetterClaims | null {
  const parts = tokenParts(token);
  if (!parts.ok) return null;
  const body = decodeBase64Url(parts.body);
  return body ? parseClaims(parts.version, body.bytes) : null;
}
