/**
 * The compositor's items (compositor.ts): where each layout item's patch goes on the frame,
 * what it looks like on its patch, the patch cut from an atlas, and the colours it is drawn in.
 */
import { textWidth, unsureChars } from './fonts.ts';
import type { CircleItem, Item, TextItem } from './layout-text.ts';
import { itemSvg } from './svg.ts';

export type Rgb = [number, number, number];

export interface Patch {
  /** 'alpha': coverage only, drawn in the item's fill; 'rgba': colours and coverage (stroked shapes). */
  kind: 'alpha' | 'rgba';
  w: number;
  h: number;
  data: Buffer;
}

/** Where an item's patch goes on the frame, and the item as drawn on its patch. */
export interface Placement {
  ox: number;
  oy: number;
  w: number;
  h: number;
  local: Item;
  key: string;
  /** The colour a coverage-only patch is drawn in; null for a patch with its own colours. */
  fill: Rgb | null;
}

/** Room around a text's measured box: glyph overhang, accents above capitals, descenders. */
const TEXT_SIDE_EM = 0.2;
const TEXT_ABOVE_EM = 1.25;
const TEXT_BELOW_EM = 0.45;
/** Widest a character the font cannot measure may be drawn: a hex box of up to six digits. */
const UNSURE_EM = 2;

/** A plain rectangle on whole pixels: no anti-aliasing anywhere, so it is filled directly. */
export function solidRect(item: Item): Rgb | null {
  if (item.kind !== 'rect' || item.rx || item.stroke) return null;
  if (![item.x, item.y, item.w, item.h].every(Number.isInteger)) return null;
  return parseColour(item.fill);
}

/** Where `item` goes and how it is drawn on its patch; null for a colour not parsed here. */
export function placement(item: Item): Placement | null {
  // Text and unstroked shapes are one colour: rasterised in black, only their coverage is kept,
  // and it serves every colour. Stroked rectangles and pictures keep their colours.
  const coverage = item.kind !== 'image' && (item.kind !== 'rect' || !item.stroke);
  const fill = coverage ? parseColour(item.fill) : null;
  if (coverage && !fill) return null;
  const box = bounds(item);
  const ox = Math.floor(box.x0);
  const oy = Math.floor(box.y0);
  const w = Math.ceil(box.x1) - ox;
  const h = Math.ceil(box.y1) - oy;
  if (w <= 0 || h <= 0) return null;
  const local = translate(coverage ? ({ ...item, fill: '#000000' } as Item) : item, -ox, -oy);
  return { ox, oy, w, h, local, key: `${w}x${h}${itemSvg(local)}`, fill };
}

/** Every pixel an item can touch, anti-aliasing included. */
function bounds(item: Item): { x0: number; y0: number; x1: number; y1: number } {
  switch (item.kind) {
    case 'text':
      return textBounds(item);
    case 'rect': {
      const pad = (item.stroke ? (item.strokeWidth ?? 1) / 2 : 0) + 1;
      return { x0: item.x - pad, y0: item.y - pad, x1: item.x + item.w + pad, y1: item.y + item.h + pad };
    }
    case 'circle':
      return circleBounds(item);
    case 'image':
      return { x0: item.x, y0: item.y, x1: item.x + item.w, y1: item.y + item.h };
  }
}

function textBounds(t: TextItem): { x0: number; y0: number; x1: number; y1: number } {
  // The drawn width is at most the measured one plus UNSURE_EM for each character the font
  // cannot measure (see unsureChars); the box holds the text wherever its anchor puts it.
  // Measured here, not taken from the item: a layout that edits a text keeps its patch right.
  const measured = textWidth(t.text, t.size, t.bold);
  const width = measured + unsureChars(t.text, t.bold) * t.size * UNSURE_EM;
  const left = t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - width / 2 : t.x - width;
  const side = t.size * TEXT_SIDE_EM + 2;
  return {
    x0: left - side,
    x1: left + width + side,
    y0: t.y - t.size * TEXT_ABOVE_EM - 2,
    y1: t.y + t.size * TEXT_BELOW_EM + 2,
  };
}

function circleBounds(c: CircleItem): { x0: number; y0: number; x1: number; y1: number } {
  return { x0: c.cx - c.r - 1, y0: c.cy - c.r - 1, x1: c.cx + c.r + 1, y1: c.cy + c.r + 1 };
}

/** `item` moved by (dx, dy). */
export function translate(item: Item, dx: number, dy: number): Item {
  switch (item.kind) {
    case 'text':
      return { ...item, x: item.x + dx, y: item.y + dy };
    case 'rect':
      return { ...item, x: item.x + dx, y: item.y + dy };
    case 'circle':
      return { ...item, cx: item.cx + dx, cy: item.cy + dy };
    case 'image':
      return { ...item, x: item.x + dx, y: item.y + dy };
  }
}

/** `p`'s patch out of an atlas whose rows from `top` hold it: coverage only when it has a fill. */
export function cutPatch(atlas: Buffer, atlasWidth: number, top: number, p: Placement): Patch {
  if (p.fill) {
    const data = Buffer.allocUnsafe(p.w * p.h);
    for (let y = 0; y < p.h; y++) {
      let s = (top + y) * atlasWidth * 4 + 3;
      let o = y * p.w;
      for (let x = 0; x < p.w; x++, s += 4) data[o++] = atlas[s]!;
    }
    return { kind: 'alpha', w: p.w, h: p.h, data };
  }
  const data = Buffer.allocUnsafe(p.w * p.h * 4);
  for (let y = 0; y < p.h; y++) {
    const s = (top + y) * atlasWidth * 4;
    atlas.copy(data, y * p.w * 4, s, s + p.w * 4);
  }
  return { kind: 'rgba', w: p.w, h: p.h, data };
}

const colours = new Map<string, Rgb | null>();

/** "#rgb" or "#rrggbb" → [r, g, b]; anything else null (the frame is then rendered whole). */
export function parseColour(s: string): Rgb | null {
  let rgb = colours.get(s);
  if (rgb !== undefined) return rgb;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s.trim());
  const hex = m?.[1];
  rgb = !hex
    ? null
    : hex.length === 3
      ? ([0, 1, 2].map((i) => Number.parseInt(hex[i]!.repeat(2), 16)) as Rgb)
      : ([0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb);
  colours.set(s, rgb);
  return rgb;
}
