/**
 * Calibration arithmetic: raw touches at the crosshairs, as panels mounted every way would
 * report them, give axis settings under which mapPoint puts each touch back on its crosshair.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calibrationTargets, solveCalibration } from '../../src/hardware/touch-calibration.ts';
import { type AxisMap, mapPoint } from '../../src/hardware/touch-gestures.ts';
import { rawAt } from '../support/touch-fixtures.ts';

const panels: [string, AxisMap][] = [
  [
    'Pi 7" as is',
    {
      min_x: 0,
      max_x: 799,
      min_y: 0,
      max_y: 479,
      swap_xy: false,
      invert_x: false,
      invert_y: false,
      width: 800,
      height: 480,
    },
  ],
  [
    'USB panel, own range, mirrored',
    {
      min_x: 120,
      max_x: 3980,
      min_y: 200,
      max_y: 3900,
      swap_xy: false,
      invert_x: true,
      invert_y: false,
      width: 800,
      height: 480,
    },
  ],
  [
    'Touch Display 2 in landscape (rotated)',
    {
      min_x: 0,
      max_x: 719,
      min_y: 0,
      max_y: 1279,
      swap_xy: true,
      invert_x: false,
      invert_y: true,
      width: 1280,
      height: 720,
    },
  ],
  [
    'portrait 480×800 upside down',
    {
      min_x: 0,
      max_x: 799,
      min_y: 0,
      max_y: 479,
      swap_xy: true,
      invert_x: true,
      invert_y: true,
      width: 480,
      height: 800,
    },
  ],
];

test('four corners recover range, swap and mirroring: every touch maps back onto its crosshair', () => {
  for (const [name, truth] of panels) {
    const targets = calibrationTargets(truth.width, truth.height, 4);
    const raws = targets.map((t) => rawAt(t, truth));
    const axes = solveCalibration(targets, raws, truth.width, truth.height);
    assert.is(axes.swap_xy, truth.swap_xy, `${name}: swap`);
    const solved: AxisMap = { ...axes, width: truth.width, height: truth.height };
    for (const probe of [
      ...targets,
      { x: 0, y: 0 },
      { x: truth.width - 1, y: truth.height - 1 },
      { x: 321, y: 123 },
    ]) {
      const back = mapPoint(rawAt(probe, truth), solved);
      assert.ok(
        Math.abs(back.x - probe.x) <= 2 && Math.abs(back.y - probe.y) <= 2,
        `${name}: ${JSON.stringify(probe)} → ${JSON.stringify(back)}`,
      );
    }
  }
});

test('two corners (a diagonal) calibrate an unrotated panel; the same spot twice is refused', () => {
  const truth = panels[1]![1];
  const targets = calibrationTargets(800, 480, 2);
  const axes = solveCalibration(
    targets,
    targets.map((t) => rawAt(t, truth)),
    800,
    480,
  );
  assert.equal([axes.min_x, axes.max_x, axes.invert_x, axes.swap_xy], [120, 3980, true, false]);
  assert.throws(
    () =>
      solveCalibration(
        targets,
        [
          { x: 5, y: 5 },
          { x: 5, y: 5 },
        ],
        800,
        480,
      ),
    /touch each crosshair/,
  );
});

test.run();
