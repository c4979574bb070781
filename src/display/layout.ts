/**
 * Screen model → positioned shapes and measured text for a canvas of any size. Designed at
 * 480×320 and scaled; text is measured with the shipped font's own widths, so it wraps, then
 * shrinks down to the panel's legible floor, and past that goes over pages the resident turns
 * with ▲▼ ("Halaman 1/2"); nothing is cut with "…" and nothing leaves the canvas.
 *
 *   ┌ status bar: village · ● printer · ● network · time ┐
 *   │ title band (tone colour, 1–2 lines)                 │
 *   │ body: lines (first bold) · menu window · progress   │
 *   └ hint bar: [◀] Batal   [▲▼] Pilih   [OK] Lanjut      ┘
 */
import { type Band, hintBarHeight, hintBarItems, statusBarHeight, statusBarItems } from './layout-bars.ts';
import { bodyLayout } from './layout-body.ts';
import { layoutCalibration } from './layout-calibration.ts';
import { bodyWithImage } from './layout-image.ts';
import { withPageHints } from './layout-pages.ts';
import { COLOURS, centredBaseline, fitLines, type Item, type Layout, text } from './layout-text.ts';
import { layoutTouchScreen } from './layout-touch.ts';
import { textFloorPx } from './legibility.ts';
import type { ScreenModel } from './screen-model.ts';

export { bodyItems } from './layout-body.ts';
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
  const gap = Math.round(8 * s);
  const bodyTop = statusH + bandH + gap;
  const plan = (m: ScreenModel) => {
    const hintH = hintBarHeight(m, { width: W, scale: s, margin, floor: head.floor });
    const height = H - hintH - gap - bodyTop;
    const body: Band = { width: W, top: bodyTop, height, scale: s, margin, floor: head.floor };
    return { hints: m, hintH, body };
  };
  // A text split over pages says so in the hint bar: ▲▼ Halaman (the bar may grow, so again).
  let p = plan(model);
  // An announcement's picture goes under its text where there is room (never on a paged text).
  let body = bodyWithImage(model, p.body);
  if (body.pages > 1) {
    p = plan(withPageHints(model));
    body = bodyLayout(model, p.body);
  }
  const items: Item[] = [...head.items, ...body.items];
  items.push(
    ...hintBarItems(p.hints, {
      width: W,
      top: H - p.hintH,
      height: p.hintH,
      scale: s,
      margin,
      floor: head.floor,
    }),
  );
  const bands: Layout['bands'] = [
    { name: 'status', top: 0, bottom: statusH },
    { name: 'title', top: statusH, bottom: statusH + bandH },
    { name: 'body', top: p.body.top, bottom: p.body.top + p.body.height },
    { name: 'hints', top: H - p.hintH, bottom: H },
  ];
  const pages = body.pages > 1 ? { shown: body.page, count: body.pages } : undefined;
  return { width: W, height: H, background: COLOURS.background, items, bands, ...(pages && { pages }) };
}

/** The status bar and the title band every screen starts with, and the measures below them. */
export function headerItems(model: ScreenModel, canvas: Canvas) {
  const { width: W, height: H } = canvas;
  const s = scaleFor(W, H);
  const margin = Math.round(12 * s);
  const floor = textFloorPx(W, H);
  // A 2.8" panel (240 px on its short side) needs its height for the body more than the status
  // bar needs the village's name (the idle screen names it).
  const compact = Math.min(W, H) < 300;
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
