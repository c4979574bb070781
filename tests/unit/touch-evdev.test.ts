/**
 * Touch panels: recorded input-event sequences (multi-touch type B and single touch) become taps
 * and drags in the display's coordinates; the evdev adapter reads them from a FIFO standing in
 * for /dev/input/eventN, finds the panel by name, and survives the panel vanishing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TouchConfig } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { InputEventParser } from '../../src/hardware/input-device.ts';
import { EvdevTouch, findTouchDevice, parseInputDevices } from '../../src/hardware/touch.evdev.ts';
import type { TouchDrag, TouchPoint } from '../../src/hardware/touch.ts';
import {
  type AxisMap,
  ContactTracker,
  type Gesture,
  GestureRecognizer,
  mapPoint,
} from '../../src/hardware/touch-gestures.ts';
import { silentLogger } from '../../src/log.ts';
import { CODE, EV, TouchRecording } from '../support/input-events.ts';
import { waitFor } from '../support/wait.ts';

const PI7: AxisMap = {
  min_x: 0,
  max_x: 799,
  min_y: 0,
  max_y: 479,
  swap_xy: false,
  invert_x: false,
  invert_y: false,
  width: 800,
  height: 480,
};

/** Runs a recording through parser → tracker → map → recognizer, as the adapter does. */
function gestures(bytes: Buffer, map: AxisMap = PI7, size: 16 | 24 = 24): Gesture[] {
  const parser = new InputEventParser(size);
  const tracker = new ContactTracker();
  const rec = new GestureRecognizer({ slopPx: 27, tapMs: 1000 });
  const out: Gesture[] = [];
  for (const f of tracker.push(parser.push(bytes))) out.push(...rec.push({ ...f, point: mapPoint(f, map) }));
  return out;
}

const taps = (g: Gesture[]) => g.flatMap((x) => (x.kind === 'tap' ? [x.point] : []));
const drags = (g: Gesture[]) => g.flatMap((x) => (x.kind === 'drag' ? [x.drag] : []));

test('type B: a finger down and up within a second, barely moving, is one tap where it went down', () => {
  const rec = new TouchRecording().down(0, 0, 45, 400, 240).move(30, 0, 403, 242).up(60, 0);
  assert.equal(gestures(rec.bytes()), [{ kind: 'tap', point: { x: 400, y: 240 } }]);
});

test('type B on a 32-bit userland (16-byte events) reads the same', () => {
  const rec = new TouchRecording(16).down(0, 0, 7, 100, 50).up(80, 0);
  assert.equal(taps(gestures(rec.bytes(), PI7, 16)), [{ x: 100, y: 50 }]);
});

test('a press held longer than a second is no tap; a press that wanders is a drag, not a tap', () => {
  const held = new TouchRecording().down(0, 0, 1, 400, 240).up(1500, 0);
  assert.equal(gestures(held.bytes()), []);
  const drag = new TouchRecording()
    .down(0, 0, 2, 400, 300)
    .move(20, 0, 400, 280)
    .move(20, 0, 401, 250)
    .move(20, 0, 402, 200)
    .up(20, 0);
  const g = gestures(drag.bytes());
  assert.equal(taps(g), []);
  const d = drags(g);
  assert.equal(d.at(-1), { start: { x: 400, y: 300 }, dx: 2, dy: -100, end: true } satisfies TouchDrag);
  assert.ok(d.slice(0, -1).every((x) => !x.end) && d.length >= 2);
});

test('a second finger is ignored: neither its touch, nor its lift, nor what it does after the first lifts', () => {
  const rec = new TouchRecording()
    .down(0, 0, 10, 100, 100)
    .down(20, 1, 11, 700, 400) // second finger (a palm)
    .move(20, 1, 600, 300)
    .up(20, 1, false)
    .up(20, 0);
  assert.equal(taps(gestures(rec.bytes())), [{ x: 100, y: 100 }]);
  const firstLiftsFirst = new TouchRecording()
    .down(0, 0, 20, 100, 100)
    .down(10, 1, 21, 700, 400)
    .move(1500, 0, 100, 100)
    .up(10, 0, false) // first finger: held too long, no tap
    .up(30, 1); // the palm lifts: not a tap either
  assert.equal(gestures(firstLiftsFirst.bytes()), []);
});

test('single touch (ABS_X/ABS_Y + BTN_TOUCH) on a USB panel with its own axis range', () => {
  const rec = new TouchRecording()
    .report(0, [EV.ABS, CODE.ABS_X, 2048], [EV.ABS, CODE.ABS_Y, 1024], [EV.KEY, CODE.BTN_TOUCH, 1])
    .report(50, [EV.KEY, CODE.BTN_TOUCH, 0]);
  const egalax = { ...PI7, max_x: 4095, max_y: 4095 };
  assert.equal(taps(gestures(rec.bytes(), egalax)), [{ x: 400, y: 120 }]);
});

test('SYN_DROPPED forgets the gesture under way: no tap from half a sequence', () => {
  const rec = new TouchRecording()
    .down(0, 0, 5, 100, 100)
    .report(10, [EV.SYN, CODE.SYN_DROPPED, 0])
    .report(10, [EV.ABS, CODE.ABS_MT_TRACKING_ID, -1]);
  assert.equal(taps(gestures(rec.bytes())), []);
});

