/**
 * Garbage campaign, target "pcsc_answers" (issue 9, §3): any answer a PC/SC reader may give to
 * GET DATA (UID) — random bytes, UIDs of any length, any status word, random-UID cards, nothing —
 * through the adapter's parsing (uid-response.ts, which card-reader.pcsc.ts acts on):
 *
 *   - it never throws;
 *   - a UID only for `<4, 7 or 10 bytes> 90 00`, equal to those bytes, not a random (08…) UID,
 *     and a copy (the reader's buffer may be reused);
 *   - fewer than two bytes is "no status word" (the card left); anything else a card error whose
 *     detail names the status word or length, never the card's bytes (it goes to the log).
 */
import fc from 'fast-check';
import { parseUidResponse } from '../../src/hardware/uid-response.ts';

const statusWord = fc.oneof(
  { weight: 3, arbitrary: fc.constant([0x90, 0x00]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom([0x63, 0x00], [0x6a, 0x81], [0x6d, 0x00], [0x90, 0x01], [0x00, 0x90]),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })) },
);
const body = fc.oneof(
  fc.uint8Array({ minLength: 4, maxLength: 4 }),
  fc.uint8Array({ minLength: 7, maxLength: 7 }),
  fc.uint8Array({ minLength: 10, maxLength: 10 }),
  fc.uint8Array({ minLength: 3, maxLength: 3 }).map((a) => Uint8Array.from([0x08, ...a])),
  fc.uint8Array({ maxLength: 16 }),
);
const answer = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(body, statusWord).map(([b, sw]) => Buffer.from([...b, ...sw])) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1 }).map((a) => Buffer.from(a)) },
);

export function pcscProperty() {
  return fc.property(answer, (res) => {
    const before = Buffer.from(res);
    const got = parseUidResponse(res);
    const uidBytes = res.subarray(0, Math.max(0, res.length - 2));
    const okWord = res.length >= 2 && res[res.length - 2] === 0x90 && res[res.length - 1] === 0x00;
    const goodLength = [4, 7, 10].includes(uidBytes.length);
    const random = uidBytes.length === 4 && uidBytes[0] === 0x08;
    if (res.length < 2) {
      if (got.kind !== 'no_status_word') throw new Error(`${res.length} bytes read as ${got.kind}`);
      return;
    }
    if (got.kind === 'uid') {
      if (!okWord || !goodLength || random) throw new Error(`a UID from ${before.toString('hex')}`);
      if (!got.uid.equals(uidBytes)) throw new Error('the UID is not the bytes before the status word');
      res.fill(0xee);
      if (!got.uid.equals(before.subarray(0, before.length - 2)))
        throw new Error('the UID shares the reader buffer');
      return;
    }
    if (okWord && goodLength && !random) throw new Error(`${before.toString('hex')} refused as ${got.kind}`);
    if (got.kind === 'card_random_uid' && !random) throw new Error('a non-random UID called random');
    if (got.kind === 'card_error' && uidBytes.length >= 4 && got.detail.includes(uidBytes.toString('hex')))
      throw new Error(`the error names the card's bytes: ${got.detail}`);
    if (got.kind === 'no_status_word') throw new Error(`${res.length} bytes read as no status word`);
  });
}
