/**
 * Per-line checksums for append-only JSON Lines files (the letter register, CONTRACTS: additive).
 * A new line carries, as its last field, the CRC-32 of the same line without that field:
 *
 *   {"id":"20241015-000042",…,"updated_at":"…","crc":"1c291ca3"}
 *
 * Why: a flipped bit that still parses (one digit of a sequence number) cannot be caught by the
 * JSON parser, and a wrong number must never be read back silently. The field is checked on the
 * exact bytes of the line (no re-serialisation), and removed before the record is used.
 *
 * Lines without the field still read: old lines, and lines a technician repaired by hand (the
 * repair hint says to drop the field of a line one edits). A line ending in a field of the same
 * shape under another name (a bit flipped in "crc") is refused as damaged.
 */
import { crc32 } from 'node:zlib';

const FIELD = ',"crc":"';
const HEX8 = /^[0-9a-f]{8}$/;
const DAMAGED_FIELD = /,"[^"]{3}":"[^"]{8}"\}$/;

/** The JSON text of `record` with its checksum field (records that are not objects: unchanged). */
export function sealLine(record: unknown): string {
  const text = JSON.stringify(record);
  if (text === undefined || !text.startsWith('{') || text === '{}') return text ?? 'null';
  return `${text.slice(0, -1)}${FIELD}${crcHex(text)}"}`;
}

export class LineChecksumError extends Error {}

/** Where the checksum field of `text` starts and what it says; null when the text ends otherwise. */
function checksumOf(text: string): { at: number; crc: string } | null {
  if (!text.endsWith('"}')) return null;
  const at = text.lastIndexOf(FIELD);
  if (at < 0) return null;
  const crc = text.slice(at + FIELD.length, -2);
  // Searched from the end, but the field must be the last one (no quote inside its value).
  return crc.includes('"') ? null : { at, crc };
}

/**
 * Parses one line (without its newline). Throws SyntaxError for text that is not JSON and
 * LineChecksumError for a line whose checksum is wrong.
 */
export function parseLine(line: string): unknown {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const sum = checksumOf(text);
  if (sum === null) {
    const record = JSON.parse(text) as unknown;
    if (typeof record === 'object' && record !== null && 'crc' in record)
      throw new LineChecksumError('checksum field out of place');
    // The field's shape with another name: a bit flipped in "crc" itself. The line's data may be
    // intact, but a line that lost its checksum must not pass as one written without it.
    if (DAMAGED_FIELD.test(text.slice(-20))) throw new LineChecksumError('checksum field damaged');
    return record;
  }
  const body = `${text.slice(0, sum.at)}}`;
  const record = JSON.parse(body) as unknown;
  if (!HEX8.test(sum.crc) || sum.crc !== crcHex(body))
    throw new LineChecksumError(`checksum mismatch (the line says ${JSON.stringify(sum.crc).slice(0, 12)})`);
  return record;
}

/** True when `text` is a whole line written with a checksum that matches. */
export function isSealedLine(text: string): boolean {
  const sum = checksumOf(text);
  return sum !== null && HEX8.test(sum.crc) && sum.crc === crcHex(`${text.slice(0, sum.at)}}`);
}

function crcHex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}
