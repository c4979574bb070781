/**
 * The body of a screen (between the title band and the hint bar): its lines, a menu window, a
 * progress bar. At the largest size that fits, down to the panel's legible floor; below that
 * nothing shrinks and nothing is cut with "…": lines that only repeat the hint bar are left
 * out, a menu shows fewer (whole, wrapped) items and scrolls, and a text still too long is
 * split over pages (layout-pages.ts).
 */
import { textWidth } from './fonts.ts';
import type { Band } from './layout-bars.ts';
import {
  indicatorRowH,
  type Page,
  pageIndicator,
  shownPage,
  splitPages,
  type WrappedLine,
} from './layout-pages.ts';
import { COLOURS, centredBaseline, type Item, text, wrapText } from './layout-text.ts';
import type { ScreenModel } from './screen-model.ts';
import { MORE_ABOVE, MORE_BELOW } from './text-id.ts';

type Menu = NonNullable<ScreenModel['menu']>;

export interface BodyLayout {
  items: Item[];
  /** How many pages the text was split over (1: it fits). */
  pages: number;
  /** The page shown (0-based). */
  page: number;
}

export interface BodyOptions {
  /**
   * Say "Halaman 1/2" under a paged text (default). A touch layout leaves it out: its ▲▼ targets
   * beside the text say there is more, and on a small panel the line is worth more as text.
   */
  indicator?: boolean;
}

/** The body (lines, menu window, progress) at the largest size that fits the band. */
export function bodyItems(model: ScreenModel, b: Band): Item[] {
  return bodyLayout(model, b).items;
}

/** The body, and how many pages it needs on this band. */
export function bodyLayout(model: ScreenModel, b: Band, opts: BodyOptions = {}): BodyLayout {
  const minF = Math.max(b.floor, Math.round(15 * b.scale));
  const maxF = Math.max(minF, Math.round(23 * b.scale));
  for (let f = maxF; f >= minF; f--) {
    const items = planBody(model, b, f, false);
    if (items) return { items, pages: 1, page: 0 };
  }
  // Too much for the panel at the legible floor: leave out the lines that only repeat the hint
  // bar first; never shrink below the floor.
  const { optional_from: optional } = model;
  if (optional !== undefined && optional < model.lines.length) {
    const essential = { ...model, lines: model.lines.slice(0, optional), optional_from: undefined };
    return bodyLayout(essential, b, opts);
  }
  // A menu keeps its list and scrolls (its heading, the choice of the step before, gives way
  // when even one item has no room beside it); any other text goes over pages.
  if (model.menu) return { items: planBody(model, b, minF, true) ?? [], pages: 1, page: 0 };
  return pagedBody(model, b, minF, opts.indicator ?? true);
}

function paragraphs(lines: string[], width: number, size: number): WrappedLine[][] {
  return lines
    .filter((l) => l !== '')
    .map((l, i) => wrapText(l, width, size, i === 0).map((t) => ({ t, bold: i === 0 })));
}

function progressHeight(model: ScreenModel, b: Band, paraGap: number): number {
  return model.progress === undefined ? 0 : Math.round(28 * b.scale) + paraGap * 2;
}

/** Tries one body font size; null when it does not fit (with `force`, the menu fits by scrolling). */
function planBody(model: ScreenModel, b: Band, f: number, force: boolean): Item[] | null {
  const width = b.width - 2 * b.margin;
  const menu = model.menu;
  // A heading above a menu is never larger than its choices.
  const itemSize = menu ? menuItemSize(menu, b, f) : f;
  const lf = Math.min(f, itemSize);
  const lh = Math.round(lf * 1.28);
  const paraGap = Math.round(lf * 0.3);
  let wrapped = paragraphs(model.lines, width, lf);
  const heightOf = (w: WrappedLine[][]) =>
    w.reduce((h, p) => h + p.length * lh, 0) + paraGap * Math.max(0, w.length - 1);
  const progressH = progressHeight(model, b, paraGap);
  const rowH = Math.round(f * 1.5);
  const heights = menu ? menuHeights(menu, b, f, rowH, itemSize) : [];
  const total = heights.reduce((a, h) => a + h, 0);
  const sel = menu ? selectedIndex(menu) : 0;
  const menuGapOf = (w: WrappedLine[][]) => (w.length > 0 && menu ? Math.round(f * 0.5) : 0);
  const menuMinFor = (space: number) => {
    if (!menu) return 0;
    if (total <= space) return total;
    // At the last resort the list may be just its selected item (the hint bar's ▲▼ say there is
    // more): the heading above it stays if it can.
    if (force) return heights[sel] ?? rowH;
    const neighbours = (Math.min(menu.items.length, 3) - 1) * rowH;
    return (heights[sel] ?? rowH) + neighbours + 2 * indicatorH(f, b.floor);
  };
  let linesH = heightOf(wrapped);
  const fitsWith = (w: WrappedLine[][]) => {
    const h = heightOf(w);
    const gap = menuGapOf(w);
    return h + progressH + gap + menuMinFor(b.height - h - progressH - gap) <= b.height;
  };
  if (!fitsWith(wrapped)) {
    if (!force) return null;
    // The heading gives way whole (never cut): the list below is what the resident acts on.
    wrapped = [];
    linesH = 0;
  }
  const menuGap = menuGapOf(wrapped);

  const items: Item[] = [];
  const contentH = linesH + progressH + (menu ? b.height - linesH - progressH : 0);
  let y = b.top + (menu ? 0 : Math.max(0, Math.round((b.height - contentH) * 0.4)));
  y = drawLines(
    wrapped.flatMap((p) => p.map((line, i) => ({ line, starts: i === 0 }))),
    b,
    y,
    lf,
    lh,
    paraGap,
    items,
  );
  if (model.progress !== undefined) items.push(...progressItems(model.progress, b, y + paraGap * 2, f));
  if (menu) {
    const window = { top: y + menuGap, bottom: b.top + b.height, rowH, size: itemSize };
    items.push(...menuItems(menu, b, window, f, heights));
  }
  return items;
}

