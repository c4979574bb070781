/**
 * The verification token printed as a QR code on `final` letters: the letter's number, type,
 * date, village code and resident reference, signed with the village's Ed25519 key. It is
 * checked offline with the village's public key (`anjungan verify`), so no network is needed.
 *
 *   AJ1.<base64url(JSON array of claims)>.<base64url(Ed25519 signature)>
 *
 * The claims are a positional JSON array, not an object, to keep the QR small on 58 mm paper
 * (about 220 characters: a version 10 QR, 57 modules). The signature covers the ASCII text
 * `AJ1.<claims>`, so the version prefix is signed too.
 */
import { type KeyObject, sign, verify } from 'node:crypto';

export interface TokenClaims {
  /** Letter number. */
  n: string;
  /** Letter type id. */
  t: string;
  /** Letter date YYYY-MM-DD. */
  d: string;
  /** Village code (10 digits). */
  v: string;
  /** Resident reference (keyed hash of the NIK). */
  r: string;
}

export const TOKEN_VERSION = 'AJ1';

export type TokenFailure = 'malformed' | 'wrong_version' | 'bad_signature';

const B64URL = /^[A-Za-z0-9_-]+$/;
const ORDER = ['n', 't', 'd', 'v', 'r'] as const;

/** Signs the claims: a compact token for the letter's QR code. */
export function signToken(claims: TokenClaims, privateKey: KeyObject): string {
  const body = Buffer.from(JSON.stringify(ORDER.map((k) => claims[k])), 'utf8').toString('base64url');
  const signed = `${TOKEN_VERSION}.${body}`;
  const signature = sign(null, Buffer.from(signed, 'ascii'), privateKey).toString('base64url');
  return `${signed}.${signature}`;
}

/**
 * Checks a token read from a letter. `reason` is one of `malformed` (not a token at all),
 * `wrong_version` (another format or a newer kiosk), `bad_signature` (altered, or signed by
 * another village's key). The signature is checked before the claims are read, so a changed
 * character inside the claims reads as altered, not as "not a token".
 */
export function verifyToken(
  token: string,
  publicKey: KeyObject,
): { ok: true; claims: TokenClaims } | { ok: false; reason: string } {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [version, body, signature] = parts as [string, string, string];
  if (!/^AJ[0-9]+$/.test(version)) return { ok: false, reason: 'malformed' };
  if (version !== TOKEN_VERSION) return { ok: false, reason: 'wrong_version' };
  if (!B64URL.test(body) || !B64URL.test(signature)) return { ok: false, reason: 'malformed' };
  // Node's base64url decoder ignores the unused low bits of the last character, so `…DA` and
  // `…DB` decode alike: only the one canonical spelling of the bytes is the code that was signed.
  const bodyBytes = Buffer.from(body, 'base64url');
  const sig = Buffer.from(signature, 'base64url');
  // No signature at all (not 64 bytes): a damaged or incomplete code, unless its claims read.
  if (sig.length !== 64) return { ok: false, reason: parseClaims(bodyBytes) ? 'bad_signature' : 'malformed' };
  if (!isCanonical(body, bodyBytes) || !isCanonical(signature, sig))
    return { ok: false, reason: 'bad_signature' };

  let valid = false;
  try {
    valid = verify(null, Buffer.from(`${version}.${body}`, 'ascii'), publicKey, sig);
  } catch {
    valid = false; // a key of another type (not Ed25519) cannot verify this token
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const claims = parseClaims(bodyBytes);
  return claims ? { ok: true, claims } : { ok: false, reason: 'malformed' };
}

/** The claims of a token without checking the signature (to show what a bad token claims). */
export function peekClaims(token: string): TokenClaims | null {
  const body = token.trim().split('.')[1];
  return body && B64URL.test(body) ? parseClaims(Buffer.from(body, 'base64url')) : null;
}

/** Whether `text` is the one canonical base64url spelling of `bytes` (re-encode and compare). */
function isCanonical(text: string, bytes: Buffer): boolean {
  return bytes.toString('base64url') === text;
}

function parseClaims(body: Buffer): TokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== ORDER.length) return null;
  if (!value.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 80)) return null;
  const [n, t, d, v, r] = value as [string, string, string, string, string];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  return { n, t, d, v, r };
}
