/**
 * The touch layout: the same screens as layout.ts, laid out for fingers. Every choice is a
 * target at least `target_px` high (9 mm on the panel); menus are lists of tappable rows that
 * scroll by drag, with ▲▼ arrows beside them for those who do not drag; the bottom bar holds
 * large *Batal* / *Kembali* / *Lanjut* (*Cetak* on confirm) targets. The targets are returned
 * with the drawing, so the hit regions and the pixels cannot disagree.
 *
 *   ┌ status bar ─────────────────────────────────────┐
 *   │ title band                                       │
 *   │ lines                                            │
 *   │ ┌ row (select i) ─────────────────────┐ ┌ ▲ ┐   │
 *   │ │ row …          (drag: list)         │ │ ▼ │   │
 *   └ [Batal]  [Kembali]               [   Lanjut   ] ┘
 */
import { textWidth } from './fonts.ts';
import type { Canvas } from './layout.ts';
import { bodyItems, headerItems } from './layout.ts';
import { type Band, hintBarHeight, hintBarItems } from './layout-bars.ts';
import { bodyLayout } from './layout-body.ts';
import { bodyWithImage } from './layout-image.ts';
import { arrowColumnWidth, arrowTargets } from './layout-pages.ts';
import { COLOURS, centredBaseline, fitLines, type Item, type Layout, text, wrapText } from './layout-text.ts';
import { listItems, listPlan } from './layout-touch-list.ts';
import type { ScreenModel, TouchOptions } from './screen-model.ts';
import { BUTTON_KEYS } from './text-id.ts';
import type { TouchAction, TouchTarget } from './touch-targets.ts';

interface ActionButton {
  label: string;
  /** The physical button that does the same, drawn as a key chip when buttons exist. */
  key: string | null;
  action: TouchAction;
  fill: string;
  /** The way forward: wider, at the right. */
  primary: boolean;
}

function actionButtons(model: ScreenModel, opts: TouchOptions): ActionButton[] {
  const out: ActionButton[] = [];
  const key = (k: keyof typeof BUTTON_KEYS) => (opts.buttons ? BUTTON_KEYS[k] : null);
  if (model.repeat !== undefined) {
    const action: TouchAction = { kind: 'repeat' };
    out.push({ label: model.repeat, key: null, action, fill: COLOURS.tone.normal, primary: false });
  }
  if (model.cancel !== undefined)
    out.push({
      label: model.cancel,
      key: null,
      action: { kind: 'cancel' },
      fill: COLOURS.muted,
      primary: false,
    });
  if (model.hints.back !== undefined) {
    const action: TouchAction = { kind: 'button', button: 'back' };
    out.push({ label: model.hints.back, key: key('back'), action, fill: COLOURS.keyBg, primary: false });
  }
  if (model.hints.ok !== undefined) {
    const action: TouchAction = { kind: 'button', button: 'ok' };
    out.push({ label: model.hints.ok, key: key('ok'), action, fill: COLOURS.okKeyBg, primary: true });
  }
  return out;
}

