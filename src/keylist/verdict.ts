/**
 * The verification page's judgement of a scanned letter code against the district's key list.
 * Pure and without Node APIs (the page bundles it; the tests run it in Node): the Ed25519 check
 * is passed in, WebCrypto in the browser, node:crypto in tests.
 *
 *   parse → key by key id (AJ2) or village (AJ1) → signature → kiosk revoked? → letter
 *   revoked? → validity ended? → ASLI
 */
import { base64Decode, type LetterClaims, parseToken } from '../letters/token-format.ts';
import type { KeyListPayload, KeyRecord, RevokedLetter } from './keylist.ts';

export type Verdict = 'ASLI' | 'TIDAK SAH' | 'KUNCI TIDAK DIKENAL' | 'DICABUT' | 'KEDALUWARSA';

export interface Judgement {
  verdict: Verdict;
  /** One sentence in Bahasa Indonesia: why. */
  detail: string;
  /** What the letter certifies; shown only when the signature is right. */
  claims: LetterClaims | null;
  /** The kiosk key that signed it (names of the village, kecamatan, kabupaten). */
  key: KeyRecord | null;
  revocation: RevokedLetter | null;
}

/** Checks an Ed25519 signature: raw 32-byte public key, 64-byte signature, message bytes. */
export type Ed25519Verify = (
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
) => Promise<boolean>;

/** `today` is the phone's local day, YYYY-MM-DD. */
export async function judgeToken(
  scanned: string,
  list: KeyListPayload,
  today: string,
  verify: Ed25519Verify,
): Promise<Judgement> {
  const none = { claims: null, key: null, revocation: null };
  const parsed = parseToken(scanned);
  if (!parsed.ok) {
    const detail =
      parsed.reason === 'wrong_version'
        ? 'Kode ini dibuat oleh versi anjungan yang lebih baru dari halaman ini. Muat ulang halaman saat ada internet.'
        : 'Kode ini rusak atau bukan kode surat anjungan desa.';
    return { verdict: 'TIDAK SAH', detail, ...none };
  }
  const { claims, signature, signedText } = parsed.token;
  const candidates = list.keys.filter((k) =>
    claims.key_id === null ? k.village_code === claims.village : k.key_id === claims.key_id,
  );
  if (candidates.length === 0) {
    return {
      verdict: 'KUNCI TIDAK DIKENAL',
      detail:
        'Anjungan yang membuat surat ini tidak ada dalam daftar kunci kabupaten. Keaslian tidak dapat dipastikan.',
      ...none,
    };
  }
  const message = new TextEncoder().encode(signedText);
  let key: KeyRecord | null = null;
  for (const candidate of candidates) {
    const raw = base64Decode(candidate.public_key);
    if (raw && signature.length === 64 && (await verify(raw, signature, message))) {
      key = candidate;
      break;
    }
  }
  // The device id is not compared: it is signed by the key, and a kiosk renamed in its config keeps
  // its key (the list then names it by its new id). A key of another village is never right.
  if (!key || key.village_code !== claims.village) {
    return {
      verdict: 'TIDAK SAH',
      detail: 'Segel elektronik tidak cocok: isi kode telah diubah atau bukan dari anjungan desa ini.',
      ...none,
    };
  }
  const judged = { claims, key, revocation: null };
  if (key.revoked_at && claims.issued >= key.revoked_at.slice(0, 10)) {
    return {
      verdict: 'DICABUT',
      detail: `Kunci anjungan ini dicabut sejak ${key.revoked_at.slice(0, 10)}; surat bertanggal sesudahnya tidak sah.`,
      ...judged,
    };
  }
  const revocation =
    list.revoked_letters.find(
      (r) =>
        r.village_code === claims.village &&
        r.number === claims.number &&
        (claims.device === null || r.device_id === claims.device),
    ) ?? null;
  if (revocation) {
    return {
      verdict: 'DICABUT',
      detail: `Surat ini dicabut oleh ${kantor(key)} pada ${revocation.revoked_at.slice(0, 10)}.`,
      ...judged,
      revocation,
    };
  }
  if (claims.valid_until !== null && claims.valid_until < today) {
    return {
      verdict: 'KEDALUWARSA',
      detail: 'Surat ini asli, tetapi masa berlakunya sudah habis.',
      ...judged,
    };
  }
  return {
    verdict: 'ASLI',
    detail: `Surat ini diterbitkan oleh anjungan ${kantor(key).replace(/^Kantor /, '')} dan isinya tidak diubah.`,
    ...judged,
  };
}

/** "Kantor Desa Hanura" / "Kantor Kelurahan …". */
export function kantor(key: KeyRecord): string {
  return `Kantor ${key.village_kind === 'kelurahan' ? 'Kelurahan' : 'Desa'} ${key.village_name}`;
}
