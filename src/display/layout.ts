/**
 * Screen model → positioned shapes and measured text for a canvas of any size. Designed at
 * 480×320 and scaled; text is measured with the shipped font's own widths, so it wraps, then
 * shrinks, and only as a last resort ends in "…"; nothing leaves the canvas.
 *
 *   ┌ status bar: village · ● printer · ● network · time ┐
 *   │ title band (tone colour, 1–2 lines)                 │
 *   │ body: lines (first bold) · menu window · progress   │
 *   └ hint bar: [◀] Batal   [▲▼] Pilih   [OK] Lanjut      ┘
 */
import { textWidth } from './fonts.ts';
import { type Band, hintBarHeight, hintBarItems, statusBarHeight, statusBarItems } from './layout-bars.ts';
import { layoutCalibration } from './layout-calibration.ts';
import {
  COLOURS,
  centredBaseline,
  ellipsize,
  fitLines,
  type Item,
  type Layout,
  text,
  wrapText,
} from './layout-text.ts';
import { layoutTouchScreen } from './layout-touch.ts';
import { textFloorPx } from './legibility.ts';
import type { ScreenModel } from './screen-model.ts';
import { MORE_ABOVE, MORE_BELOW } from './text-id.ts';

export type { Item, Layout, TextItem } from './layout-text.ts';

export interface Canvas {
  width: number;
  height: number;
}

/** Scale against the 480×320 design, for landscape and portrait alike. */
export function scaleFor(width: number, height: number): number {
  return Math.min(Math.min(width, height) / 320, (Math.max(width, height) / 480) * 1.15);
}

/** Layouts already made, per model object and canvas: the frame's render and a touch's hit test share one. */
const laidOut = new WeakMap<ScreenModel, Map<string, Layout>>();

/**
 * Lays out one screen. Pure: the same model and canvas always give the same layout, so it is
 * made once per model object (models are not changed once built) and shared.
 */
export function layoutScreen(model: ScreenModel, canvas: Canvas): Layout {
  const key = `${canvas.width}x${canvas.height}`;
  let byCanvas = laidOut.get(model);
  const cached = byCanvas?.get(key);
  if (cached) return cached;
  const layout = computeLayout(model, canvas);
  if (!byCanvas) {
    byCanvas = new Map();
    laidOut.set(model, byCanvas);
  }
  byCanvas.set(key, layout);
  return layout;
}

function computeLayout(model: ScreenModel, canvas: Canvas): Layout {
  // A touch panel gets finger-sized targets; the hit regions come from that same layout.
  if (model.crosshair) return layoutCalibration(model, canvas, model.crosshair);
  if (model.touch) return layoutTouchScreen(model, canvas, model.touch);
  const { width: W, height: H } = canvas;
  const head = headerItems(model, canvas);
  const { s, margin, statusH, bandH } = head;
  const hintH = hintBarHeight(model, { width: W, scale: s, margin, floor: head.floor });
  const items: Item[] = [...head.items];
  const gap = Math.round(8 * s);
  const body: Band = {
    width: W,
    top: statusH + bandH + gap,
    height: H - hintH - gap - (statusH + bandH + gap),
    scale: s,
    margin,
    floor: head.floor,
  };
  items.push(...bodyItems(model, body));
  items.push(
    ...hintBarItems(model, { width: W, top: H - hintH, height: hintH, scale: s, margin, floor: head.floor }),
  );
  const bands: Layout['bands'] = [
    { name: 'status', top: 0, bottom: statusH },
    { name: 'title', top: statusH, bottom: statusH + bandH },
    { name: 'body', top: body.top, bottom: body.top + body.height },
    { name: 'hints', top: H - hintH, bottom: H },
  ];
  return { width: W, height: H, background: COLOURS.background, items, bands };
}

/** The status bar and the title band every screen starts with, and the measures below them. */
export function headerItems(model: ScreenModel, canvas: Canvas) {
  const { width: W, height: H } = canvas;
  const s = scaleFor(W, H);
  const margin = Math.round(12 * s);
  const floor = textFloorPx(W, H);
  const compact = H < 300;
  const statusH = statusBarHeight(model.status, { width: W, scale: s, margin, floor, compact });
  const items: Item[] = [];
  items.push(
    ...statusBarItems(model.status, { width: W, top: 0, height: statusH, scale: s, margin, floor, compact }),
  );

  const titleMin = Math.max(floor, Math.round(18 * s));
  const title = fitLines(
    model.title,
    W - 2 * margin,
    Math.max(titleMin, Math.round(26 * s)),
    titleMin,
    2,
    true,
  );
  const titleLH = Math.round(title.size * 1.2);
  const pad = Math.round(7 * s);
  const bandH = title.lines.length * titleLH + 2 * pad;
  items.push({ kind: 'rect', x: 0, y: statusH, w: W, h: bandH, fill: COLOURS.tone[model.tone] });
  title.lines.forEach((line, i) => {
    const y = centredBaseline(statusH + pad + i * titleLH, titleLH, title.size);
    items.push(text(line, margin, y, title.size, { bold: true, fill: '#ffffff' }));
  });
  return { items, s, margin, statusH, bandH, floor };
}

