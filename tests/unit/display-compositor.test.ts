/**
 * The compositor (src/display/compositor.ts) draws what the whole-SVG render draws: for every
 * screen, and for sequences of screens through one renderer whose cache must not show a stale
 * status bar (network, printer, minute), name or menu. Compared with librsvg's render of the
 * same layout as one SVG; only 8-bit rounding may differ.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAnnouncementImages } from '../../src/display/announcement-images.ts';
import { FrameCompositor, type Rasterise } from '../../src/display/compositor.ts';
import { layoutScreen } from '../../src/display/layout.ts';
import type { Layout } from '../../src/display/layout-text.ts';
import { packFrame } from '../../src/display/pixels.ts';
import { loadSharp, rasterise, ScreenRenderer } from '../../src/display/renderer.ts';
import type { ScreenModel } from '../../src/display/screen-model.ts';
import { type ScreenContext, screenFor } from '../../src/display/screens.ts';
import { layoutToSvg } from '../../src/display/svg.ts';
import type { KioskState } from '../../src/flows/kiosk-state.ts';
import { createLogger } from '../../src/log.ts';
import { allScreens, context, NOW, resident, session, state } from '../support/display-fixtures.ts';
import { touchOptions } from '../support/touch-fixtures.ts';

/** Largest channel difference allowed: rounding of premultiplied 8-bit colour, nothing more. */
const ROUNDING = 3;

async function wholeRender(layout: Layout): Promise<Buffer> {
  return (await rasterise(layoutToSvg(layout))).data;
}

/** The largest channel difference between two RGBA frames, and where. */
function worstDifference(a: Buffer, b: Buffer, width: number): { diff: number; x: number; y: number } {
  let worst = { diff: 0, x: 0, y: 0 };
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - b[i]!);
    if (diff > worst.diff) worst = { diff, x: (i >> 2) % width, y: Math.floor((i >> 2) / width) };
  }
  return worst;
}

async function assertSameAsWhole(renderer: ScreenRenderer, model: ScreenModel, label: string) {
  const canvas = { width: renderer.width, height: renderer.height };
  const composed = await renderer.raw(model);
  const whole = await wholeRender(layoutScreen(model, canvas));
  assert.is(composed.data.length, whole.length, label);
  const worst = worstDifference(composed.data, whole, canvas.width);
  assert.ok(
    worst.diff <= ROUNDING,
    `${label} at ${canvas.width}x${canvas.height}: a channel differs by ${worst.diff} at (${worst.x}, ${worst.y})`,
  );
}

const SIZES: [number, number][] = [
  [800, 480],
  [320, 480],
];

for (const [width, height] of SIZES) {
  for (const touch of [false, true]) {
    test(`every screen at ${width}x${height}${touch ? ' (touch)' : ''} equals the whole-SVG render`, async () => {
      const ctx = context(touch ? { touch: touchOptions(width, height) } : {});
      const renderer = new ScreenRenderer(width, height);
      for (const shot of allScreens())
        await assertSameAsWhole(renderer, screenFor(shot.state, ctx), shot.name);
    });
  }
}

/** One kiosk's day in a few frames: what changes between them is what a cache could miss. */
function sequence(): { label: string; state: KioskState; ctx: ScreenContext }[] {
  const later = new Date(NOW.getTime() + 60_000);
  const other = { ...resident, nama: 'BUDI SANTOSO' };
  return [
    { label: 'idle, online', state: state({ name: 'idle' }), ctx: context() },
    { label: 'idle, offline', state: state({ name: 'idle' }), ctx: context({ network: 'offline' }) },
    { label: 'idle, online again', state: state({ name: 'idle' }), ctx: context() },
    {
      label: 'idle, paper low',
      state: state({ name: 'idle' }, { printer: 'paper_near_end' }),
      ctx: context(),
    },
    { label: 'idle, next minute', state: state({ name: 'idle' }), ctx: context({ now: later }) },
    {
      label: 'greeting',
      state: state({ name: 'greeting', session: session() }),
      ctx: context({ now: later }),
    },
    {
      label: 'greeting, another resident',
      state: state({ name: 'greeting', session: session({ resident: other }) }),
      ctx: context({ now: later }),
    },
    {
      label: 'letter menu, first item',
      state: state({ name: 'choose_letter', session: session({ letter_index: 0 }) }),
      ctx: context(),
    },
    {
      label: 'letter menu, second item',
      state: state({ name: 'choose_letter', session: session({ letter_index: 1 }) }),
      ctx: context(),
    },
    {
      label: 'printing 20 %',
      state: state({ name: 'printing', session: session(), progress: 0.2 }),
      ctx: context(),
    },
    {
      label: 'printing 25 %',
      state: state({ name: 'printing', session: session(), progress: 0.25 }),
      ctx: context(),
    },
    {
      label: 'out of service, paper out',
      state: state(
        { name: 'out_of_service', reasons: ['paper_out'], remote_reason: null },
        { printer: 'paper_out' },
      ),
      ctx: context(),
    },
    { label: 'idle again', state: state({ name: 'idle' }), ctx: context() },
  ];
}