/** Draws lines from `y` (a gap above each new paragraph but the first); returns the y below them. */
function drawLines(lines: Page, b: Band, top: number, lf: number, lh: number, gap: number, items: Item[]) {
  let y = top;
  lines.forEach(({ line, starts }, i) => {
    if (starts && i > 0) y += gap;
    items.push(
      text(line.t, b.margin, centredBaseline(y, lh, lf), lf, { bold: line.bold, fill: COLOURS.text }),
    );
    y += lh;
  });
  return y;
}

/** A text too long for the band at the floor: the page the resident turned to, "Halaman i/n" under it. */
function pagedBody(model: ScreenModel, b: Band, f: number, indicator: boolean): BodyLayout {
  const width = b.width - 2 * b.margin;
  const lh = Math.round(f * 1.28);
  const paraGap = Math.round(f * 0.3);
  const progressH = progressHeight(model, b, paraGap);
  const indH = indicator ? indicatorRowH(b.floor) : 0;
  const pages = splitPages(paragraphs(model.lines, width, f), b.height - progressH - indH, lh, paraGap);
  const page = shownPage(model, pages.length);
  const items: Item[] = [];
  const y = drawLines(pages[page] ?? [], b, b.top, f, lh, paraGap, items);
  if (model.progress !== undefined) items.push(...progressItems(model.progress, b, y + paraGap * 2, f));
  if (indicator && pages.length > 1) {
    const where = { right: b.width - b.margin, top: b.top + b.height - indH, height: indH, floor: b.floor };
    items.push(pageIndicator(page, pages.length, where));
  }
  return { items, pages: pages.length, page };
}

function progressItems(progress: number, b: Band, top: number, f: number): Item[] {
  const h = Math.round(28 * b.scale);
  const pct = `${Math.round(progress * 100)}%`;
  const pctW = textWidth('100%', f, true);
  const barW = b.width - 2 * b.margin - pctW - Math.round(10 * b.scale);
  const fillW = progress <= 0 ? 0 : Math.max(h, Math.round(barW * progress));
  const items: Item[] = [
    { kind: 'rect', x: b.margin, y: top, w: barW, h, fill: COLOURS.progressTrack, rx: h / 2 },
  ];
  if (fillW > 0)
    items.push({ kind: 'rect', x: b.margin, y: top, w: fillW, h, fill: COLOURS.tone.normal, rx: h / 2 });
  items.push(
    text(pct, b.width - b.margin, centredBaseline(top, h, f), f, {
      bold: true,
      fill: COLOURS.text,
      anchor: 'end',
    }),
  );
  return items;
}

function selectedIndex(menu: Menu): number {
  return Math.min(Math.max(0, menu.selected), Math.max(0, menu.items.length - 1));
}

/** Width left for a menu item's words (after the ▶ marker and the inset). */
function menuRoom(b: Band, f: number): number {
  return b.width - 2 * b.margin - Math.round(textWidth('▶', f, true) + f * 0.5) - Math.round(6 * b.scale);
}

/** Each item wrapped whole (the selected one measured bold, as drawn): never cut, its row grows. */
function menuLines(menu: Menu, b: Band, f: number, size: number): string[][] {
  const sel = selectedIndex(menu);
  return menu.items.map((label, i) => wrapText(label, menuRoom(b, f), size, i === sel));
}

