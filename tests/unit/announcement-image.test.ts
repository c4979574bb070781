/**
 * Announcement pictures (`village.announcements[].image`): decoded with sharp, shown with their
 * text on idle in the room under the call to action (real pixels), never over any text; a
 * missing or corrupt file logs one warning and leaves the text alone; provision and selftest
 * name a bad path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { referenceProblems } from '../../src/config/file-checks.ts';
import { loadAnnouncementImages } from '../../src/display/announcement-images.ts';
import { layoutScreen, type TextItem } from '../../src/display/layout.ts';
import { loadSharp, ScreenRenderer } from '../../src/display/renderer.ts';
import { screenFor } from '../../src/display/screens.ts';
import { createLogger } from '../../src/log.ts';
import { context, state, village } from '../support/display-fixtures.ts';
import { touchOptions } from '../support/touch-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'anjungan-news-'));
const picture = join(dir, 'posyandu.png');
const corrupt = join(dir, 'rusak.png');
const missing = join(dir, 'hilang.png');
const TEXT = 'Posyandu balita hari Kamis di balai dusun';

/** A logger whose warnings the test can count. */
function recordingLogger() {
  const lines: { level: number; msg: string; file?: string }[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      const text = String(chunk);
      lines.push(JSON.parse(text.slice(text.indexOf('{'))));
      done();
    },
  });
  return { logger: createLogger('info', out), warnings: () => lines.filter((l) => l.level === 40) };
}

test.before(async () => {
  const sharp = await loadSharp();
  // A 400×200 pure red picture: easy to find in the frame, and 2:1 so scaling is visible.
  const png = await sharp(Buffer.alloc(400 * 200 * 3, Buffer.from([230, 0, 0])), {
    raw: { width: 400, height: 200, channels: 3 },
  })
    .png()
    .toBuffer();
  writeFileSync(picture, png);
  writeFileSync(corrupt, Buffer.concat([png.subarray(0, 40), Buffer.from('not the rest of a PNG')]));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

const ctxWith = (
  image: string,
  images: Awaited<ReturnType<typeof loadAnnouncementImages>>,
  w: number,
  h: number,
  touch = false,
) =>
  context({
    village: { ...village, announcements: [{ text: TEXT, until: null, image }] },
    announcementImages: images,
    touch: touch ? touchOptions(w, h) : undefined,
  });

for (const [w, h, touch] of [
  [800, 480, false],
  [480, 320, false],
  [320, 480, true],
] as const) {
  test(`${w}x${h}${touch ? ' touch' : ''}: the picture is drawn under the call to action and the text, scaled, not distorted`, async () => {
    const { logger, warnings } = recordingLogger();
    const images = await loadAnnouncementImages(
      [{ text: TEXT, image: picture }],
      { width: w, height: h },
      logger,
    );
    assert.is(warnings().length, 0);
    const model = screenFor(state({ name: 'idle' }), ctxWith(picture, images, w, h, touch));
    const layout = layoutScreen(model, { width: w, height: h });
    const img = layout.items.find((i) => i.kind === 'image');
    assert.ok(img, 'a picture in the layout');
    const texts = layout.items.filter((i): i is TextItem => i.kind === 'text');
    assert.ok(
      texts.some((t) => TEXT.includes(t.text.replace('Pengumuman: ', '').split(' ')[0] ?? '?')),
      'its text shown',
    );
    const body = layout.bands.find((b) => b.name === 'body');
    assert.ok(body && img.y >= body.top && img.y + img.h <= body.bottom, 'inside the body');
    for (const t of texts) {
      const overlaps = t.y + t.size * 0.24 > img.y && t.y - t.size * 0.93 < img.y + img.h;
      assert.not.ok(overlaps, `"${t.text}" not covered`);
    }
    assert.ok(Math.abs(img.w / img.h - 2) < 0.05, `aspect ${img.w}x${img.h}`);

    // Real pixels: red where the layout put the picture, and nowhere above the body.
    const frame = await new ScreenRenderer(w, h).raw(model);
    const red = (x: number, y: number) => {
      const i = (y * w + x) * 4;
      return frame.data[i]! > 200 && frame.data[i + 1]! < 40 && frame.data[i + 2]! < 40;
    };
    assert.ok(
      red(img.x + Math.floor(img.w / 2), img.y + Math.floor(img.h / 2)),
      'centre of the picture is red',
    );
    let redRows = 0;
    let redAbove = 0;
    for (let y = 0; y < h; y++) {
      let rowRed = false;
      for (let x = 0; x < w; x += 2) if (red(x, y)) rowRed = true;
      if (rowRed) redRows++;
      if (rowRed && y < (body?.top ?? 0)) redAbove++;
    }
    assert.is(redAbove, 0, 'nothing red over the status bar or the call to action');
    assert.ok(Math.abs(redRows - img.h) <= 2, `${redRows} red rows for a ${img.h}-px picture`);
  });
}

test('a corrupt or missing picture: one warning each, and the announcement as text alone', async () => {
  const { logger, warnings } = recordingLogger();
  const news = [
    { text: TEXT, image: corrupt },
    { text: 'Kerja bakti', image: missing },
    { text: 'Rapat desa', image: corrupt },
  ];
  const images = await loadAnnouncementImages(news, { width: 480, height: 320 }, logger);
  assert.is(images.size, 0);
  assert.equal(
    warnings()
      .map((l) => l.file)
      .sort(),
    [corrupt, missing].sort(),
  );
  const model = screenFor(state({ name: 'idle' }), ctxWith(corrupt, images, 480, 320));
  assert.is(model.image, undefined);
  const layout = layoutScreen(model, { width: 480, height: 320 });
  assert.not.ok(layout.items.some((i) => i.kind === 'image'));
  const shown = layout.items
    .filter((i): i is TextItem => i.kind === 'text')
    .map((t) => t.text)
    .join(' ');
  assert.ok(shown.includes('Posyandu'), shown);
});

test('provision and selftest name a missing or non-image announcement picture, and accept a good one', () => {
  const config = defaultConfig();
  const withNews = (image: string) => ({
    ...config,
    village: { ...config.village, announcements: [{ text: TEXT, image }] },
  });
  assert.equal(referenceProblems(withNews(picture)), []);
  const gone = referenceProblems(withNews(missing));
  assert.ok(
    gone.some((p) => p.startsWith('village.announcements[0].image:') && p.includes('does not exist')),
    gone.join(),
  );
  const notImage = join(dir, 'teks.png');
  writeFileSync(notImage, 'hello');
  const bad = referenceProblems(withNews(notImage));
  assert.ok(
    bad.some((p) => p.includes('is not a PNG or JPEG image')),
    bad.join(),
  );
});

test.run();
