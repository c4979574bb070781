/**
 * Pages for a text too long for the panel at its legible floor (issue 12 §2: "the layout scrolls
 * or splits it over pages, never shrinks below the floor"). The body's wrapped lines are dealt
 * onto pages of the room there is; the page shown is the flow's count of ▲▼ presses modulo the
 * page count (the flow cannot know how many pages a panel makes), with "Halaman 1/2" under it.
 * On a touch panel ▲▼ targets beside the text turn the pages.
 *
 *   ┌ body ──────────────────────────────┐┌ ▲ ┐
 *   │ line 1 … line k                    ││   │
 *   │                       Halaman 1/2  │└ ▼ ┘
 *   └────────────────────────────────────┘
 */
import { COLOURS, centredBaseline, type Item, text } from './layout-text.ts';
import type { ScreenModel } from './screen-model.ts';
import { BUTTON_KEYS, HINT, pageOf } from './text-id.ts';
import type { TouchTarget } from './touch-targets.ts';

export interface WrappedLine {
  t: string;
  bold: boolean;
}

/** One page: its lines, each marked when it starts a paragraph (a gap above it). */
export type Page = { line: WrappedLine; starts: boolean }[];

/**
 * Deals paragraphs of wrapped lines onto pages of `room` px: as many whole lines as fit, a
 * paragraph's gap only between lines on the same page. Every line is on exactly one page, in
 * order, so the pages read together are the whole text.
 */
export function splitPages(paragraphs: WrappedLine[][], room: number, lh: number, paraGap: number): Page[] {
  const pages: Page[] = [];
  let page: Page = [];
  let used = 0;
  for (const para of paragraphs) {
    para.forEach((line, i) => {
      const starts = i === 0;
      const need = lh + (starts && page.length > 0 ? paraGap : 0);
      if (page.length > 0 && used + need > room) {
        pages.push(page);
        page = [];
        used = 0;
      }
      used += page.length > 0 ? need : lh;
      page.push({ line, starts });
    });
  }
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

/** The page to show: the flow's press count taken round the pages (▼ on the last shows the first). */
export function shownPage(model: ScreenModel, pages: number): number {
  const n = Math.max(1, pages);
  return (((model.page ?? 0) % n) + n) % n;
}

/** The model as the hint bar sees a paged screen: ▲▼ turn the pages. */
export function withPageHints(model: ScreenModel): ScreenModel {
  return { ...model, hints: { ...model.hints, up: HINT.page, down: HINT.page } };
}

/** "Halaman 1/2" at the right of a row at the bottom of the body, at the floor size. */
export function pageIndicator(
  page: number,
  pages: number,
  b: { right: number; top: number; height: number; floor: number },
): Item {
  return text(pageOf(page, pages), b.right, centredBaseline(b.top, b.height, b.floor), b.floor, {
    fill: COLOURS.muted,
    anchor: 'end',
  });
}

/** Height of the "Halaman 1/2" row. */
export function indicatorRowH(floor: number): number {
  return Math.round(floor * 1.4);
}

/**
 * ▲ / ▼ targets, each at least `T` high: stacked in a column of `w` px when the height allows,
 * else side by side (the column is then 2w + gap wide). Their actions are `up` / `down`.
 */
export function arrowTargets(
  a: { x: number; top: number; h: number; w: number; T: number; gap: number; size: number; rx: number },
  enabled: { up: boolean; down: boolean },
  action: (dir: 'up' | 'down') => TouchTarget['action'],
  targets: TouchTarget[],
): Item[] {
  const sideBySide = a.h < 2 * a.T + a.gap;
  const arrowH = sideBySide ? Math.max(a.T, a.h) : Math.max(a.T, Math.floor((a.h - a.gap) / 2));
  const arrows: [string, 'up' | 'down', number, number][] = sideBySide
    ? [
        [BUTTON_KEYS.up, 'up', a.x, a.top],
        [BUTTON_KEYS.down, 'down', a.x + a.w + a.gap, a.top],
      ]
    : [
        [BUTTON_KEYS.up, 'up', a.x, a.top],
        [BUTTON_KEYS.down, 'down', a.x, a.top + arrowH + a.gap],
      ];
  const items: Item[] = [];
  for (const [glyph, dir, x, y] of arrows) {
    const on = enabled[dir];
    items.push({
      kind: 'rect',
      x,
      y,
      w: a.w,
      h: arrowH,
      fill: on ? COLOURS.keyBg : COLOURS.progressTrack,
      rx: a.rx,
    });
    items.push(
      text(glyph, x + Math.round(a.w / 2), centredBaseline(y, arrowH, a.size), a.size, {
        bold: true,
        fill: on ? COLOURS.keyText : COLOURS.muted,
        anchor: 'middle',
      }),
    );
    targets.push({ x, y, w: a.w, h: arrowH, action: action(dir) });
  }
  return items;
}

/** Width the arrows take beside a body of height `h` (one column, or two side by side). */
export function arrowColumnWidth(h: number, w: number, T: number, gap: number): number {
  return h < 2 * T + gap ? 2 * w + gap : w;
}
