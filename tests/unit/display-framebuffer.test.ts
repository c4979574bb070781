import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { unpackFrame } from '../../src/display/pixels.ts';
import { ScreenRenderer } from '../../src/display/renderer.ts';
import { screenFor } from '../../src/display/screens.ts';
import { isKioskError } from '../../src/errors.ts';
import { createFramebufferDisplay, findFramebuffer } from '../../src/hardware/display.framebuffer.ts';
import { silentLogger } from '../../src/log.ts';
import { allScreens, context } from '../support/display-fixtures.ts';

interface FakeFb {
  name: string;
  width: number;
  height: number;
  bpp: number;
  stride: number | null;
}

/** A fake /sys/class/graphics tree and a /dev dir whose fbN are regular files full of 0xA5. */
function fakeMachine(fbs: FakeFb[]) {
  const root = mkdtempSync(`${os.tmpdir()}/anj-`);
  const sysfsRoot = join(root, 'sys');
  const devRoot = join(root, 'dev');
  mkdirSync(devRoot, { recursive: true });
  fbs.forEach((fb, i) => {
    const dir = join(sysfsRoot, 'class', 'graphics', `fb${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'name'), `${fb.name}\n`);
    writeFileSync(join(dir, 'virtual_size'), `${fb.width},${fb.height}\n`);
    writeFileSync(join(dir, 'bits_per_pixel'), `${fb.bpp}\n`);
    if (fb.stride !== null) writeFileSync(join(dir, 'stride'), `${fb.stride}\n`);
    writeFileSync(
      join(devRoot, `fb${i}`),
      Buffer.alloc((fb.stride ?? (fb.width * fb.bpp) / 8) * fb.height, 0xa5),
    );
  });
  // Something that is not a framebuffer, as on a real machine.
  mkdirSync(join(sysfsRoot, 'class', 'graphics', 'fbcon'), { recursive: true });
  return { root, sysfsRoot, devRoot, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const MACHINE: FakeFb[] = [
  { name: 'vc4drmfb', width: 320, height: 240, bpp: 32, stride: 320 * 4 + 64 },
  { name: 'fb_ili9486', width: 480, height: 320, bpp: 16, stride: 1024 },
];

const cfg = (patch: Partial<ReturnType<typeof defaultConfig>['hardware']['display']>) => ({
  ...defaultConfig().hardware.display,
  driver: 'framebuffer' as const,
  ...patch,
});

const model = (name: string) => screenFor(allScreens().find((s) => s.name === name)!.state, context());

/** Largest per-channel difference between two RGBA images of the same size. */
function maxDiff(a: Buffer, b: Buffer, w: number, h: number, at: (x: number, y: number) => number): number {
  let worst = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const j = at(x, y);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[i + c]! - b[j + c]!));
    }
  }
  return worst;
}

test('finds the panel by name substring, by fbN, or the first; refuses an unknown name clearly', async () => {
  const m = fakeMachine(MACHINE);
  try {
    const byName = await findFramebuffer('ILI9486', m);
    assert.equal(
      [byName.id, byName.width, byName.height, byName.bpp, byName.stride],
      ['fb1', 480, 320, 16, 1024],
    );
    assert.equal(byName.devicePath, join(m.devRoot, 'fb1'));
    assert.equal((await findFramebuffer('fb0', m)).name, 'vc4drmfb');
    assert.equal((await findFramebuffer(null, m)).id, 'fb0');
    try {
      await findFramebuffer('st7789', m);
      assert.unreachable('should refuse');
    } catch (err) {
      assert.ok(isKioskError(err, 'config_invalid'));
      assert.match((err as Error).message, /fb1 "fb_ili9486"/);
    }
  } finally {
    m.cleanup();
  }
  const empty = fakeMachine([]);
  try {
    await findFramebuffer(null, empty);
    assert.unreachable('should refuse');
  } catch (err) {
    assert.ok(isKioskError(err, 'config_invalid'));
    assert.match((err as Error).message, /dtoverlay/);
  } finally {
    empty.cleanup();
  }
});

test('16 bpp with a padded stride: the RGB565 bytes written, decoded back, are the rendered frame', async () => {
  const m = fakeMachine(MACHINE);
  const display = await createFramebufferDisplay(cfg({ device: 'ili9486' }), silentLogger(), m);
  try {
    await display.start();
    const screen = model('choose_letter');
    await display.show(screen);
    const bytes = readFileSync(join(m.devRoot, 'fb1'));
    const geometry = { width: 480, height: 320, bpp: 16 as const, stride: 1024 };
    const decoded = unpackFrame(bytes, geometry);
    const rendered = await new ScreenRenderer(480, 320).raw(screen);
    // RGB565 keeps 5/6/5 bits: each channel is within 7 of the original, never worse.
    assert.ok(maxDiff(decoded, rendered.data, 480, 320, (x, y) => (y * 480 + x) * 4) <= 7);
    // Rows start at y * stride; the frame is exactly stride * height bytes at offset 0.
    assert.is(bytes.length, 1024 * 320);
    // Not all one colour: the selected menu row is there (blue) and the text (near black).
    const px = (x: number, y: number) => [...decoded.subarray((y * 480 + x) * 4, (y * 480 + x) * 4 + 3)];
    assert.not.equal(px(5, 5), px(240, 300));
  } finally {
    await display.stop();
    m.cleanup();
  }
});

test('32 bpp with a padded stride: XRGB8888 bytes decode to exactly the rendered frame', async () => {
  const m = fakeMachine(MACHINE);
  const display = await createFramebufferDisplay(
    cfg({ device: 'fb0', width: 320, height: 240 }),
    silentLogger(),
    m,
  );
  try {
    await display.start();
    const screen = model('greeting');
    await display.show(screen);
    const bytes = readFileSync(join(m.devRoot, 'fb0'));
    const decoded = unpackFrame(bytes, { width: 320, height: 240, bpp: 32, stride: 1344 });
    const rendered = await new ScreenRenderer(320, 240).raw(screen);
    assert.is(
      maxDiff(decoded, rendered.data, 320, 240, (x, y) => (y * 320 + x) * 4),
      0,
    );
    assert.is(bytes.length, 1344 * 240);
    assert.match(display.describe(), /fb0.*320x240 32bpp stride 1344/);
  } finally {
    await display.stop();
    m.cleanup();
  }
});

test('portrait on a landscape panel: the frame is drawn 320×480 and rotated 90° clockwise', async () => {
  const m = fakeMachine(MACHINE);
  const display = await createFramebufferDisplay(
    cfg({ device: 'ili9486', orientation: 'portrait' }),
    silentLogger(),
    m,
  );
  try {
    const screen = model('confirm');
    await display.show(screen); // show before start: opens the device itself
    const decoded = unpackFrame(readFileSync(join(m.devRoot, 'fb1')), {
      width: 480,
      height: 320,
      bpp: 16,
      stride: 1024,
    });
    const rendered = await new ScreenRenderer(320, 480).raw(screen);
    // Panel (x, y) shows portrait pixel (sx = y, sy = 479 - x).
    assert.ok(maxDiff(decoded, rendered.data, 480, 320, (x, y) => ((479 - x) * 320 + y) * 4) <= 7);
  } finally {
    await display.stop();
    m.cleanup();
  }
});

test('identical screens are not redrawn; a changed one is; the newest of a burst wins', async () => {
  const m = fakeMachine(MACHINE);
  const display = await createFramebufferDisplay(cfg({ device: 'ili9486' }), silentLogger(), m);
  const dev = join(m.devRoot, 'fb1');
  try {
    await display.start();
    await display.show(model('idle'));
    writeFileSync(dev, Buffer.alloc(1024 * 320));
    await display.show(model('idle'));
    assert.ok(
      readFileSync(dev).every((b) => b === 0),
      'same screen: nothing written',
    );
    await Promise.all([display.show(model('reading')), display.show(model('greeting'))]);
    const decoded = unpackFrame(readFileSync(dev), { width: 480, height: 320, bpp: 16, stride: 1024 });
    const greeting = await new ScreenRenderer(480, 320).raw(model('greeting'));
    assert.ok(maxDiff(decoded, greeting.data, 480, 320, (x, y) => (y * 480 + x) * 4) <= 7);
  } finally {
    await display.stop();
    m.cleanup();
  }
});

test('a missing device node is a clear error at start', async () => {
  const m = fakeMachine(MACHINE);
  rmSync(join(m.devRoot, 'fb1'));
  const display = await createFramebufferDisplay(cfg({ device: 'ili9486' }), silentLogger(), m);
  try {
    await display.start();
    assert.unreachable('should refuse');
  } catch (err) {
    assert.ok(isKioskError(err, 'config_invalid'));
    assert.match((err as Error).message, /video/);
  } finally {
    m.cleanup();
  }
});

test.run();
