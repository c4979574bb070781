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
 * repair hint says to drop the field of a line one edits). A bit flip in the field's own name
 * leaves the line's data intact, so reading it as such a line gives the right record.
 */
import { crc32 } from 'node:zlib';

const SUFFIX = /,"crc":"([^"]*)"\}$/;
const HEX8 = /^[0-9a-f]{8}$/;

/** The JSON text of `record` with its checksum field (records that are not objects: unchanged). */
export function sealLine(record: unknown): string {
  const text = JSON.stringify(record);
  if (text === undefined || !text.startsWith('{') || text === '{}') return text ?? 'null';
  return `${text.slice(0, -1)},"crc":"${crcHex(text)}"}`;
}

export class LineChecksumError extends Error {}

/**
 * Parses one line (without its newline). Throws SyntaxError for text that is not JSON and
 * LineChecksumError for a line whose checksum is wrong.
 */
export function parseLine(line: string): unknown {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const m = SUFFIX.exec(text);
  if (m === null) {
    const record = JSON.parse(text) as unknown;
    if (typeof record === 'object' && record !== null && 'crc' in record)
      throw new LineChecksumError('checksum field out of place');
    return record;
  }
  const body = `${text.slice(0, m.index)}}`;
  const record = JSON.parse(body) as unknown;
  if (!HEX8.test(m[1]!) || m[1] !== crcHex(body))
    throw new LineChecksumError(`checksum mismatch (the line says ${JSON.stringify(m[1]).slice(0, 12)})`);
  return record;
}

function crcHex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}
