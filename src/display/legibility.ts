/**
 * Legibility floors (issue 12 §2): the smallest resident-facing text size per panel class, so
 * elderly residents can read every word. Where a text does not fit at the floor, a layout
 * scrolls, wraps or splits it; it never shrinks below the floor.
 */

/** Smallest body text in px: 16 at 320×240 / 240×320, 18 at 480×320 / 320×480, 24 from 800×480 up. */
export function textFloorPx(width: number, height: number): number {
  const long = Math.max(width, height);
  if (long >= 800) return 24;
  if (long >= 480) return 18;
  return 16;
}

/** Smallest status-bar text in px (village, printer, network, time). */
export const STATUS_FLOOR_PX = 14;
