/**
 * Display benchmark: time to render a screen (layout → SVG → sharp → RGBA) and pack it for the
 * framebuffer (RGB565, padded stride), at 480×320 and 800×480. Median and p99 in ms.
 * Run alone: `node --import tsx scripts/bench-display.ts`; `npm run bench` includes it.
 */
import { pathToFileURL } from 'node:url';
import { packFrame } from '../src/display/pixels.ts';
import { ScreenRenderer } from '../src/display/renderer.ts';
import { screenFor } from '../src/display/screens.ts';
import { allScreens, context } from '../tests/support/display-fixtures.ts';
import { percentile, round } from './bench-stats.ts';

const ROUNDS = Number(process.env.BENCH_DISPLAY_ROUNDS ?? 200);

async function benchSize(
  width: number,
  height: number,
): Promise<{ median: number; p99: number; packMedian: number }> {
  const renderer = new ScreenRenderer(width, height);
  await renderer.warmUp();
  const models = allScreens().map((s) => screenFor(s.state, context()));
  const fb = { width, height, bpp: 16 as const, stride: width * 2 + 32 };
  const out = Buffer.alloc(fb.stride * height);
  const total: number[] = [];
  const pack: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const model = models[i % models.length]!;
    const t0 = performance.now();
    const raw = await renderer.raw(model);
    const t1 = performance.now();
    packFrame(raw.data, raw.width, raw.height, fb, out);
    const t2 = performance.now();
    total.push(t2 - t0);
    pack.push(t2 - t1);
  }
  return { median: percentile(total, 50), p99: percentile(total, 99), packMedian: percentile(pack, 50) };
}

/** Render + convert times in ms, keyed like `display_480x320_median_ms`. */
export async function benchDisplay(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [w, h] of [
    [480, 320],
    [800, 480],
  ] as const) {
    const r = await benchSize(w, h);
    const key = `display_${w}x${h}`;
    result[`${key}_median_ms`] = round(r.median, 2);
    result[`${key}_p99_ms`] = round(r.p99, 2);
    result[`${key}_rgb565_pack_median_ms`] = round(r.packMedian, 2);
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchDisplay();
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(40)} ${v}`);
}
