/**
 * Touch benchmark (issue 12): the time from an input to the frame written to the framebuffer
 * (layout, render and RGB565 packing included), with the touch layout, at 480×320 and 800×480:
 *
 *  - tap → greeting: a card read in idle until the greeting frame is written;
 *  - touch → frame: a tap on a letter tile (choose_letter) until the purpose frame is written.
 *
 * The framebuffer is a regular file behind a fake sysfs tree, as in the tests. p50 and p99 in ms.
 *   node --import tsx scripts/bench-touch.ts          (BENCH_PI=1: keys end in _pi)
 *   ../shared/tools/pi-budget -- node --import tsx scripts/bench-touch.ts   (a Pi 4 class budget)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { layoutScreen } from '../src/display/layout.ts';
import { screenFor } from '../src/display/screens.ts';
import { tapTarget } from '../src/display/touch-targets.ts';
import { initialState, step } from '../src/flows/kiosk-flow.ts';
import type { KioskEvent, KioskState } from '../src/flows/kiosk-state.ts';
import { createFramebufferDisplay } from '../src/hardware/display.framebuffer.ts';
import { silentLogger } from '../src/log.ts';
import { eventForAction } from '../src/touch-input.ts';
import { context, offers, resident } from '../tests/support/display-fixtures.ts';
import { touchOptions } from '../tests/support/touch-fixtures.ts';
import { percentile, round } from './bench-stats.ts';

const ROUNDS = Number(process.env.BENCH_TOUCH_ROUNDS ?? 100);
const settings = { repeat_tap_ms: 1000 };

async function fakeFramebuffer(dir: string, width: number, height: number) {
  const sysfsRoot = path.join(dir, 'sys');
  const devRoot = path.join(dir, 'dev');
  const fbDir = path.join(sysfsRoot, 'class', 'graphics', 'fb0');
  fs.mkdirSync(fbDir, { recursive: true });
  fs.mkdirSync(devRoot, { recursive: true });
  fs.writeFileSync(path.join(fbDir, 'name'), 'bench\n');
  fs.writeFileSync(path.join(fbDir, 'virtual_size'), `${width},${height}\n`);
  fs.writeFileSync(path.join(fbDir, 'bits_per_pixel'), '16\n');
  fs.writeFileSync(path.join(fbDir, 'stride'), `${width * 2}\n`);
  fs.writeFileSync(path.join(devRoot, 'fb0'), Buffer.alloc(width * 2 * height));
  const cfg = {
    driver: 'framebuffer' as const,
    device: 'fb0',
    width,
    height,
    orientation: 'landscape' as const,
    dpi: null,
  };
  return createFramebufferDisplay(cfg, silentLogger(), { sysfsRoot, devRoot });
}

async function benchSize(width: number, height: number): Promise<{ tap: number[]; touch: number[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-touch-'));
  const display = await fakeFramebuffer(dir, width, height);
  await display.start();
  const ctx = context({ touch: touchOptions(width, height) });
  const canvas = { width, height };
  const show = (s: KioskState) => display.show(screenFor(s, ctx));
  const tap: number[] = [];
  const touch: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // Idle on screen, then a card: until the greeting frame is written.
      let state = initialState();
      await show(state);
      const read: KioskEvent = {
        type: 'card_read',
        at: i * 10_000,
        card_key: `ck_${i}`,
        lookup: { kind: 'resident', resident: { ...resident, nama: `${resident.nama} ${i}` }, offers },
      };
      let t0 = performance.now();
      state = step(state, read, settings).state;
      await show(state);
      tap.push(performance.now() - t0);
      // The letter menu on screen, then a finger on tile i % 2: until the purpose frame is written.
      state = step(state, { type: 'button', at: i * 10_000 + 1, button: 'ok' }, settings).state;
      // The model the display got is the one a touch is hit-tested against (as wireTouch does).
      const model = screenFor(state, ctx);
      await display.show(model);
      const row = (layoutScreen(model, canvas).targets ?? []).find(
        (t) => t.action.kind === 'select' && t.action.index === i % 2,
      );
      if (!row) throw new Error('no letter tile on the touch layout');
      t0 = performance.now();
      const action = tapTarget(layoutScreen(model, canvas).targets ?? [], { x: row.x + 5, y: row.y + 5 });
      const event = action && eventForAction(action, i * 10_000 + 2);
      if (!event) throw new Error('the tile did not answer the tap');
      state = step(state, event, settings).state;
      await show(state);
      touch.push(performance.now() - t0);
    }
  } finally {
    await display.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { tap, touch };
}

/** Keys like `tap_to_frame_800x480_p99_ms` (suffix `_pi` with BENCH_PI=1, under pi-budget). */
export async function benchTouch(): Promise<Record<string, number>> {
  const suffix = process.env.BENCH_PI === '1' ? '_pi' : '';
  const out: Record<string, number> = {};
  for (const [w, h] of [
    [480, 320],
    [800, 480],
  ] as const) {
    const { tap, touch } = await benchSize(w, h);
    out[`tap_to_frame_${w}x${h}_p50_ms${suffix}`] = round(percentile(tap, 50), 1);
    out[`tap_to_frame_${w}x${h}_p99_ms${suffix}`] = round(percentile(tap, 99), 1);
    out[`touch_to_frame_${w}x${h}_p50_ms${suffix}`] = round(percentile(touch, 50), 1);
    out[`touch_to_frame_${w}x${h}_p99_ms${suffix}`] = round(percentile(touch, 99), 1);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchTouch(), null, 2));
}
