/**
 * Ed25519 verification in the browser: WebCrypto where the browser has it (Chromium 137+,
 * Firefox 129+, Safari 17+), otherwise @noble/ed25519 with @noble/hashes' SHA-512, which also
 * works where `crypto.subtle` is missing (a page served over plain http).
 */
import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import type { Ed25519Verify } from '../../src/keylist/verdict.ts';

noble.hashes.sha512 = sha512;

let webCrypto: boolean | null = null;

/** Which implementation verified last ("WebCrypto" / "noble"), for the page's small print. */
export function engine(): string {
  return webCrypto ? 'WebCrypto' : 'noble-ed25519';
}

export const verifyEd25519: Ed25519Verify = async (publicKey, signature, message) => {
  if (webCrypto !== false && globalThis.crypto?.subtle) {
    try {
      // Copies: WebCrypto takes views of a plain ArrayBuffer only.
      const key = await crypto.subtle.importKey(
        'raw',
        new Uint8Array(publicKey),
        { name: 'Ed25519' },
        false,
        ['verify'],
      );
      const ok = await crypto.subtle.verify(
        { name: 'Ed25519' },
        key,
        new Uint8Array(signature),
        new Uint8Array(message),
      );
      webCrypto = true;
      return ok;
    } catch {
      webCrypto = false; // no Ed25519 in this browser's WebCrypto (or a key it refuses)
    }
  }
  try {
    return noble.verify(signature, message, publicKey);
  } catch {
    return false;
  }
};
