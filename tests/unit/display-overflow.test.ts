import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Layout, layoutScreen, scaleFor, type TextItem } from '../../src/display/layout.ts';
import { loadSharp } from '../../src/display/renderer.ts';
import type { ScreenModel } from '../../src/display/screen-model.ts';
import { screenFor } from '../../src/display/screens.ts';
import { layoutToSvg } from '../../src/display/svg.ts';
import { context } from '../support/display-fixtures.ts';
import { longCases, longVillage, NAME_60 } from '../support/display-long-fixtures.ts';

const SIZES = [
  [480, 320],
  [320, 240],
  [800, 480],
  [320, 480],
  [240, 320],
] as const;

function left(t: TextItem): number {
  return t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - t.width / 2 : t.x - t.width;
}

function texts(layout: Layout): TextItem[] {
  return layout.items.filter((i): i is TextItem => i.kind === 'text');
}

test('by measurement: every text stays inside the margins and its band, and no two texts overlap', () => {
  for (const [w, h] of SIZES) {
    const margin = Math.round(12 * scaleFor(w, h));
    for (const c of longCases()) {
      const layout = layoutScreen(screenFor(c.state, longVillage), { width: w, height: h });
      const boxes = texts(layout).map((t) => ({
        t,
        x0: left(t),
        x1: left(t) + t.width,
        y0: t.y - t.size * 0.93,
        y1: t.y + t.size * 0.24,
      }));
      for (const b of boxes) {
        const where = `${c.name} ${w}x${h} "${b.t.text}"`;
        assert.ok(b.x0 >= margin - 0.5 && b.x1 <= w - margin + 0.5, `${where} x ${b.x0}..${b.x1}`);
        assert.ok(b.y0 >= 0 && b.y1 <= h, `${where} y ${b.y0}..${b.y1}`);
        const band = layout.bands.find((band) => b.y0 >= band.top - 0.5 && b.y1 <= band.bottom + 0.5);
        assert.ok(band, `${where} y ${b.y0}..${b.y1} crosses a band edge`);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const overlap = a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
          assert.not.ok(overlap, `${c.name} ${w}x${h}: "${a.t.text}" overlaps "${b.t.text}"`);
        }
      }
    }
  }
});

test('long names and purposes wrap (or shrink) instead of being cut', () => {
  for (const [w, h] of SIZES) {
    const greeting = layoutScreen(screenFor(longCases()[0]!.state, context()), { width: w, height: h });
    const shown = texts(greeting)
      .map((t) => t.text)
      .join(' ');
    for (const word of NAME_60.split(' '))
      assert.ok(shown.includes(word), `${w}x${h}: "${word}" of the name is shown`);
    // Split over pages where the panel is small: read one after the other.
    const confirmModel = screenFor(longCases()[6]!.state, context());
    const confirmText = [0, 1, 2]
      .flatMap((page) => texts(layoutScreen({ ...confirmModel, page }, { width: w, height: h })))
      .map((t) => t.text)
      .join(' ');
    assert.ok(confirmText.includes('beasiswa'), `${w}x${h}: the whole purpose is on the confirm screen`);
  }
  // Menu labels and purposes are never shortened, even the pathological ones.
  for (const c of longCases().filter((x) => x.name.startsWith('choose_'))) {
    const layout = layoutScreen(screenFor(c.state, context()), { width: 480, height: 320 });
    for (const t of texts(layout)) assert.not.ok(t.text.includes('…'), `"${t.text}" cut`);
  }
});

test('the menu keeps the selection visible and says when more items are hidden', () => {
  for (const [w, h] of SIZES) {
    for (const c of longCases().filter((x) => x.name.startsWith('choose_letter'))) {
      const model: ScreenModel = screenFor(c.state, context());
      const layout = layoutScreen(model, { width: w, height: h });
      const selected = model.menu!.items[model.menu!.selected]!;
      const all = texts(layout).map((t) => t.text);
      // A long selected item wraps onto two lines: its words, in order, are on screen.
      const joined = all.join(' ');
      assert.ok(
        joined.replace(/\s+/g, '').includes(selected.replace(/\s+/g, '')),
        `${c.name} ${w}x${h}: selected item visible`,
      );
      assert.ok(
        all.some((t) => t.includes('lainnya')),
        `${c.name} ${w}x${h}: scroll marker`,
      );
    }
  }
});

test('by pixels: nothing is drawn in the left and right margins', async () => {
  const sharp = await loadSharp();
  for (const [w, h] of SIZES) {
    const margin = Math.round(12 * scaleFor(w, h));
    for (const c of longCases()) {
      const layout = layoutScreen(screenFor(c.state, longVillage), { width: w, height: h });
      const svg = layoutToSvg(layout, { textOnly: true });
      const { data, info } = await sharp(Buffer.from(svg))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      assert.equal([info.width, info.height], [w, h]);
      let inked = 0;
      let outside = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (data[(y * w + x) * 4 + 3]! === 0) continue;
          inked++;
          if (x < margin - 1 || x > w - margin) outside++;
        }
      }
      assert.ok(inked > 1000, `${c.name} ${w}x${h}: text was drawn`);
      assert.is(outside, 0, `${c.name} ${w}x${h}: ${outside} text pixels in the margins`);
    }
  }
});

test.run();
