/**
 * Touch benchmark (issue 12): the time from an input to the frame written to the framebuffer
 * (layout, render and RGB565 packing included), with the touch layout, at 480×320 and 800×480:
 *
 *  - tap → greeting: a card read in idle until the greeting frame is written;
 *  - touch → frame: a tap on a letter tile (choose_letter) until the purpose frame is written.
 *
 * The framebuffer is a regular file behind a fake sysfs tree, as in the tests. p50 and p99 in ms,
 * of the wall time and of the process's CPU time (main thread and sharp's threads), which
 * depends much less on what else the machine runs.
 *   node --import tsx scripts/bench-touch.ts          (or: npm run bench -- touch)
 *   BENCH_PI=1 ../shared/tools/pi-budget -- node --import tsx scripts/bench-touch.ts   (a Pi 4 class budget; keys end in _pi)
 *   BENCH_MERGE=docs/bench-results.json …             also update those keys in the results file
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
import { mergeFigures, piSuffix } from './bench-merge.ts';
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

interface Times {
  wall: number[];
  cpu: number[];
}

/** Runs `draw` and records its wall and CPU time in ms. */
async function timed(times: Times, draw: () => Promise<void>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await draw();
  times.wall.push(performance.now() - t0);
  const used = process.cpuUsage(cpu0);
  times.cpu.push((used.user + used.system) / 1000);
}

async function benchSize(width: number, height: number): Promise<{ tap: Times; touch: Times }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-touch-'));
  const display = await fakeFramebuffer(dir, width, height);
  await display.start();
  const ctx = context({ touch: touchOptions(width, height) });
  const canvas = { width, height };
  const show = (s: KioskState) => display.show(screenFor(s, ctx));
  const tap: Times = { wall: [], cpu: [] };
  const touch: Times = { wall: [], cpu: [] };
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
      await timed(tap, async () => {
        state = step(state, read, settings).state;
        await show(state);
      });
      // The letter menu on screen, then a finger on tile i % 2: until the purpose frame is written.
      state = step(state, { type: 'button', at: i * 10_000 + 1, button: 'ok' }, settings).state;
      // The model the display got is the one a touch is hit-tested against (as wireTouch does).
      const model = screenFor(state, ctx);
      await display.show(model);
      const row = (layoutScreen(model, canvas).targets ?? []).find(
        (t) => t.action.kind === 'select' && t.action.index === i % 2,
      );
      if (!row) throw new Error('no letter tile on the touch layout');
      await timed(touch, async () => {
        const action = tapTarget(layoutScreen(model, canvas).targets ?? [], { x: row.x + 5, y: row.y + 5 });
        const event = action && eventForAction(action, i * 10_000 + 2);
        if (!event) throw new Error('the tile did not answer the tap');
        state = step(state, event, settings).state;
        await show(state);
      });
    }
  } finally {
    await display.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { tap, touch };
}

/** Keys like `tap_to_frame_800x480_p99_ms` (suffix `_pi` with BENCH_PI=1, under pi-budget). */
export async function benchTouch(): Promise<Record<string, number>> {
  const suffix = piSuffix();
  const out: Record<string, number> = {};
  for (const [w, h] of [
    [480, 320],
    [800, 480],
  ] as const) {
    const { tap, touch } = await benchSize(w, h);
    for (const [name, times] of [
      ['tap_to_frame', tap],
      ['touch_to_frame', touch],
    ] as const) {
      out[`${name}_${w}x${h}_p50_ms${suffix}`] = round(percentile(times.wall, 50), 1);
      out[`${name}_${w}x${h}_p99_ms${suffix}`] = round(percentile(times.wall, 99), 1);
      out[`${name}_${w}x${h}_cpu_p50_ms${suffix}`] = round(percentile(times.cpu, 50), 2);
      out[`${name}_${w}x${h}_cpu_p99_ms${suffix}`] = round(percentile(times.cpu, 99), 2);
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await benchTouch();
  console.log(JSON.stringify(figures, null, 2));
  mergeFigures('touch', figures);
}
