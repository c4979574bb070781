/**
 * The layout's building blocks: positioned shapes, and text that is measured before it is
 * placed, so that it wraps or shrinks (never below the panel's floor) instead of leaving the screen.
 */
import { textWidth } from './fonts.ts';
import type { TouchTarget } from './touch-targets.ts';

export interface TextItem {
  kind: 'text';
  /** Anchor point: left edge ('start'), centre ('middle') or right edge ('end'). */
  x: number;
  /** Baseline. */
  y: number;
  text: string;
  size: number;
  bold: boolean;
  fill: string;
  anchor: 'start' | 'middle' | 'end';
  /** Measured width in px (same fonts pango uses). */
  width: number;
}

export interface RectItem {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  rx?: number;
  stroke?: string;
  strokeWidth?: number;
}

export interface CircleItem {
  kind: 'circle';
  cx: number;
  cy: number;
  r: number;
  fill: string;
}

/** A picture (PNG as a data URI), drawn at exactly w × h. */
export interface ImageItem {
  kind: 'image';
  x: number;
  y: number;
  w: number;
  h: number;
  href: string;
}

export type Item = TextItem | RectItem | CircleItem | ImageItem;

export interface Layout {
  width: number;
  height: number;
  background: string;
  items: Item[];
  /** The horizontal bands (status, title, body, hints): every text lies inside one of them. */
  bands: { name: 'status' | 'title' | 'body' | 'hints'; top: number; bottom: number }[];
  /** A body too long for the panel: the page shown (0-based) of how many (▲▼ turn them). */
  pages?: { shown: number; count: number };
  /** Touch layouts only: where a finger may hit, and what each region does. */
  targets?: TouchTarget[];
}

/** Baseline that centres a line of capitals/lower case of `size` px in a box [top, top+h). */
export function centredBaseline(top: number, h: number, size: number): number {
  // DejaVu: cap height 0.73 em, x-height 0.55 em; centre the cap height, a touch low looks right.
  return Math.round(top + h / 2 + size * 0.36);
}

export function text(
  s: string,
  x: number,
  y: number,
  size: number,
  opts: { bold?: boolean; fill: string; anchor?: TextItem['anchor'] },
): TextItem {
  const bold = opts.bold ?? false;
  return {
    kind: 'text',
    x,
    y,
    text: s,
    size,
    bold,
    fill: opts.fill,
    anchor: opts.anchor ?? 'start',
    width: textWidth(s, size, bold),
  };
}

/**
 * Greedy word wrap to `max` px. A word wider than the line (a 40-letter name, a letter number)
 * is broken at '/', '-' or, failing that, anywhere.
 */
export function wrapText(s: string, max: number, size: number, bold: boolean): string[] {
  const fits = (t: string) => textWidth(t, size, bold) <= max;
  const lines: string[] = [];
  let cur = '';
  for (const word of glueShortLabels(s.split(/[ \t\n]+/).filter((w) => w !== ''))) {
    const candidate = cur ? `${cur} ${word}` : word;
    if (fits(candidate)) {
      cur = candidate;
      continue;
    }
    if (cur) lines.push(cur);
    cur = '';
    for (const piece of breakWord(word, fits)) {
      if (cur) lines.push(cur);
      cur = piece;
    }
  }
  if (cur || lines.length === 0) lines.push(cur);
  return lines;
}

/** Keeps "RT 002", "RW 001", "NIK ****1234" on one line: a short all-caps label sticks to what follows. */
function glueShortLabels(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (next !== undefined && /^[A-Z]{2,3}$/.test(w)) {
      out.push(`${w} ${next}`);
      i++;
    } else out.push(w);
  }
  return out;
}

function breakWord(word: string, fits: (t: string) => boolean): string[] {
  const pieces: string[] = [];
  let rest = [...word];
  while (rest.length > 0 && !fits(rest.join(''))) {
    let n = rest.length - 1;
    while (n > 1 && !fits(rest.slice(0, n).join(''))) n--;
    // Prefer a break right after a '/' or '-' within the part that fits.
    const soft = Math.max(rest.lastIndexOf('/', n - 1), rest.lastIndexOf('-', n - 1));
    const cut = soft > 0 && soft + 1 >= n / 2 ? soft + 1 : n;
    pieces.push(rest.slice(0, cut).join(''));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest.join(''));
  return pieces;
}

/**
 * The largest size in [min, max] at which `s` wraps into at most `maxLines` lines; at `min`
 * it takes the lines it needs (more than `maxLines`): a text is never cut with "…".
 */
export function fitLines(
  s: string,
  width: number,
  maxSize: number,
  minSize: number,
  maxLines: number,
  bold: boolean,
): { size: number; lines: string[] } {
  for (let size = maxSize; size >= minSize; size--) {
    const lines = wrapText(s, width, size, bold);
    if (lines.length <= maxLines) return { size, lines };
  }
  return { size: minSize, lines: wrapText(s, width, minSize, bold) };
}

/** Palette: high contrast, one colour per tone for the title band. */
export const COLOURS = {
  background: '#ffffff',
  text: '#111111',
  muted: '#4a4f57',
  rule: '#d5d9df',
  statusBg: '#1d2329',
  statusText: '#f2f4f7',
  ok: '#2fbf5b',
  bad: '#ff5a4f',
  warn: '#ffb020',
  tone: { normal: '#0b4f94', success: '#12703a', warning: '#a04c00', error: '#b0221a' },
  selected: '#0b4f94',
  selectedText: '#ffffff',
  keyBg: '#1d2329',
  keyText: '#ffffff',
  okKeyBg: '#12703a',
  progressTrack: '#e4e8ee',
} as const;
