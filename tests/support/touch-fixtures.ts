/**
 * The touch layouts' fixtures: every panel size and orientation villages buy, the screens a
 * resident touches, and the target size a 9 mm finger needs on that panel.
 */
import type { TouchOptions } from '../../src/display/screen-model.ts';
import type { KioskState } from '../../src/flows/kiosk-state.ts';
import { MIN_TARGET_MM, mmToPx, panelDpi } from '../../src/hardware/panel-metrics.ts';
import type { AxisMap } from '../../src/hardware/touch-gestures.ts';
import { allScreens } from './display-fixtures.ts';

export const TOUCH_SIZES: [number, number][] = [
  [800, 480],
  [480, 320],
  [320, 240],
  [320, 480],
  [240, 320],
];

const TOUCH_SCREENS = [
  'idle',
  'greeting',
  'choose_letter',
  'choose_purpose',
  'confirm',
  'printing',
  'done',
  'done-rating',
  'birth_date',
  'unknown_card',
  'limit_reached',
  'printer_not_ready',
  'out_of_service-paper',
];

export function touchOptions(width: number, height: number, buttons = true): TouchOptions {
  return { target_px: mmToPx(MIN_TARGET_MM, panelDpi(width, height, null)), buttons };
}

export function touchShots(
  width: number,
  height: number,
): { name: string; state: KioskState; touch: TouchOptions }[] {
  const touch = touchOptions(width, height);
  return allScreens()
    .filter((s) => TOUCH_SCREENS.includes(s.name))
    .map((s) => ({ ...s, touch }));
}

/** What a panel with these (true) axis settings reports at a logical point: mapPoint inverted. */
export function rawAt(p: { x: number; y: number }, m: AxisMap): { x: number; y: number } {
  let nx = p.x / (m.width - 1);
  let ny = p.y / (m.height - 1);
  if (m.invert_x) nx = 1 - nx;
  if (m.invert_y) ny = 1 - ny;
  if (m.swap_xy) [nx, ny] = [ny, nx];
  return {
    x: Math.round(m.min_x + nx * (m.max_x - m.min_x)),
    y: Math.round(m.min_y + ny * (m.max_y - m.min_y)),
  };
}
