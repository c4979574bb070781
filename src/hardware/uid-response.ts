/**
 * The reader's answer to GET DATA (FF CA 00 00 00, the PC/SC command for the card's UID): the
 * UID bytes, then a two-byte status word. Pure, so that the garbage campaign can feed it any
 * bytes a reader, a half-read card or vpcd may answer (card-reader.pcsc.ts acts on the result).
 *
 *   UID (4, 7 or 10 bytes) 90 00   → the UID (4-byte UIDs starting 08 are random: refused)
 *   fewer than 2 bytes             → no status word (the card left mid-command, on vpcd)
 *   any other status word          → card error naming it (6A 81: not supported, 63 00: failed…)
 */
import { isRandomUid } from './card-reader.ts';

export type UidResponse =
  | { kind: 'uid'; uid: Buffer }
  | { kind: 'no_status_word' }
  | { kind: 'card_error'; detail: string }
  | { kind: 'card_random_uid' };

export function parseUidResponse(res: Buffer): UidResponse {
  if (res.length < 2) return { kind: 'no_status_word' };
  const sw = res.readUInt16BE(res.length - 2);
  const uid = Buffer.from(res.subarray(0, res.length - 2));
  if (sw !== 0x9000) return { kind: 'card_error', detail: `status word ${sw.toString(16).padStart(4, '0')}` };
  if (uid.length !== 4 && uid.length !== 7 && uid.length !== 10)
    return { kind: 'card_error', detail: `unexpected UID length ${uid.length}` };
  if (isRandomUid(uid)) return { kind: 'card_random_uid' };
  return { kind: 'uid', uid };
}
