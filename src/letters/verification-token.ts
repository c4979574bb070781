/**
 * Signing and checking the verification token of a letter with Node's crypto (the format itself
 * is in token-format.ts, shared with the verification page). Every letter, `final` and
 * `pengantar`, carries an AJ2 token signed with the kiosk's Ed25519 key; AJ1 tokens printed by
 * older kiosks still verify. The check needs only the kiosk's public key, no network.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { encodeClaimsV2, type LetterClaims, parseToken, type TokenFailure } from './token-format.ts';

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
 * Checks a token (or `<url>#<token>`) read from a letter. `reason` is `malformed` (not a token,
 * or claims of the wrong shape), `wrong_version` (a newer kiosk's format), `bad_signature`
 * (altered, or signed by another key).
 */
export function verifyToken(token: string, publicKey: KeyObject): TokenCheck {
  const parsed = parseToken(token);
  if (!parsed.ok) return parsed;
  const { signedText, signature, claims } = parsed.token;
  if (signature.length !== 64) return { ok: false, reason: 'bad_signature' };
  let valid = false;
  try {
    valid = verify(null, Buffer.from(signedText, 'ascii'), publicKey, signature);
  } catch {
    valid = false; // a key of another type (not Ed25519) cannot verify this token
  }
  return valid ? { ok: true, claims } : { ok: false, reason: 'bad_signature' };
}

/** The claims of a token without checking the signature (to show what a bad token claims). */
export function peekClaims(token: string): LetterClaims | null {
  const parsed = parseToken(token);
  return parsed.ok ? parsed.token.claims : null;
}