test('a sequence of screens through one renderer: every frame equals an uncached render', async () => {
  for (const touch of [false, true]) {
    const renderer = new ScreenRenderer(480, 320);
    for (const step of sequence()) {
      const ctx = touch ? { ...step.ctx, touch: touchOptions(480, 320) } : step.ctx;
      await assertSameAsWhole(
        renderer,
        screenFor(step.state, ctx),
        `${step.label}${touch ? ' (touch)' : ''}`,
      );
    }
  }
});

test('names the font cannot measure (missing characters, bare combining marks) are not cut', async () => {
  const renderer = new ScreenRenderer(480, 320);
  for (const nama of ['ÑÇÅÉ ŻÓŁĆ gjpqy', 'WAWAN 😀 王 ﷽', '\u0301\u0301\u0301ADI', 'ﬁ ﬂ Ţ̈̃ ǅ']) {
    const greeting = state({ name: 'greeting', session: session({ resident: { ...resident, nama } }) });
    await assertSameAsWhole(renderer, screenFor(greeting, context()), nama);
  }
});

test('one buffer through a sequence: only changed rows are redrawn and repacked, and every frame is right', async () => {
  for (const touch of [false, true]) {
    const renderer = new ScreenRenderer(480, 320);
    const canvas = { width: 480, height: 320 };
    const fb = { width: 480, height: 320, bpp: 16 as const, stride: 480 * 2 + 16 };
    const rgba = Buffer.alloc(canvas.width * canvas.height * 4);
    const panel = Buffer.alloc(fb.stride * fb.height);
    let redrawn = 0;
    let frames = 0;
    for (const step of [...sequence(), ...sequence()]) {
      const ctx = touch ? { ...step.ctx, touch: touchOptions(480, 320) } : step.ctx;
      const model = screenFor(step.state, ctx);
      const rows = await renderer.rawInto(model, rgba);
      packFrame(rgba, canvas.width, canvas.height, fb, panel, frames === 0 ? undefined : rows);
      const label = `${step.label}${touch ? ' (touch)' : ''}`;
      const worst = worstDifference(rgba, await wholeRender(layoutScreen(model, canvas)), canvas.width);
      assert.ok(worst.diff <= ROUNDING, `${label}: differs by ${worst.diff} at (${worst.x}, ${worst.y})`);
      assert.ok(
        packFrame(rgba, canvas.width, canvas.height, fb).equals(panel),
        `${label}: the panel got every change`,
      );
      redrawn += rows.reduce((n, r) => n + r.end - r.first, 0);
      frames++;
    }
    assert.ok(
      redrawn < 0.75 * frames * canvas.height,
      `rows redrawn: ${redrawn} of ${frames * canvas.height}`,
    );
  }
});

test('the same screen twice into one buffer: nothing redrawn; a network change: only the status bar', async () => {
  const renderer = new ScreenRenderer(800, 480);
  const rgba = Buffer.alloc(800 * 480 * 4);
  const idle = state({ name: 'idle' });
  await renderer.rawInto(screenFor(idle, context()), rgba);
  assert.equal(await renderer.rawInto(screenFor(idle, context()), rgba), []);
  const rows = await renderer.rawInto(screenFor(idle, context({ network: 'offline' })), rgba);
  assert.ok(rows.length > 0, 'the status bar changed');
  const status = layoutScreen(screenFor(idle, context()), { width: 800, height: 480 }).bands.find(
    (b) => b.name === 'status',
  );
  for (const r of rows)
    assert.ok(status && r.first >= status.top && r.end <= status.bottom + 1, `rows ${r.first}–${r.end}`);
});

