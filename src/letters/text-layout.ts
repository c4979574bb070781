/**
 * Plain-text layout shared by the letter composer and the ESC/POS encoder: ASCII
 * transliteration (the printer's code page is the lowest common denominator), word wrap that
 * never exceeds the column count, `field` block rendering, and Indonesian dates.
 *
 * The encoder renders blocks with exactly these functions, so what `renderDocumentText()`
 * returns is what the printer prints, line for line.
 */
// Month names come from the one catalogue of resident-facing words (screens and letters agree).
import { MONTHS } from '../display/text-id.ts';
import type { PrintBlock, PrintDocument } from './print-document.ts';

/** Characters NFKD does not decompose to ASCII but that have an obvious ASCII form. */
const SPECIAL: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u0060': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u202f': ' ',
  '\t': ' ',
  '\u00df': 'ss',
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00f8': 'o',
  '\u00d8': 'O',
  '\u0142': 'l',
  '\u0141': 'L',
  '\u0111': 'd',
  '\u0110': 'D',
  '\u00f0': 'd',
  '\u00fe': 'th',
  '\u0131': 'i',
  '\u00b0': 'o',
  '\u2022': '*',
  '\u00b7': '.',
  '\u20ac': 'EUR',
};

/**
 * Printable ASCII only (0x20..0x7E): accents are stripped ("é" → "e"), typographic quotes and
 * dashes become their ASCII forms, line breaks become spaces, anything else becomes "?".
 */
export function toAscii(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code >= 0x300 && code <= 0x36f)
      continue; // combining accents left by NFKD
    else if (ch === '\n' || ch === '\r') out += ' ';
    else if (SPECIAL[ch] !== undefined) out += SPECIAL[ch];
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x200b || code === 0xfeff) continue;
    else out += '?';
  }
  return out;
}

/**
 * Word-wraps ASCII text to `width` columns. Text that fits is returned as is (inner spaces
 * kept, for boxes and columns). Otherwise words are kept whole unless a single word is longer
 * than the line, then it is broken hard; runs of spaces collapse; leading spaces indent every
 * wrapped line (when the indent leaves room). Returns at least one line (possibly empty).
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const trimmed = text.trimEnd();
  if (trimmed.length <= w) return [trimmed];
  const indentLength = trimmed.length - trimmed.trimStart().length;
  const indent = indentLength <= w / 2 ? ' '.repeat(indentLength) : '';
  return wrapWords(trimmed.trimStart(), w - indent.length).map((l) => indent + l);
}

function wrapWords(text: string, w: number): string[] {
  const words = text.split(' ').filter((x) => x.length > 0);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > w) {
      // A word longer than a line (a long number, a URL): fill the current line, then break.
      const room = line.length === 0 ? w : w - line.length - 1;
      if (line.length === 0 || room >= 4) {
        const head = word.slice(0, room);
        lines.push(line.length === 0 ? head : `${line} ${head}`);
        word = word.slice(room);
      } else {
        lines.push(line);
      }
      line = '';
    }
    if (line.length === 0) line = word;
    else if (line.length + 1 + word.length <= w) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A `field` block as printed: the label padded to `labelWidth`, then ": ", then the value; the
 * value wraps under itself. A label longer than `labelWidth` is shortened so the colons align.
 */
export function layoutField(
  block: { label: string; value: string; labelWidth: number },
  columns: number,
): string[] {
  // Values keep at least 16 columns (a NIK on one line) even when a document laid out for
  // 80 mm is printed on 58 mm: the label gives way.
  const labelWidth = Math.min(Math.max(0, block.labelWidth), Math.max(0, columns - 2 - 16));
  const label = toAscii(block.label).slice(0, labelWidth).padEnd(labelWidth);
  const valueWidth = columns - labelWidth - 2;
  const values = wrapText(toAscii(block.value), valueWidth);
  const indent = ' '.repeat(labelWidth + 2);
  return values.map((v, i) => (i === 0 ? `${label}: ${v}` : `${indent}${v}`).trimEnd());
}

/** Columns a text block has at its size: double-size characters are twice as wide. */
export function columnsAt(columns: number, size: 'normal' | 'double' | undefined): number {
  return size === 'double' ? Math.floor(columns / 2) : columns;
}

/** The lines one text-like block prints (empty for images, QR and cuts). */
export function blockLines(block: PrintBlock, columns: number): string[] {
  switch (block.kind) {
    case 'text':
      return wrapText(toAscii(block.text), columnsAt(columns, block.size));
    case 'field':
      return layoutField(block, columns);
    case 'rule':
      return [
        toAscii(block.char ?? '-')
          .slice(0, 1)
          .repeat(columns) || '-'.repeat(columns),
      ];
    case 'feed':
      return Array.from({ length: Math.max(0, block.lines) }, () => '');
    case 'qr':
      return block.caption ? wrapText(toAscii(block.caption), columns) : [];
    default:
      return [];
  }
}

/**
 * The document as plain text lines, for logs, the simulator and tests: images and QR codes
 * appear as a one-line marker. Every line fits `doc.columns`.
 */
export function renderDocumentText(doc: PrintDocument): string[] {
  const out: string[] = [];
  for (const block of doc.blocks) {
    if (block.kind === 'qr') out.push('[QR]');
    if (block.kind === 'image') out.push('[IMAGE]');
    out.push(...blockLines(block, doc.columns));
  }
  return out;
}

/** "12 Agustus 1985" from a Date (local time). */
export function formatTanggal(date: Date): string {
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`;
}

/** "12 Agustus 1985" from an ISO "1985-08-12"; anything else is returned as given. */
export function formatIsoTanggal(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  return `${Number(m[3])} ${month} ${m[1]}`;
}

/** The local calendar date plus `days` (DST-safe: works on calendar fields, not milliseconds). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days, 12);
}
