/**
 * A menu on a touch panel: tappable rows around the selection, ▲▼ arrows on the right, the
 * whole list a drag region. Every item is shown whole: one that does not fit on one line wraps
 * and its row grows (never cut with "…"); the list scrolls to show the others.
 */
import { menuWindow } from './layout-body.ts';
import { arrowColumnWidth, arrowTargets } from './layout-pages.ts';
import { COLOURS, centredBaseline, type Item, text, wrapText } from './layout-text.ts';
import type { ScreenModel } from './screen-model.ts';
import type { TouchTarget } from './touch-targets.ts';

type Menu = NonNullable<ScreenModel['menu']>;

export interface ListArea {
  top: number;
  h: number;
  W: number;
  margin: number;
  s: number;
  /** Smallest target height (9 mm). */
  T: number;
  /** Largest text size. */
  f: number;
  floor: number;
}

/** Sizes of the list's rows: at the largest size where every item takes the fewest lines (1–3). */
export function listPlan(menu: Menu, l: Omit<ListArea, 'top'>, arrows = true) {
  const gap = Math.round(8 * l.s);
  const arrowW = Math.max(l.T, Math.round(l.f * 2.2));
  const aGap = Math.round(4 * l.s);
  const columnW = arrows ? arrowColumnWidth(l.h, arrowW, l.T, aGap) + gap : 0;
  const listW = l.W - 2 * l.margin - columnW;
  const inset = Math.round(10 * l.s);
  const room = listW - 2 * inset;
  let size = l.floor;
  let wrapped: string[][] | null = null;
  search: for (let lines = 1; lines <= 3; lines++) {
    for (let f = l.f; f >= l.floor; f--) {
      const w = menu.items.map((label) => wrapText(label, room, f, true));
      if (w.every((x) => x.length <= lines)) {
        size = f;
        wrapped = w;
        break search;
      }
    }
  }
  // Longer than three lines even at the floor (a 60-letter word on a 2.8" panel): each item
  // takes the lines it needs.
  wrapped ??= menu.items.map((label) => wrapText(label, room, size, true));
  const rows = (lineH: number, pad: number) =>
    (wrapped ?? []).map((w) =>
      Math.max(l.T, w.length > 1 ? w.length * lineH + Math.round(size * pad) : Math.round(size * 1.6)),
    );
  let lineH = Math.round(size * 1.22);
  let heights = rows(lineH, 0.5);
  // An item taller than the list (a 60-letter word on a 2.8" panel): its lines closer together.
  if (Math.max(...heights) > l.h) {
    lineH = Math.round(size * 1.12);
    heights = rows(lineH, 0.3);
  }
  return { size, lineH, wrapped, heights, arrowW, aGap, listW, inset, gap };
}

/**
 * Tappable rows around the selection, ▲▼ arrows on the right (unless `arrows` is false: the
 * caller put them elsewhere), the whole list a drag region.
 */
export function listItems(menu: Menu, l: ListArea, targets: TouchTarget[], arrows = true): Item[] {
  const items: Item[] = [];
  const n = menu.items.length;
  const { size, lineH, wrapped, heights, arrowW, aGap, listW, inset } = listPlan(menu, l, arrows);
  const sel = Math.min(Math.max(0, menu.selected), Math.max(0, n - 1));
  const { start, end } = menuWindow(heights, sel, l.h, 0);
  const shownH = heights.slice(start, end).reduce((a, h) => a + h, 0);
  targets.push({
    x: l.margin,
    y: l.top,
    w: listW,
    h: shownH,
    action: { kind: 'list', row_px: Math.min(...heights, l.T * 2) },
  });
  let y = l.top;
  for (let i = start; i < end; i++) {
    const rowH = heights[i] ?? l.T;
    const selected = i === sel;
    items.push({
      kind: 'rect',
      x: l.margin,
      y: y + 2,
      w: listW,
      h: rowH - 4,
      fill: selected ? COLOURS.selected : '#eef1f5',
      rx: Math.round(8 * l.s),
      stroke: selected ? undefined : COLOURS.rule,
    });
    const shown = wrapped[i] ?? [''];
    const top = y + Math.round((rowH - shown.length * lineH) / 2);
    shown.forEach((line, j) => {
      items.push(
        text(line, l.margin + inset, centredBaseline(top + j * lineH, lineH, size), size, {
          bold: selected,
          fill: selected ? COLOURS.selectedText : COLOURS.text,
        }),
      );
    });
    targets.push({ x: l.margin, y, w: listW, h: rowH, action: { kind: 'select', index: i } });
    y += rowH;
  }
  if (!arrows) return items;
  const column = {
    x: l.W - l.margin - arrowColumnWidth(l.h, arrowW, l.T, aGap),
    top: l.top,
    // Stacked arrows need 2T; the area has it (else they sit side by side, a row's height).
    h: l.h < 2 * l.T + aGap ? Math.max(l.T, shownH) : Math.max(2 * l.T + aGap, shownH),
    w: arrowW,
    T: l.T,
    gap: aGap,
    size: l.f,
    rx: Math.round(8 * l.s),
  };
  const enabled = { up: sel > 0, down: sel < n - 1 };
  items.push(...arrowTargets(column, enabled, (button) => ({ kind: 'button', button }), targets));
  return items;
}
