/**
 * Which key list the verification page trusts: the one embedded in it, or a fetched
 * `keys.json` when that one is signed by the same district key and has a higher serial. A
 * fetched list that is unsigned, badly signed or older is ignored, and the page says so
 * (someone may be feeding it a forged list). Pure, no Node API; the Ed25519 check is passed in.
 */
import { KEYLIST_PREFIX, signedText } from '../crypto/signed-text.ts';
import { base64Decode } from '../letters/token-format.ts';
import { keyListProblem, type SignedKeyList } from './keylist.ts';
import type { Ed25519Verify } from './verdict.ts';

/** True when `value` is a key list signed by the district key (raw, base64). */
export async function isSignedKeyList(
  value: unknown,
  districtKey: string,
  verify: Ed25519Verify,
): Promise<boolean> {
  if (keyListProblem(value) !== null) return false;
  const { payload, signature } = value as SignedKeyList;
  const key = base64Decode(districtKey);
  const sig = base64Decode(signature);
  if (!key || !sig || sig.length !== 64) return false;
  try {
    return await verify(key, sig, new TextEncoder().encode(signedText(KEYLIST_PREFIX, payload)));
  } catch {
    return false;
  }
}

/** The list to use after fetching `fetched`, and the notice (Bahasa Indonesia) when it was ignored. */
export async function chooseKeyList(
  current: SignedKeyList,
  fetched: unknown,
  districtKey: string,
  verify: Ed25519Verify,
): Promise<{ list: SignedKeyList; notice: string | null }> {
  if (!(await isSignedKeyList(fetched, districtKey, verify))) {
    const unsigned = keyListProblem(fetched) === 'unsigned';
    return {
      list: current,
      notice: unsigned
        ? 'Daftar kunci yang diunduh tidak bertanda tangan kabupaten dan diabaikan.'
        : 'Daftar kunci yang diunduh tidak sah (tanda tangan kabupaten tidak cocok) dan diabaikan.',
    };
  }
  const next = fetched as SignedKeyList;
  if (next.payload.serial < current.payload.serial) {
    return {
      list: current,
      notice: `Daftar kunci yang diunduh lebih lama (nomor ${next.payload.serial}) dari yang dipakai halaman ini (nomor ${current.payload.serial}) dan diabaikan.`,
    };
  }
  return { list: next.payload.serial > current.payload.serial ? next : current, notice: null };
}