function menuHeights(menu: Menu, b: Band, f: number, rowH: number, size: number): number[] {
  const lineH = Math.round(size * 1.2);
  return menuLines(menu, b, f, size).map((lines) => rowH + (lines.length - 1) * lineH);
}

/** Height of a "▲ lainnya" row: its text is never below the floor. */
function indicatorH(f: number, floor: number): number {
  return Math.max(Math.round(f * 0.85), Math.round(Math.max(floor, Math.round(f * 0.7)) * 1.2));
}

/** One size for every item (measured bold, as when selected), shrunk to fit the widest, never below the floor. */
function menuItemSize(menu: Menu, b: Band, f: number): number {
  const room = menuRoom(b, f);
  const widest = Math.max(0, ...menu.items.map((label) => textWidth(label, f, true)));
  return Math.max(b.floor, Math.round(f * 0.8), Math.min(f, Math.floor((f * room) / Math.max(1, widest))));
}

/**
 * Which items are shown: all when they fit, else the selection and its neighbours (one below,
 * one above, in turn) while whole rows fit between the "▲ lainnya" / "▼ lainnya" markers.
 */
export function menuWindow(heights: number[], sel: number, avail: number, indH: number) {
  const n = heights.length;
  if (heights.reduce((a, h) => a + h, 0) <= avail) return { start: 0, end: n, more: false };
  const room = avail - 2 * indH;
  let start = sel;
  let end = sel + 1;
  let used = heights[sel] ?? 0;
  for (let grew = true; grew; ) {
    grew = false;
    const below = heights[end];
    if (end < n && below !== undefined && used + below <= room) {
      used += below;
      end++;
      grew = true;
    }
    const above = heights[start - 1];
    if (start > 0 && above !== undefined && used + above <= room) {
      used += above;
      start--;
      grew = true;
    }
  }
  return { start, end, more: true };
}

/** A window of the menu around the selection, with "▲ lainnya" / "▼ lainnya" when items are hidden. */
function menuItems(
  menu: Menu,
  b: Band,
  w: { top: number; bottom: number; rowH: number; size: number },
  f: number,
  heights: number[],
): Item[] {
  const small = Math.max(b.floor, Math.round(f * 0.7));
  const indH = indicatorH(f, b.floor);
  const sel = selectedIndex(menu);
  const items: Item[] = [];
  const inset = Math.round(6 * b.scale);
  const marker = '▶';
  const markerW = Math.round(textWidth(marker, f, true) + f * 0.5);
  const width = b.width - 2 * b.margin;
  const { size, rowH } = w;
  const lineH = Math.round(size * 1.2);
  const wrapped = menuLines(menu, b, f, size);
  const avail = w.bottom - w.top;
  // On the smallest panels a long selected item may leave no room for the "lainnya" rows: the
  // item is shown whole and the hint bar's ▲▼ still says there is more.
  const markers = (heights[sel] ?? rowH) + 2 * indH <= avail;
  const { start, end, more: hidden } = menuWindow(heights, sel, avail, markers ? indH : 0);
  const more = hidden && markers;
  let y = w.top;
  const moreMarker = (label: string, top: number) =>
    items.push(
      text(label, b.width - b.margin, centredBaseline(top, indH, small), small, {
        fill: COLOURS.muted,
        anchor: 'end',
      }),
    );
  if (more) {
    if (start > 0) moreMarker(MORE_ABOVE, y);
    y += indH;
  }
  for (let i = start; i < end; i++) {
    const selected = i === sel;
    const lines = wrapped[i] ?? [''];
    const h = heights[i] ?? rowH;
    if (selected) {
      items.push({
        kind: 'rect',
        x: b.margin - inset,
        y: y + 1,
        w: width + 2 * inset,
        h: h - 2,
        fill: COLOURS.selected,
        rx: Math.round(6 * b.scale),
      });
      items.push(
        text(marker, b.margin, centredBaseline(y, rowH, f), f, { bold: true, fill: COLOURS.selectedText }),
      );
    } else if (i + 1 < end && i + 1 !== sel) {
      items.push({ kind: 'rect', x: b.margin, y: y + h - 1, w: width, h: 1, fill: COLOURS.rule });
    }
    lines.forEach((line, j) => {
      const top = y + Math.round((h - lines.length * lineH) / 2) + j * lineH;
      items.push(
        text(line, b.margin + markerW, centredBaseline(top, lineH, size), size, {
          bold: selected,
          fill: selected ? COLOURS.selectedText : COLOURS.text,
        }),
      );
    });
    y += h;
  }
  if (more && end < menu.items.length) moreMarker(MORE_BELOW, y);
  return items;
}
