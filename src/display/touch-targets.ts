/**
 * Touch targets: the regions of a laid-out screen a finger may hit, and what each does. They
 * come from the same layout that draws the screen (layout-touch.ts), so what a resident sees
 * is what they can touch. A tap outside every target does nothing.
 */
import type { ButtonName } from '../hardware/buttons.ts';
import type { TouchPoint } from '../hardware/touch.ts';

export type TouchAction =
  /** The same as pressing that button (Lanjut/Cetak = ok, Kembali = back, ▲▼ = up/down). */
  | { kind: 'button'; button: ButtonName }
  /** Choose item `index` of the menu on screen. */
  | { kind: 'select'; index: number }
  /** *Batal*: end the session. */
  | { kind: 'cancel' }
  /** *Ulangi*: say the screen's spoken prompt again. */
  | { kind: 'repeat' }
  /** ▲▼ beside a text split over pages: the next (+1) or previous (−1) page. */
  | { kind: 'page'; delta: 1 | -1 }
  /** A list that scrolls by drag, one item per `row_px` dragged. */
  | { kind: 'list'; row_px: number };

export interface TouchTarget {
  x: number;
  y: number;
  w: number;
  h: number;
  action: TouchAction;
}

function contains(t: TouchTarget, p: TouchPoint): boolean {
  return p.x >= t.x && p.x < t.x + t.w && p.y >= t.y && p.y < t.y + t.h;
}

/** What a tap at `p` does: the topmost tappable target there (lists only scroll), or null. */
export function tapTarget(targets: readonly TouchTarget[], p: TouchPoint): TouchAction | null {
  for (let i = targets.length - 1; i >= 0; i--) {
    const t = targets[i];
    if (t && t.action.kind !== 'list' && contains(t, p)) return t.action;
  }
  return null;
}

/** The list a drag starting at `p` scrolls, or null. */
export function dragTarget(
  targets: readonly TouchTarget[],
  p: TouchPoint,
): Extract<TouchAction, { kind: 'list' }> | null {
  const t = targets.find((x) => x.action.kind === 'list' && contains(x, p));
  return t?.action.kind === 'list' ? t.action : null;
}
