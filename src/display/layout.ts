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
import { type Band, hintBarItems, statusBarItems } from './layout-bars.ts';
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

/** Lays out one screen. Pure: the same model and canvas always give the same layout. */
export function layoutScreen(model: ScreenModel, canvas: Canvas): Layout {
  // A touch panel gets finger-sized targets; the hit regions come from that same layout.
  if (model.touch) return layoutTouchScreen(model, canvas, model.touch);
  const { width: W, height: H } = canvas;
  const head = headerItems(model, canvas);
  const { s, margin, statusH, bandH } = head;
  const hintH = Math.round(46 * s);
  const items: Item[] = [...head.items];
  const gap = Math.round(8 * s);
  const body: Band = {
    width: W,
    top: statusH + bandH + gap,
    height: H - hintH - gap - (statusH + bandH + gap),
    scale: s,
    margin,
  };
  items.push(...bodyItems(model, body));
  items.push(...hintBarItems(model, { width: W, top: H - hintH, height: hintH, scale: s, margin }));
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
  const statusH = Math.round(30 * s);
  const items: Item[] = [];
  items.push(...statusBarItems(model.status, { width: W, top: 0, height: statusH, scale: s, margin }));

  const title = fitLines(model.title, W - 2 * margin, Math.round(26 * s), Math.round(18 * s), 2, true);
  const titleLH = Math.round(title.size * 1.2);
  const pad = Math.round(7 * s);
  const bandH = title.lines.length * titleLH + 2 * pad;
  items.push({ kind: 'rect', x: 0, y: statusH, w: W, h: bandH, fill: COLOURS.tone[model.tone] });
  title.lines.forEach((line, i) => {
    const y = centredBaseline(statusH + pad + i * titleLH, titleLH, title.size);
    items.push(text(line, margin, y, title.size, { bold: true, fill: '#ffffff' }));
  });
  return { items, s, margin, statusH, bandH };
}

interface BodyPlan {
  fits: boolean;
  items: Item[];
}

/** The body (lines, menu window, progress) at the largest size that fits the band. */
export function bodyItems(model: ScreenModel, b: Band): Item[] {
  const maxF = Math.round(23 * b.scale);
  const minF = Math.max(12, Math.round(15 * b.scale));
  for (let f = maxF; f > minF; f--) {
    const plan = planBody(model, b, f, false);
    if (plan.fits) return plan.items;
  }
  return planBody(model, b, minF, true).items;
}

/** Tries one body font size; with `force`, fits whatever it can (cutting lines, fewer menu rows). */
function planBody(model: ScreenModel, b: Band, f: number, force: boolean): BodyPlan {
  const width = b.width - 2 * b.margin;
  const lh = Math.round(f * 1.28);
  const paraGap = Math.round(f * 0.3);
  const lines = model.lines.filter((l) => l !== '');
  let wrapped = lines.map((l, i) => wrapText(l, width, f, i === 0).map((t) => ({ t, bold: i === 0 })));
  const heightOf = (w: typeof wrapped) =>
    w.reduce((h, p) => h + p.length * lh, 0) + paraGap * Math.max(0, w.length - 1);
  const progressH = model.progress === undefined ? 0 : Math.round(28 * b.scale) + paraGap * 2;
  const menu = model.menu;
  const rowH = Math.round(f * 1.5);
  const menuGap = lines.length > 0 && menu ? Math.round(f * 0.5) : 0;
  let linesH = heightOf(wrapped);
  const menuRoom = b.height - linesH - progressH - menuGap;
  const menuMin = !menu
    ? 0
    : menu.items.length * rowH <= menuRoom
      ? menu.items.length * rowH
      : Math.min(menu.items.length, force ? 1 : 3) * rowH + 2 * Math.round(f * 0.85);
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
      kept[keep - 1] = { t: ellipsize(`${last.t} …`, width, f, last.bold), bold: last.bold };
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
        text(line.t, b.margin, centredBaseline(y, lh, f), f, { bold: line.bold, fill: COLOURS.text }),
      );
      y += lh;
    }
    y += paraGap;
  }
  if (wrapped.length > 0) y -= paraGap;
  if (model.progress !== undefined) items.push(...progressItems(model.progress, b, y + paraGap * 2, f));
  if (menu) items.push(...menuItems(menu, b, y + menuGap, b.top + b.height, f, rowH, force));
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

/** A window of the menu around the selection, with "▲ lainnya" / "▼ lainnya" when items are hidden. */
function menuItems(
  menu: NonNullable<ScreenModel['menu']>,
  b: Band,
  top: number,
  bottom: number,
  f: number,
  rowH: number,
  force: boolean,
): Item[] {
  const n = menu.items.length;
  const avail = bottom - top;
  const indH = Math.round(f * 0.85);
  let visible = Math.floor(avail / rowH);
  let more = false;
  if (visible < n) {
    more = true;
    visible = Math.max(force ? 1 : Math.min(n, 3), Math.floor((avail - 2 * indH) / rowH));
  }
  visible = Math.min(visible, n);
  const sel = Math.min(Math.max(0, menu.selected), Math.max(0, n - 1));
  const start = Math.min(Math.max(0, sel - Math.floor((visible - 1) / 2)), Math.max(0, n - visible));
  const items: Item[] = [];
  const small = Math.max(10, Math.round(f * 0.7));
  const inset = Math.round(6 * b.scale);
  const marker = '▶';
  const markerW = Math.round(textWidth(marker, f, true) + f * 0.5);
  const width = b.width - 2 * b.margin;
  // One size for every item (measured bold, as when selected), so the list looks even while scrolling.
  const room = width - markerW - inset;
  const widest = Math.max(0, ...menu.items.map((label) => textWidth(label, f, true)));
  const size = Math.max(Math.round(f * 0.8), Math.min(f, Math.floor((f * room) / Math.max(1, widest))));
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
    const shown = ellipsize(label, room, size, selected);
    if (selected) {
      items.push({
        kind: 'rect',
        x: b.margin - inset,
        y: y + 1,
        w: width + 2 * inset,
        h: rowH - 2,
        fill: COLOURS.selected,
        rx: Math.round(6 * b.scale),
      });
      items.push(
        text(marker, b.margin, centredBaseline(y, rowH, f), f, { bold: true, fill: COLOURS.selectedText }),
      );
    } else if (i + 1 < start + visible && i + 1 !== sel) {
      items.push({ kind: 'rect', x: b.margin, y: y + rowH - 1, w: width, h: 1, fill: COLOURS.rule });
    }
    items.push(
      text(shown, b.margin + markerW, centredBaseline(y, rowH, size), size, {
        bold: selected,
        fill: selected ? COLOURS.selectedText : COLOURS.text,
      }),
    );
    y += rowH;
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
