/**
 * Turns the bytes of a text resident file (CSV / tab-separated) into a string, detecting the
 * encodings village computers write:
 *
 *   BOM EF BB BF ─► UTF-8          (Excel "CSV UTF-8")
 *   BOM FF FE    ─► UTF-16LE       (Excel "Unicode text", tab-separated)
 *   BOM FE FF    ─► UTF-16BE
 *   no BOM       ─► UTF-8 when the bytes are valid UTF-8, else UTF-16LE when every other byte
 *                   is zero, else Windows-1252 (older Excel's "CSV"), else refused.
 *
 * Decoding is the platform's WHATWG TextDecoder with `fatal: true`, so a byte that is not valid
 * in the chosen encoding is an error, never a U+FFFD in the resident data. Statistical detectors
 * (chardet) were tried and rejected: they guess ISO-8859-2 for Indonesian names with "É" saved by
 * Excel as Windows-1252, and cannot see UTF-16 without a BOM; these rules are exact instead.
 */
import { KioskError } from '../errors.ts';

export type TextEncodingName = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** True when the file started with a byte order mark. */
  bom: boolean;
}

const WHATWG: Record<TextEncodingName, string> = {
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  'Windows-1252': 'windows-1252',
};

/**
 * C0 controls other than tab, LF, CR, and the C1 range: WHATWG's Windows-1252 decodes the five
 * bytes Microsoft never assigned (0x81, 0x8D, 0x8F, 0x90, 0x9D) to C1 controls instead of
 * failing, and no spreadsheet writes either kind into a resident's name.
 */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Decodes `bytes`; a KioskError('import_invalid') naming `file` when no encoding fits. */
export function decodeText(bytes: Uint8Array, file: string): DecodedText {
  const bom = bomOf(bytes);
  if (bom) return checked(decode(bytes.subarray(bom.length), bom.encoding, file), bom.encoding, true, file);
  const utf8 = tryDecode(bytes, 'UTF-8');
  if (utf8 !== null && !utf8.includes('\u0000')) return checked(utf8, 'UTF-8', false, file);
  if (looksUtf16le(bytes)) return checked(decode(bytes, 'UTF-16LE', file), 'UTF-16LE', false, file);
  const cp1252 = tryDecode(bytes, 'Windows-1252');
  if (cp1252 !== null && !hasControl(cp1252)) return { text: cp1252, encoding: 'Windows-1252', bom: false };
  throw new KioskError(
    'import_invalid',
    `${file} is not text in UTF-8, UTF-16 or Windows-1252 (byte ${describeBadByte(bytes)}): ` +
      'open it in the spreadsheet program and save it as "CSV UTF-8", then import that file',
  );
}

function bomOf(bytes: Uint8Array): { encoding: TextEncodingName; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'UTF-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'UTF-16LE', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'UTF-16BE', length: 2 };
  return null;
}

/** Header bytes of an ASCII header in UTF-16LE: letter, 0, letter, 0 … */
function looksUtf16le(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return false;
  const n = Math.min(bytes.length, 64);
  for (let i = 1; i < n; i += 2) if (bytes[i] !== 0 || bytes[i - 1] === 0) return false;
  return true;
}

function tryDecode(bytes: Uint8Array, encoding: TextEncodingName): string | null {
  try {
    return new TextDecoder(WHATWG[encoding], { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decode(bytes: Uint8Array, encoding: TextEncodingName, file: string): string {
  const text = tryDecode(bytes, encoding);
  if (text === null) {
    throw new KioskError(
      'import_invalid',
      `${file} says it is ${encoding} (byte order mark) but is not valid ${encoding}: ` +
        'save it again from the spreadsheet program as "CSV UTF-8"',
    );
  }
  return text;
}

function checked(text: string, encoding: TextEncodingName, bom: boolean, file: string): DecodedText {
  // A U+FFFD already in the file is damage done by an earlier conversion: the real letter is
  // lost and would be printed as "�" on a letter.
  const at = text.indexOf('\uFFFD');
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    throw new KioskError(
      'import_invalid',
      `${file} line ${line}: contains the replacement character "\uFFFD" (a letter lost by an earlier ` +
        'conversion): correct that text in the spreadsheet, save it as "CSV UTF-8" and import again',
    );
  }
  return { text, encoding, bom };
}

/** The first byte that is not plain ASCII text, for the refusal message. */
function describeBadByte(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) {
      return `0x${b.toString(16).toUpperCase().padStart(2, '0')} at offset ${i}`;
    }
  }
  return 'unknown';
}