interface BodyPlan {
  fits: boolean;
  items: Item[];
}

/** The body (lines, menu window, progress) at the largest size that fits the band. */
export function bodyItems(model: ScreenModel, b: Band): Item[] {
  const minF = Math.max(b.floor, Math.round(15 * b.scale));
  const maxF = Math.max(minF, Math.round(23 * b.scale));
  for (let f = maxF; f >= minF; f--) {
    const plan = planBody(model, b, f, false);
    if (plan.fits) return plan.items;
  }
  // Too much for the panel at the legible floor: leave out the lines that only repeat the hint
  // bar before anything is cut; never shrink below the floor.
  const { optional_from: optional } = model;
  if (optional !== undefined && optional < model.lines.length) {
    const essential = { ...model, lines: model.lines.slice(0, optional), optional_from: undefined };
    return bodyItems(essential, b);
  }
  return planBody(model, b, minF, true).items;
}

/** Tries one body font size; with `force`, fits whatever it can (cutting lines, fewer menu rows). */
function planBody(model: ScreenModel, b: Band, f: number, force: boolean): BodyPlan {
  const width = b.width - 2 * b.margin;
  // A heading above a menu is never larger than its choices.
  const itemSize = model.menu ? menuItemSize(model.menu, b, f) : f;
  const lf = Math.min(f, itemSize);
  const lh = Math.round(lf * 1.28);
  const paraGap = Math.round(lf * 0.3);
  const lines = model.lines.filter((l) => l !== '');
  let wrapped = lines.map((l, i) => wrapText(l, width, lf, i === 0).map((t) => ({ t, bold: i === 0 })));
  const heightOf = (w: typeof wrapped) =>
    w.reduce((h, p) => h + p.length * lh, 0) + paraGap * Math.max(0, w.length - 1);
  const progressH = model.progress === undefined ? 0 : Math.round(28 * b.scale) + paraGap * 2;
  const menu = model.menu;
  const rowH = Math.round(f * 1.5);
  const menuGap = lines.length > 0 && menu ? Math.round(f * 0.5) : 0;
  let linesH = heightOf(wrapped);
  const menuSpace = b.height - linesH - progressH - menuGap;
  const menuMin = !menu
    ? 0
    : menu.items.length * rowH + selectedExtra(menu, menuRoom(b, f), itemSize) <= menuSpace
      ? menu.items.length * rowH + selectedExtra(menu, menuRoom(b, f), itemSize)
      : Math.min(menu.items.length, force ? 1 : 3) * rowH +
        2 * indicatorH(f, b.floor) +
        selectedExtra(menu, menuRoom(b, f), itemSize);
  const fits = linesH + progressH + menuGap + menuMin <= b.height;
  if (!fits && !force) return { fits: false, items: [] };
  if (!fits) {
    // Keep whole wrapped lines while they fit; the last kept one ends in "…".
    const room = b.height - progressH - menuGap - menuMin;
    const flat = wrapped.flat();
    const keep = Math.max(1, Math.floor(room / lh));
    // One paragraph without gaps: the room goes to text.
    const kept = flat.slice(0, keep);
    const last = kept[keep - 1];
    if (last && flat.length > keep) {
      kept[keep - 1] = { t: ellipsize(`${last.t} …`, width, lf, last.bold), bold: last.bold };
    }
    wrapped = [kept];
    linesH = heightOf(wrapped);
  }

  const items: Item[] = [];
  const contentH = linesH + progressH + (menu ? b.height - linesH - progressH : 0);
  let y = b.top + (menu ? 0 : Math.max(0, Math.round((b.height - contentH) * 0.4)));
  for (const para of wrapped) {
    for (const line of para) {
      items.push(
        text(line.t, b.margin, centredBaseline(y, lh, lf), lf, { bold: line.bold, fill: COLOURS.text }),
      );
      y += lh;
    }
    y += paraGap;
  }
  if (wrapped.length > 0) y -= paraGap;
  if (model.progress !== undefined) items.push(...progressItems(model.progress, b, y + paraGap * 2, f));
  if (menu) items.push(...menuItems(menu, b, y + menuGap, b.top + b.height, f, rowH, force, itemSize));
  return { fits: true, items };
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

/** A selected item wraps onto up to this many lines before its last one is cut. */
const MAX_SELECTED_LINES = 4;

/** Width left for a menu item's words (after the ▶ marker and the inset). */
function menuRoom(b: Band, f: number): number {
  return b.width - 2 * b.margin - Math.round(textWidth('▶', f, true) + f * 0.5) - Math.round(6 * b.scale);
}

/** Extra height the selected item takes when it wraps. */
function selectedExtra(menu: NonNullable<ScreenModel['menu']>, room: number, size: number): number {
  const label = menu.items[Math.min(Math.max(0, menu.selected), Math.max(0, menu.items.length - 1))] ?? '';
  const lines = Math.min(MAX_SELECTED_LINES, wrapText(label, room, size, true).length);
  return (lines - 1) * Math.round(size * 1.2);
}

/** Height of a "▲ lainnya" row: its text is never below the floor. */
function indicatorH(f: number, floor: number): number {
  return Math.max(Math.round(f * 0.85), Math.round(Math.max(floor, Math.round(f * 0.7)) * 1.2));
}

/** One size for every item (measured bold, as when selected), shrunk to fit the widest, never below the floor. */
function menuItemSize(menu: NonNullable<ScreenModel['menu']>, b: Band, f: number): number {
  const room = menuRoom(b, f);
  const widest = Math.max(0, ...menu.items.map((label) => textWidth(label, f, true)));
  return Math.max(b.floor, Math.round(f * 0.8), Math.min(f, Math.floor((f * room) / Math.max(1, widest))));
}

/** A window of the menu around the selection, with "▲ lainnya" / "▼ lainnya" when items are hidden. */
function menuItems(
  menu: NonNullable<ScreenModel['menu']>,
  b: Band,
  top: number,
  bottom: number,
  f: number,
  rowH: number,
  force: boolean,
  size: number,
): Item[] {
  const n = menu.items.length;
  const avail = bottom - top;
  const small = Math.max(b.floor, Math.round(f * 0.7));
  const indH = indicatorH(f, b.floor);
  const sel = Math.min(Math.max(0, menu.selected), Math.max(0, n - 1));
  const items: Item[] = [];
  const inset = Math.round(6 * b.scale);
  const marker = '▶';
  const markerW = Math.round(textWidth(marker, f, true) + f * 0.5);
  const width = b.width - 2 * b.margin;
  // One size for every item: a heading above the list is never larger than the choices. The
  // selected item wraps onto more lines (as many as the band holds) rather than being cut.
  const room = menuRoom(b, f);
  const lineH = Math.round(size * 1.2);
  const fitLinesCount = Math.max(1, Math.floor((avail - (n > 1 ? 2 * indH : 0) - (rowH - lineH)) / lineH));
  const selLines = wrapText(menu.items[sel] ?? '', room, size, true).slice(
    0,
    Math.min(MAX_SELECTED_LINES, fitLinesCount),
  );
  const extra = (selLines.length - 1) * lineH;
  let visible = Math.floor((avail - extra) / rowH);
  let more = false;
  if (visible < n) {
    more = true;
    visible = Math.max(force ? 1 : Math.min(n, 3), Math.floor((avail - extra - 2 * indH) / rowH));
  }
  visible = Math.min(visible, n);
  const start = Math.min(Math.max(0, sel - Math.floor((visible - 1) / 2)), Math.max(0, n - visible));
  let y = top;
  if (more) {
    if (start > 0)
      items.push(
        text(MORE_ABOVE, b.width - b.margin, centredBaseline(y, indH, small), small, {
          fill: COLOURS.muted,
          anchor: 'end',
        }),
      );
    y += indH;
  }
  for (let i = start; i < start + visible; i++) {
    const selected = i === sel;
    const label = menu.items[i] ?? '';
    const h = selected ? rowH + extra : rowH;
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
      const last = selLines.length - 1;
      selLines.forEach((line, j) => {
        const shown =
          j === last
            ? ellipsize(wrapText(label, room, size, true).slice(last).join(' '), room, size, true)
            : line;
        const top = y + Math.round((h - selLines.length * lineH) / 2) + j * lineH;
        items.push(
          text(shown, b.margin + markerW, centredBaseline(top, lineH, size), size, {
            bold: true,
            fill: COLOURS.selectedText,
          }),
        );
      });
    } else {
      if (i + 1 < start + visible && i + 1 !== sel)
        items.push({ kind: 'rect', x: b.margin, y: y + rowH - 1, w: width, h: 1, fill: COLOURS.rule });
      items.push(
        text(ellipsize(label, room, size, false), b.margin + markerW, centredBaseline(y, rowH, size), size, {
          bold: false,
          fill: COLOURS.text,
        }),
      );
    }
    y += h;
  }
  if (more && start + visible < n) {
    items.push(
      text(MORE_BELOW, b.width - b.margin, centredBaseline(y, indH, small), small, {
        fill: COLOURS.muted,
        anchor: 'end',
      }),
    );
  }
  return items;
}