test('axis map: ranges, swap (panel mounted rotated) and mirroring', () => {
  const portrait: AxisMap = { ...PI7, width: 480, height: 800, swap_xy: true, invert_x: true };
  // Panel's raw (x=0, y=0) corner: with the swap the raw x runs down the screen, raw y across, mirrored.
  assert.equal(mapPoint({ x: 0, y: 0 }, portrait), { x: 479, y: 0 });
  assert.equal(mapPoint({ x: 799, y: 479 }, portrait), { x: 0, y: 799 });
  assert.equal(mapPoint({ x: 5000, y: -3 }, PI7), { x: 799, y: 0 }, 'outside the range: clamped');
  assert.equal(mapPoint({ x: 399.5, y: 0 }, { ...PI7, invert_y: true }), { x: 400, y: 479 });
});

const PROC_DEVICES = `I: Bus=0019 Vendor=0000 Product=0000 Version=0000
N: Name="gpio_keys"
H: Handlers=kbd event0
B: EV=3

I: Bus=0018 Vendor=0000 Product=0000 Version=0000
N: Name="raspberrypi-ts"
H: Handlers=event3
B: EV=b
B: KEY=400 0 0 0 0 0
B: ABS=2608000 3
`;

const touchCfg = (patch: Partial<TouchConfig> = {}): TouchConfig => ({
  ...defaultConfig().hardware.touch,
  driver: 'evdev',
  ...patch,
});

test('device found by configured path, by name, or by capability (absolute multi-touch axes)', () => {
  const devices = parseInputDevices(PROC_DEVICES, 64);
  assert.equal(
    devices.map((d) => [d.name, d.handler, d.absolute]),
    [
      ['gpio_keys', 'event0', false],
      ['raspberrypi-ts', 'event3', true],
    ],
  );
  assert.is(findTouchDevice(touchCfg({ device: '/dev/input/by-path/x' }), devices), '/dev/input/by-path/x');
  assert.is(findTouchDevice(touchCfg({ name: 'RASPBERRYPI' }), devices), '/dev/input/event3');
  assert.is(findTouchDevice(touchCfg({ name: 'Goodix' }), devices), null);
  const unnamed = devices.map((d) => ({ ...d, name: d.name === 'raspberrypi-ts' ? 'some panel' : d.name }));
  assert.is(findTouchDevice(touchCfg(), unnamed), '/dev/input/event3');
});

test('adapter: found by name in a FIFO device dir; taps and drags arrive; vanishes and comes back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-touch-'));
  const devDir = path.join(dir, 'input');
  fs.mkdirSync(devDir);
  const proc = path.join(dir, 'devices');
  fs.writeFileSync(proc, PROC_DEVICES);
  const fifo = path.join(devDir, 'event3');
  const touch = new EvdevTouch(touchCfg({ name: 'raspberrypi-ts' }), silentLogger(), {
    width: 800,
    height: 480,
    dpi: 133,
    procDevices: proc,
    devDir,
    reopenMs: 50,
  });
  const seen = { taps: [] as TouchPoint[], drags: [] as TouchDrag[], presence: [] as boolean[] };
  touch.on('tap', (p) => seen.taps.push(p));
  touch.on('drag', (d) => seen.drags.push(d));
  touch.on('presence', (p) => seen.presence.push(p));
  try {
    await touch.start(); // no device node yet: absent, not an error
    assert.equal(seen.presence, [false]);
    assert.is(touch.present, false);
    execFileSync('mkfifo', [fifo]);
    let writer = fs.openSync(fifo, fs.constants.O_RDWR);
    await waitFor('the panel to be opened', () => touch.present);
    fs.writeSync(writer, new TouchRecording().down(0, 0, 1, 200, 100).up(40, 0).bytes());
    await waitFor('a tap', () => seen.taps.length === 1);
    assert.equal(seen.taps, [{ x: 200, y: 100 }]);
    fs.writeSync(
      writer,
      new TouchRecording().down(0, 0, 2, 300, 300).move(30, 0, 300, 150).up(30, 0).bytes(),
    );
    await waitFor('the end of a drag', () => seen.drags.some((d) => d.end));
    assert.is(seen.drags.at(-1)?.dy, -150);
    // Half a gesture, then the panel vanishes (the writer closes): nothing half-done comes out.
    fs.writeSync(writer, new TouchRecording().down(0, 0, 3, 100, 100).bytes());
    fs.closeSync(writer);
    await waitFor('presence false', () => seen.presence.at(-1) === false && !touch.present);
    writer = fs.openSync(fifo, fs.constants.O_RDWR);
    await waitFor('the panel back', () => touch.present);
    fs.writeSync(writer, new TouchRecording().down(0, 0, 4, 600, 400).up(40, 0).bytes());
    await waitFor('a tap after the return', () => seen.taps.length === 2);
    assert.equal(seen.taps[1], { x: 600, y: 400 });
    fs.closeSync(writer);
  } finally {
    await touch.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