export function layoutTouchScreen(model: ScreenModel, canvas: Canvas, opts: TouchOptions): Layout {
  const { width: W, height: H } = canvas;
  const head = headerItems(model, canvas);
  const { s, margin, statusH, bandH } = head;
  const items: Item[] = [...head.items];
  const targets: TouchTarget[] = [];
  const T = opts.target_px;
  const pad = Math.round(6 * s);
  const { floor } = head;
  const barHeight = (rows: ActionButton[][]) => rows.length * (T + pad) + pad;
  let buttons = actionButtons(model, opts);
  let rows = barRows(buttons, { W, margin, s, floor, T });
  // A 2.8" panel has no room for a second row of targets above a list: Ulangi gives way (a long
  // press of OK still repeats), so that at least one item of the list is a whole target (and
  // a text split over pages has room for its ▲▼ targets).
  const bodyRoom = (rs: ActionButton[][]) => H - barHeight(rs) - (statusH + bandH) - Math.round(16 * s);
  if (
    model.repeat !== undefined &&
    rows.length > 1 &&
    bodyRoom(rows) < (model.menu ? 2 * T : Math.max(2 * floor, T))
  ) {
    buttons = buttons.filter((b) => b.action.kind !== 'repeat');
    rows = barRows(buttons, { W, margin, s, floor, T });
  }
  const barH =
    buttons.length > 0 ? barHeight(rows) : hintBarHeight(model, { width: W, scale: s, margin, floor });
  const barTop = H - barH;
  if (buttons.length > 0) {
    items.push(
      { kind: 'rect', x: 0, y: barTop, w: W, h: barH, fill: '#eef1f5' },
      { kind: 'rect', x: 0, y: barTop, w: W, h: Math.max(1, Math.round(s)), fill: COLOURS.rule },
    );
  }
  const gap = Math.round(8 * s);
  const bodyTop = statusH + bandH + gap;
  const bodyH = barTop - gap - bodyTop;
  const f = Math.max(floor, Math.round(22 * s));
  const area = { W, margin, s, T, f, floor };
  // A list whose selected item has no room beside the ▲▼ column (a 2.8" panel): the arrows move
  // to the row of the way forward, and the list takes the whole width.
  const arrowsInBar =
    model.menu !== undefined &&
    model.id !== 'done' &&
    rows.length > 1 &&
    rows.at(-1)?.every((b) => b.primary) === true &&
    (listPlan(model.menu, { ...area, h: bodyH }).heights[model.menu.selected] ?? 0) > bodyH;
  if (buttons.length > 0) {
    rows.forEach((row, r) => {
      const y = barTop + pad + r * (T + pad);
      let left = margin;
      if (arrowsInBar && r === rows.length - 1) {
        const column = {
          x: margin,
          top: y,
          h: T,
          w: T,
          T,
          gap: Math.round(4 * s),
          size: f,
          rx: Math.round(8 * s),
        };
        const sel = model.menu?.selected ?? 0;
        const enabled = { up: sel > 0, down: sel < (model.menu?.items.length ?? 0) - 1 };
        items.push(...arrowTargets(column, enabled, (button) => ({ kind: 'button', button }), targets));
        left = margin + arrowColumnWidth(T, T, T, column.gap) + gapOf(s);
      }
      items.push(...actionRow(row, { W, y, h: T, margin, left, s, floor }, targets));
    });
  } else items.push(...hintBarItems(model, { width: W, top: barTop, height: barH, scale: s, margin, floor }));

  const band = { width: W, top: bodyTop, height: bodyH, scale: s, margin, floor };
  // The rating's answers (done screen) are few and short: side by side; every other menu is a list.
  const choices = model.id === 'done' && model.menu ? choiceRow(model.menu, W, margin, s, floor) : null;
  // A text split over pages (▲▼ targets beside it): which page, of how many.
  const paged: { shown: number; count: number }[] = [];
  if (!model.menu) {
    items.push(...touchBody(model, band, { T, f }, targets, paged));
  } else if (choices) {
    // A few short answers (the rating): side by side, one large target each, under the lines.
    const rowTop = barTop - gap - T;
    const lines = { ...model, menu: undefined };
    items.push(...touchBody(lines, { ...band, height: rowTop - gap - bodyTop }, { T, f }, targets, paged));
    items.push(...choices(rowTop, T, targets));
  } else {
    const lh = Math.round(f * 1.3);
    // Headings wrap rather than being cut: as many lines as they need at the list's size…
    const count = (lines: string[]) =>
      lines.reduce((n, l, i) => n + wrapText(l, W - 2 * margin, f, i === 0).length, 0);
    // …but the list keeps room for its selected item, whole: the lines that repeat the hint bar
    // give way first, then the heading (the choice of the step before) as a whole.
    const menu = model.menu;
    const selH = (h: number) => listPlan(menu, { ...area, h }, !arrowsInBar).heights[menu.selected] ?? T;
    const full = barTop - gap - bodyTop;
    const fits = (n: number) => n * lh + gap + selH(full - n * lh - gap) <= full;
    const essential = model.lines.slice(0, model.optional_from ?? model.lines.length);
    const heading = [model.lines, essential].find((lines) => lines.length > 0 && fits(count(lines))) ?? [];
    const linesH = count(heading) * lh;
    if (linesH > 0)
      items.push(...bodyItems({ ...model, lines: heading, menu: undefined }, { ...band, height: linesH }));
    const listTop = bodyTop + linesH + (linesH > 0 ? gap : 0);
    const list = { ...area, top: listTop, h: barTop - gap - listTop };
    items.push(...listItems(menu, list, targets, !arrowsInBar));
  }
  const bands: Layout['bands'] = [
    { name: 'status', top: 0, bottom: statusH },
    { name: 'title', top: statusH, bottom: statusH + bandH },
    { name: 'body', top: bodyTop, bottom: bodyTop + bodyH },
    { name: 'hints', top: barTop, bottom: H },
  ];
  const pages = paged[0];
  return {
    width: W,
    height: H,
    background: COLOURS.background,
    items,
    bands,
    targets,
    ...(pages && { pages }),
  };
}

