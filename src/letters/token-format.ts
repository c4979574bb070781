/**
 * The format of the letter verification token, without any cryptography or Node API, so that
 * the kiosk (Node) and the verification page (a browser, web/verify/) share one parser.
 *
 *   AJ2.<base64url(JSON array)>.<base64url(Ed25519 signature of the ASCII text "AJ2.<body>")>
 *
 *   AJ1 array: [number, type, date, village, resident ref]             (final letters of older kiosks)
 *   AJ2 array: [number, type, policy "f"|"p", date, valid until | "",
 *               village, device id, key id, resident ref]              (every letter)
 *
 * The claims are a positional array, not an object, to keep the QR small on 58 mm paper. The
 * version prefix is inside the signed text, so a token cannot be passed off as another version.
 * None of the claims is personal: the resident appears only as a keyed reference.
 * A QR may hold `<verify_url>#<token>`: `extractToken()` takes the token out of such a URL.
 */

export type TokenVersion = 'AJ1' | 'AJ2';

/** What a token certifies, the same shape for both versions (AJ1 lacks the later fields). */
export interface LetterClaims {
  version: TokenVersion;
  number: string;
  /** Letter type id ("domisili"). */
  type: string;
  /** AJ1 does not say (it was printed on `final` letters only). */
  policy: 'final' | 'pengantar' | null;
  /** Date of issue, YYYY-MM-DD (the kiosk's local day). */
  issued: string;
  /** Last day of validity, YYYY-MM-DD; null when the letter has no validity (or AJ1). */
  valid_until: string | null;
  /** Village code, 10 digits. */
  village: string;
  /** Kiosk device id; null in AJ1. */
  device: string | null;
  /** Id of the signing key (keyIdOf in store/keys.ts); null in AJ1. */
  key_id: string | null;
  /** Keyed reference of the resident, never a NIK. */
  resident_ref: string;
}

/** A token taken apart: the text the signature covers, the signature, the claims. */
export interface ParsedToken {
  signedText: string;
  signature: Uint8Array;
  claims: LetterClaims;
}

export type TokenFailure = 'malformed' | 'wrong_version';

const B64URL = /^[A-Za-z0-9_-]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_FIELD = 80;

/** The token inside what a QR or a pasted text holds: a bare token or `<url>#<token>`. */
export function extractToken(scanned: string): string {
  const text = scanned.trim();
  const hash = text.indexOf('#');
  const token = hash >= 0 ? text.slice(hash + 1) : text;
  try {
    return decodeURIComponent(token).trim();
  } catch {
    return token.trim();
  }
}

/** The text the signature of an AJ2 token covers: `AJ2.<body>`. */
export function encodeClaimsV2(c: Omit<LetterClaims, 'version'>): string {
  const array = [
    c.number,
    c.type,
    c.policy === 'pengantar' ? 'p' : 'f',
    c.issued,
    c.valid_until ?? '',
    c.village,
    c.device ?? '',
    c.key_id ?? '',
    c.resident_ref,
  ];
  return `AJ2.${base64UrlEncode(new TextEncoder().encode(JSON.stringify(array)))}`;
}

/** The three parts of a token (or of `<url>#<token>`), before anything is decoded. */
export function tokenParts(
  token: string,
):
  | { ok: true; version: TokenVersion; body: string; signature: string }
  | { ok: false; reason: TokenFailure } {
  const parts = extractToken(token).split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [version, body, signature] = parts as [string, string, string];
  if (!/^AJ[0-9]+$/.test(version)) return { ok: false, reason: 'malformed' };
  if (version !== 'AJ1' && version !== 'AJ2') return { ok: false, reason: 'wrong_version' };
  if (!B64URL.test(body) || !B64URL.test(signature)) return { ok: false, reason: 'malformed' };
  return { ok: true, version, body, signature };
}

/**
 * Takes a token apart without checking its signature. Only the one canonical base64url spelling
 * of each part is taken: decoders ignore the unused low bits of the last character, so several
 * spellings decode alike, and only the signed one is the letter's code.
 */
export function parseToken(
  token: string,
): { ok: true; token: ParsedToken } | { ok: false; reason: TokenFailure } {
  const parts = tokenParts(token);
  if (!parts.ok) return parts;
  const body = base64UrlDecode(parts.body);
  const signature = base64UrlDecode(parts.signature);
  const claims = body ? parseClaims(parts.version, body) : null;
  if (!claims || !signature) return { ok: false, reason: 'malformed' };
  return { ok: true, token: { signedText: `${parts.version}.${parts.body}`, signature, claims } };
}

/** The claims in a token's decoded body, or null when they do not have the shape of `version`'s. */
export function parseClaims(version: TokenVersion, bytes: Uint8Array): LetterClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string' && x.length <= MAX_FIELD)) {
    return null;
  }
  const a = value as string[];
  if (version === 'AJ1') {
    if (a.length !== 5 || a.some((x) => x.length === 0)) return null;
    const [number, type, issued, village, ref] = a as [string, string, string, string, string];
    if (!DAY.test(issued)) return null;
    return {
      version,
      number,
      type,
      policy: null,
      issued,
      valid_until: null,
      village,
      device: null,
      key_id: null,
      resident_ref: ref,
    };
  }
  if (a.length !== 9) return null;
  const [number, type, policy, issued, until, village, device, keyId, ref] = a as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ([number, type, village, device, keyId, ref].some((x) => x.length === 0)) return null;
  if (policy !== 'f' && policy !== 'p') return null;
  if (!DAY.test(issued) || (until !== '' && !DAY.test(until))) return null;
  return {
    version,
    number,
    type,
    policy: policy === 'p' ? 'pengantar' : 'final',
    issued,
    valid_until: until === '' ? null : until,
    village,
    device,
    key_id: keyId,
    resident_ref: ref,
  };
}

/** base64url without padding (RFC 4648 §5), with btoa, which Node and every browser have. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A base64url text's bytes, and whether the text is their one canonical spelling; null: not base64url. */
export function decodeBase64Url(text: string): { bytes: Uint8Array; canonical: boolean } | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return { bytes, canonical: base64UrlEncode(bytes) === text };
  } catch {
    return null;
  }
}

/** The bytes of a canonical base64url text, or null when it is not one. */
export function base64UrlDecode(text: string): Uint8Array | null {
  const decoded = decodeBase64Url(text);
  return decoded?.canonical ? decoded.bytes : null;
}

/** The bytes of a standard base64 text (padding optional), or null when it is not one. */
export function base64Decode(text: string): Uint8Array | null {
  if (typeof text !== 'string' || /[-_]/.test(text)) return null;
  return base64UrlDecode(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
}
