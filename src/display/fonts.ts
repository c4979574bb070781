/**
 * The shipped fonts (assets/fonts/: DejaVu Sans and Sans Bold, Bitstream Vera licence) and the
 * text measurement the layout uses to wrap and shrink before anything is drawn.
 *
 * sharp renders SVG text through librsvg → pango → fontconfig. Without a fontconfig config the
 * process can crash, and the system's fonts differ between machines; so the kiosk points
 * FONTCONFIG_FILE at its own config (assets/fonts/fonts.conf, which lists only the shipped
 * fonts) BEFORE sharp is first loaded. Widths are read from the same TTF files (hmtx), so what
 * the layout measures is what pango draws (kerning only narrows text; a small margin is kept).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** src/display and dist/display are both two levels below the package root. */
export const FONT_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
export const FONTCONFIG_FILE = `${FONT_DIR}fonts.conf`;
export const FONT_FAMILY = 'DejaVu Sans';

/**
 * Points fontconfig at the shipped fonts. Must run before the first `import('sharp')` anywhere
 * in the process (fontconfig reads the variable once, at its first use).
 */
export function useShippedFonts(): void {
  process.env.FONTCONFIG_FILE = FONTCONFIG_FILE;
}

interface Metrics {
  unitsPerEm: number;
  advances: Map<number, number>;
  fallback: number;
}

const cache = new Map<boolean, Metrics>();

function metrics(bold: boolean): Metrics {
  let m = cache.get(bold);
  if (!m) {
    m = parseMetrics(readFileSync(`${FONT_DIR}${bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf'}`));
    cache.set(bold, m);
  }
  return m;
}

/** Width in pixels of `text` drawn at `size` px, as pango lays it out (without kerning: never narrower). */
export function textWidth(text: string, size: number, bold = false): number {
  const m = metrics(bold);
  let units = 0;
  for (const ch of text) units += m.advances.get(ch.codePointAt(0) ?? 0) ?? m.fallback;
  return (units / m.unitsPerEm) * size;
}

const COMBINING = /\p{M}/u;

/**
 * Characters whose drawn width `textWidth` cannot promise: ones the shipped font lacks (pango
 * draws a hex box, wider than any advance) and combining marks (with nothing to sit on, pango
 * draws them on a dotted circle). Their number bounds how much wider the drawing may be.
 */
export function unsureChars(text: string, bold = false): number {
  const m = metrics(bold);
  let n = 0;
  for (const ch of text) if (!m.advances.has(ch.codePointAt(0) ?? 0) || COMBINING.test(ch)) n++;
  return n;
}

/** Reads unitsPerEm (head), advance widths (hhea + hmtx) and the BMP cmap (format 4) of a TTF. */
function parseMetrics(font: Buffer): Metrics {
  const tables = new Map<string, number>();
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(font.toString('latin1', rec, rec + 4), font.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`font has no ${tag} table`);
    return off;
  };
  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = font.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const off = cmap + font.readUInt32BE(rec + 4);
    if (
      font.readUInt16BE(off) === 4 &&
      (platform === 3 || platform === 0) &&
      (platform === 0 || encoding === 1)
    ) {
      sub = off;
      break;
    }
  }
  if (sub < 0) throw new Error('font has no BMP cmap');
  const segX2 = font.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  const advances = new Map<number, number>();
  for (let s = 0; s < segX2; s += 2) {
    const end = font.readUInt16BE(ends + s);
    const start = font.readUInt16BE(starts + s);
    const delta = font.readInt16BE(deltas + s);
    const ro = font.readUInt16BE(rangeOffsets + s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (ro === 0) glyph = (c + delta) & 0xffff;
      else {
        const g = font.readUInt16BE(rangeOffsets + s + ro + 2 * (c - start));
        glyph = g === 0 ? 0 : (g + delta) & 0xffff;
      }
      if (glyph !== 0) advances.set(c, advanceOf(glyph));
    }
  }
  return { unitsPerEm, advances, fallback: advanceOf(0) };
}