interface BarMetrics {
  W: number;
  margin: number;
  s: number;
  floor: number;
  T: number;
}

const gapOf = (s: number) => Math.round(10 * s);
const padXOf = (s: number) => Math.round(12 * s);

/** What a target needs to show its word at the floor size (never less than a square). */
function needOf(btn: ActionButton, floor: number, s: number, h: number): number {
  return Math.max(h, textWidth(btn.label, floor, true) + 2 * padXOf(s));
}

/**
 * One row when the words fit at the floor size; else the secondary targets fill rows as they
 * fit and the way forward gets a row of its own.
 */
function barRows(buttons: ActionButton[], m: BarMetrics): ActionButton[][] {
  const room = m.W - 2 * m.margin;
  const gap = gapOf(m.s);
  const width = (row: ActionButton[]) =>
    row.reduce((sum, b) => sum + needOf(b, m.floor, m.s, m.T), 0) + gap * Math.max(0, row.length - 1);
  if (width(buttons) <= room || buttons.length < 2) return [buttons];
  const rows: ActionButton[][] = [];
  for (const b of buttons.filter((x) => !x.primary)) {
    const last = rows.at(-1);
    if (last && width([...last, b]) <= room) last.push(b);
    else rows.push([b]);
  }
  const primary = buttons.filter((b) => b.primary);
  if (primary.length > 0) rows.push(primary);
  return rows;
}

function actionRow(
  buttons: ActionButton[],
  b: { W: number; y: number; h: number; margin: number; left?: number; s: number; floor: number },
  targets: TouchTarget[],
): Item[] {
  const items: Item[] = [];
  const gap = gapOf(b.s);
  const left0 = b.left ?? b.margin;
  const room = b.W - b.margin - left0 - gap * (buttons.length - 1);
  // Each secondary target as wide as its word needs at the floor; the way forward takes what
  // is left, so Kembali is never cut for a wide Lanjut. Alone on its row, it spans the row.
  const need = (btn: ActionButton) => needOf(btn, b.floor, b.s, b.h);
  const secondary = buttons.filter((x) => !x.primary);
  const fair = buttons.length === 1 ? room : room / (buttons.length + 0.6);
  const widths = new Map<ActionButton, number>();
  for (const btn of secondary) widths.set(btn, Math.round(Math.max(fair, need(btn))));
  const left = room - [...widths.values()].reduce((a, w) => a + w, 0);
  for (const btn of buttons)
    if (btn.primary) widths.set(btn, Math.round(Math.max(need(btn), Math.min(left, fair * 1.6))));
  const { h, y } = b;
  let x = left0;
  buttons.forEach((btn, i) => {
    const w = widths.get(btn) ?? 0;
    if (btn.primary && i === buttons.length - 1) x = b.W - b.margin - w;
    items.push({ kind: 'rect', x, y, w, h, fill: btn.fill, rx: Math.round(8 * b.s) });
    targets.push({ x, y, w, h, action: btn.action });
    const maxF = Math.max(b.floor, Math.round(21 * b.s));
    const inner = w - Math.round(12 * b.s);
    // The key chip goes first when room is short: the word is what a resident reads.
    const keyW0 = btn.key ? Math.round(textWidth(btn.key, maxF, true) + maxF * 0.8) : 0;
    const withKey = keyW0 > 0 && textWidth(btn.label, b.floor, true) + keyW0 <= inner;
    const keyW = withKey ? keyW0 : 0;
    const fit = fitLines(btn.label, inner - keyW, maxF, b.floor, 1, true);
    const baseline = centredBaseline(y, h, fit.size);
    const labelW = textWidth(fit.lines[0] ?? '', fit.size, true);
    let cx = x + Math.round((w - labelW - keyW) / 2);
    if (withKey && btn.key) {
      const kh = Math.round(h * 0.62);
      items.push({
        kind: 'rect',
        x: cx,
        y: y + Math.round((h - kh) / 2),
        w: keyW - Math.round(maxF * 0.3),
        h: kh,
        fill: '#ffffff',
        rx: Math.round(4 * b.s),
      });
      items.push(
        text(btn.key, cx + Math.round((keyW - maxF * 0.3) / 2), baseline, fit.size, {
          bold: true,
          fill: btn.fill,
          anchor: 'middle',
        }),
      );
      cx += keyW;
    }
    items.push(text(fit.lines[0] ?? '', cx, baseline, fit.size, { bold: true, fill: '#ffffff' }));
    x += w + gap;
  });
  return items;
}

