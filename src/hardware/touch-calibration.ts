/**
 * `anjungan touch calibrate`, the arithmetic: the technician touches crosshairs drawn at known
 * points of the screen; from the raw values the panel reported there follow the axis ranges,
 * whether the panel's axes are swapped against the display's (a panel mounted rotated), and
 * whether each is mirrored — exactly the keys `mapPoint` (touch-gestures.ts) reads.
 *
 *   crosshair (logical x, y) ──touch──▶ raw (u, v) ──fit raw = a + b·logical per axis──▶
 *   raw at the screen's edges ──▶ hardware.touch.{min,max}_{x,y}, swap_xy, invert_x, invert_y
 */
import type { TouchConfig } from '../config/config.ts';
import type { TouchPoint } from './touch.ts';

export type TouchAxes = Pick<
  TouchConfig,
  'min_x' | 'max_x' | 'min_y' | 'max_y' | 'swap_xy' | 'invert_x' | 'invert_y'
> & {
  min_x: number;
  max_x: number;
  min_y: number;
  max_y: number;
};

/** Where the crosshairs go: 10 % in from the corners (edges are where panels are least exact). */
export function calibrationTargets(width: number, height: number, corners: 2 | 4): TouchPoint[] {
  const m = Math.round(Math.min(width, height) * 0.1);
  const [l, t, r, b] = [m, m, width - 1 - m, height - 1 - m];
  return corners === 4
    ? [
        { x: l, y: t },
        { x: r, y: t },
        { x: r, y: b },
        { x: l, y: b },
      ]
    : [
        { x: l, y: t },
        { x: r, y: b },
      ];
}

/** Least-squares line raw = a + b·logical. */
function fit(logical: number[], raw: number[]): { a: number; b: number } {
  const n = logical.length;
  const mx = logical.reduce((s, v) => s + v, 0) / n;
  const my = raw.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  logical.forEach((x, i) => {
    sxy += (x - mx) * ((raw[i] ?? 0) - my);
    sxx += (x - mx) ** 2;
  });
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mx, b };
}

/**
 * The axis settings from crosshair targets and the raw points touched there. Two corners
 * (a diagonal) cannot tell a swapped panel: it is then taken as not swapped; four can.
 * Throws when the touches do not span the screen (the same spot touched twice).
 */
export function solveCalibration(
  targets: TouchPoint[],
  raws: TouchPoint[],
  width: number,
  height: number,
): TouchAxes {
  if (targets.length !== raws.length || targets.length < 2)
    throw new Error('one touch per crosshair is needed');
  // Swapped when moving along the display's x moves the panel's y more than its x.
  let swap = false;
  if (targets.length >= 4) {
    const corr = (axis: 'x' | 'y') =>
      Math.abs(
        fit(
          targets.map((t) => t.x),
          raws.map((r) => r[axis]),
        ).b,
      );
    swap = corr('y') > corr('x');
  }
  const along = (displayAxis: 'x' | 'y', size: number) => {
    const rawAxis = (displayAxis === 'x') !== swap ? 'x' : 'y';
    const { a, b } = fit(
      targets.map((t) => t[displayAxis]),
      raws.map((r) => r[rawAxis]),
    );
    if (Math.abs(b) < 1e-6)
      throw new Error(`the touches do not move along the screen's ${displayAxis} axis: touch each crosshair`);
    const atStart = a;
    const atEnd = a + b * (size - 1);
    return {
      lo: Math.round(Math.min(atStart, atEnd)),
      hi: Math.round(Math.max(atStart, atEnd)),
      invert: atStart > atEnd,
    };
  };
  const dx = along('x', width);
  const dy = along('y', height);
  // mapPoint normalises the raw x with min_x..max_x before the swap: the raw x axis follows the
  // display's y when swapped.
  const rawX = swap ? dy : dx;
  const rawY = swap ? dx : dy;
  return {
    min_x: rawX.lo,
    max_x: rawX.hi,
    min_y: rawY.lo,
    max_y: rawY.hi,
    swap_xy: swap,
    invert_x: dx.invert,
    invert_y: dy.invert,
  };
}
