/**
 * `anjungan touch calibrate --write` end to end: crosshairs on the (simulated) display, raw
 * touches from a rotated, mirrored panel written into a FIFO standing in for its input device,
 * and the config file updated so that the kiosk maps every touch onto what it drew.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import touchCommand from '../../src/commands/touch.ts';
import type { Config } from '../../src/config/config.ts';
import { type AxisMap, mapPoint } from '../../src/hardware/touch-gestures.ts';
import { TouchRecording } from '../support/input-events.ts';
import { rawAt } from '../support/touch-fixtures.ts';
import { TextSink, waitFor } from '../support/wait.ts';

/** A panel mounted rotated and mirrored, with its own raw range (what calibration must find). */
const TRUTH: AxisMap = {
  min_x: 150,
  max_x: 3950,
  min_y: 80,
  max_y: 4010,
  swap_xy: true,
  invert_x: false,
  invert_y: true,
  width: 800,
  height: 480,
};

test('touch calibrate --write: four crosshairs touched on a rotated panel → config maps touches onto them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-cal-'));
  const fifo = path.join(dir, 'event3');
  execFileSync('mkfifo', [fifo]);
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      data_dir: path.join(dir, 'data'),
      hardware: { display: { width: 800, height: 480 }, touch: { driver: 'evdev', device: fifo } },
    }),
  );
  const writer = fs.openSync(fifo, fs.constants.O_RDWR);
  const out = new TextSink();
  const err = new TextSink();
  try {
    const run = touchCommand.run(['calibrate', '--write', '--timeout', '30', '--config', configFile], {
      stdout: out.stream,
      stderr: err.stream,
      stdin: process.stdin,
      env: {},
    });
    for (let n = 1; n <= 4; n++) {
      const prompt = new RegExp(`touch the crosshair ${n} of 4 at \\((\\d+), (\\d+)\\)`);
      const m = (await waitFor(`crosshair ${n}`, () => prompt.exec(out.text), 20_000)) as RegExpExecArray;
      const raw = rawAt({ x: Number(m[1]), y: Number(m[2]) }, TRUTH);
      fs.writeSync(writer, new TouchRecording().down(0, 0, n, raw.x, raw.y).up(300, 0).bytes());
    }
    assert.is(await run, 0, err.text);
    assert.match(out.text, /--- screen: touch_calibrate ---/);
    const touch = (JSON.parse(fs.readFileSync(configFile, 'utf8')) as Config).hardware.touch;
    assert.is(touch.driver, 'evdev', 'the rest of the config is kept');
    assert.is(touch.swap_xy, true);
    const solved = { ...(touch as unknown as AxisMap), width: 800, height: 480 };
    for (const p of [
      { x: 0, y: 0 },
      { x: 400, y: 240 },
      { x: 799, y: 479 },
      { x: 650, y: 60 },
    ]) {
      const back = mapPoint(rawAt(p, TRUTH), solved);
      assert.ok(
        Math.abs(back.x - p.x) <= 2 && Math.abs(back.y - p.y) <= 2,
        `${JSON.stringify(p)} → ${JSON.stringify(back)}`,
      );
    }
  } finally {
    fs.closeSync(writer);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