/** Up to three answers that each fit a third of the width at the floor: a row of big targets. */
function choiceRow(
  menu: NonNullable<ScreenModel['menu']>,
  W: number,
  margin: number,
  s: number,
  floor: number,
): ((top: number, h: number, targets: TouchTarget[]) => Item[]) | null {
  const n = menu.items.length;
  const gap = Math.round(10 * s);
  const w = Math.floor((W - 2 * margin - gap * (n - 1)) / Math.max(1, n));
  const size = Math.max(floor, Math.round(22 * s));
  if (n === 0 || n > 3 || menu.items.some((label) => textWidth(label, size, true) > w - 2 * padXOf(s)))
    return null;
  return (top, h, targets) => {
    const items: Item[] = [];
    menu.items.forEach((label, i) => {
      const x = margin + i * (w + gap);
      const selected = i === menu.selected;
      items.push({
        kind: 'rect',
        x,
        y: top,
        w,
        h,
        fill: selected ? COLOURS.selected : '#eef1f5',
        rx: Math.round(8 * s),
        stroke: selected ? undefined : COLOURS.rule,
      });
      items.push(
        text(label, x + Math.round(w / 2), centredBaseline(top, h, size), size, {
          bold: true,
          fill: selected ? COLOURS.selectedText : COLOURS.text,
          anchor: 'middle',
        }),
      );
      targets.push({ x, y: top, w, h, action: { kind: 'select', index: i } });
    });
    return items;
  };
}

/**
 * The lines of a screen without a list. Too long for the panel at the floor, they go over pages
 * with ▲▼ targets beside them (9 mm, as every target) that turn the pages.
 */
function touchBody(
  model: ScreenModel,
  band: Band,
  m: { T: number; f: number },
  targets: TouchTarget[],
  pages: { shown: number; count: number }[],
): Item[] {
  const whole = bodyWithImage(model, band, { indicator: false });
  if (whole.pages <= 1) return whole.items;
  const gap = Math.round(8 * band.scale);
  const arrowW = Math.max(m.T, Math.round(m.f * 2.2));
  const aGap = Math.round(4 * band.scale);
  const columnW = arrowColumnWidth(band.height, arrowW, m.T, aGap);
  const paged = bodyLayout(model, { ...band, width: band.width - columnW - gap }, { indicator: false });
  pages.push({ shown: paged.page, count: paged.pages });
  const column = {
    x: band.width - band.margin - columnW,
    top: band.top,
    h: band.height,
    w: arrowW,
    T: m.T,
    gap: aGap,
    size: m.f,
    rx: Math.round(8 * band.scale),
  };
  const arrows = arrowTargets(
    column,
    { up: true, down: true },
    (dir) => ({ kind: 'page', delta: dir === 'down' ? 1 : -1 }),
    targets,
  );
  return [...paged.items, ...arrows];
}
