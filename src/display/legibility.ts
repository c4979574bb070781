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

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21; AA for text is 4.5). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;