test('a cache far too small for a screen evicts and still draws every frame right', async () => {
  const canvas = { width: 480, height: 320 };
  const compositor = new FrameCompositor(canvas.width, canvas.height, rasterise, 20_000);
  const out = Buffer.alloc(canvas.width * canvas.height * 4);
  for (const step of [...sequence(), ...sequence()]) {
    const layout = layoutScreen(screenFor(step.state, step.ctx), canvas);
    assert.ok(await compositor.compose(layout, out), step.label);
    const worst = worstDifference(out, await wholeRender(layout), canvas.width);
    assert.ok(worst.diff <= ROUNDING, `${step.label}: differs by ${worst.diff} at (${worst.x}, ${worst.y})`);
    assert.ok(compositor.cacheSize <= 20_000 + canvas.width * canvas.height, 'cache stays near its budget');
  }
});

test('librsvg runs once for what is new on a frame, and not at all for a frame seen before', async () => {
  const canvas = { width: 800, height: 480 };
  let calls = 0;
  const counting: Rasterise = (svg) => {
    calls++;
    return rasterise(svg);
  };
  const compositor = new FrameCompositor(canvas.width, canvas.height, counting);
  const out = Buffer.alloc(canvas.width * canvas.height * 4);
  const greeting = (nama: string) =>
    layoutScreen(
      screenFor(
        state({ name: 'greeting', session: session({ resident: { ...resident, nama } }) }),
        context(),
      ),
      canvas,
    );
  await compositor.compose(greeting('SITI AMINAH'), out);
  assert.is(calls, 1, 'a first frame: all its items in one atlas');
  await compositor.compose(greeting('SITI AMINAH'), out);
  assert.is(calls, 1, 'the same frame again: nothing rasterised');
  await compositor.compose(greeting('BUDI SANTOSO'), out);
  assert.is(calls, 2, 'a new name: one atlas, of what changed');
  const worst = worstDifference(out, await wholeRender(greeting('BUDI SANTOSO')), canvas.width);
  assert.ok(worst.diff <= ROUNDING, `the new name's frame differs by ${worst.diff}`);
});

test('a colour the compositor does not parse: the frame is rendered whole, the same', async () => {
  const canvas = { width: 320, height: 240 };
  const layout: Layout = {
    ...layoutScreen(screenFor(state({ name: 'idle' }), context()), canvas),
    background: 'white',
  };
  const compositor = new FrameCompositor(canvas.width, canvas.height, rasterise);
  assert.is(await compositor.compose(layout, Buffer.alloc(canvas.width * canvas.height * 4)), null);
});

test('an announcement picture (an image item, its own colours) composes as the whole render draws it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anjungan-compose-'));
  try {
    const file = join(dir, 'posyandu.png');
    const sharp = await loadSharp();
    // A gradient, so a patch placed a pixel off or drawn as coverage would show.
    const raw = Buffer.alloc(120 * 60 * 3);
    for (let i = 0; i < raw.length; i += 3) raw[i] = ((i / 3) % 120) * 2;
    writeFileSync(
      file,
      await sharp(raw, { raw: { width: 120, height: 60, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const images = await loadAnnouncementImages(
      [{ text: 'Posyandu Kamis', image: file }],
      { width: 800, height: 480 },
      createLogger('silent'),
    );
    const ctx = context({
      village: {
        ...context().village,
        announcements: [{ text: 'Posyandu Kamis', until: null, image: file }],
      },
      announcementImages: images,
    });
    const model = screenFor(state({ name: 'idle' }), ctx);
    assert.ok(layoutScreen(model, { width: 800, height: 480 }).items.some((i) => i.kind === 'image'));
    await assertSameAsWhole(new ScreenRenderer(800, 480), model, 'idle with a picture');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
