/**
 * Legibility, measured from the layout (not by eye) on every screen the snapshots draw: no
 * resident-facing text under the floor of its panel (16 px at 320×240, 18 at 480×320, 24 at
 * 800×480; status bar 14), every text at WCAG AA contrast against what it is drawn on, and
 * the idle screen's call to action its largest text.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Item, type Layout, layoutScreen, type TextItem } from '../../src/display/layout.ts';
import { contrastRatio, MIN_CONTRAST, STATUS_FLOOR_PX, textFloorPx } from '../../src/display/legibility.ts';
import { screenFor } from '../../src/display/screens.ts';
import { TEXT } from '../../src/display/text-id.ts';
import { context, state } from '../support/display-fixtures.ts';
import { snapshotSets } from '../support/snapshot-sets.ts';

const layouts = snapshotSets().flatMap((set) =>
  set.shots.map((shot) => ({
    where: `${set.dir ?? `display-${set.width}x${set.height}`}/${shot.name}`,
    floor: textFloorPx(set.width, set.height),
    layout: layoutScreen(screenFor(shot.state, shot.ctx), { width: set.width, height: set.height }),
  })),
);

const texts = (layout: Layout) =>
  layout.items.filter((i): i is TextItem => i.kind === 'text' && i.text.trim() !== '');

/** The colour under a text: the last shape drawn before it that covers its middle. */
function backgroundOf(layout: Layout, t: TextItem): string {
  const cx = t.anchor === 'start' ? t.x + t.width / 2 : t.anchor === 'end' ? t.x - t.width / 2 : t.x;
  const cy = t.y - t.size * 0.35;
  let bg = layout.background;
  for (const item of layout.items as Item[]) {
    if (item === t) break;
    if (item.kind === 'rect' && cx >= item.x && cx < item.x + item.w && cy >= item.y && cy < item.y + item.h)
      bg = item.fill;
  }
  return bg;
}

test('no text under its floor (status bar 14 px), measured from the layout of every snapshot', () => {
  const failures: string[] = [];
  for (const { where, floor, layout } of layouts) {
    const status = layout.bands.find((b) => b.name === 'status');
    for (const t of texts(layout)) {
      const inStatus = status !== undefined && t.y <= status.bottom;
      const min = inStatus ? STATUS_FLOOR_PX : floor;
      if (t.size < min) failures.push(`${where}: "${t.text}" at ${t.size} px (floor ${min})`);
    }
  }
  assert.equal(failures, []);
});

test('every text at WCAG AA contrast (4.5:1) against what it is drawn on', () => {
  const failures: string[] = [];
  for (const { where, layout } of layouts) {
    for (const t of texts(layout)) {
      const bg = backgroundOf(layout, t);
      const ratio = contrastRatio(t.fill, bg);
      if (ratio < MIN_CONTRAST)
        failures.push(`${where}: "${t.text}" ${t.fill} on ${bg} = ${ratio.toFixed(2)}`);
    }
  }
  assert.equal([...new Set(failures)], []);
});

test("the idle screen's call to action is its largest text", () => {
  for (const { where, layout } of layouts.filter((l) => l.where.endsWith('/idle'))) {
    const all = texts(layout);
    const cta = all.find((t) => t.text.startsWith(TEXT.tapCard.split(' ')[0] ?? ''));
    assert.ok(cta, `${where}: call to action shown`);
    const largest = Math.max(...all.map((t) => t.size));
    assert.is(cta?.size, largest, `${where}: call to action ${cta?.size} px, largest ${largest} px`);
  }
});

test('states are told apart without colour: every printer state and the network link have their own words', () => {
  const statuses = (['ready', 'paper_near_end', 'paper_out', 'cover_open', 'offline'] as const).map(
    (printer) => screenFor(state({ name: 'idle' }, { printer }), context()).status,
  );
  const printerWords = statuses.map((st) => st.printer);
  assert.is(new Set(printerWords).size, printerWords.length, printerWords.join(' / '));
  const online = screenFor(state({ name: 'idle' }), context({ network: 'online' })).status.network;
  const offline = screenFor(state({ name: 'idle' }), context({ network: 'offline' })).status.network;
  assert.is.not(online, offline);
  assert.equal([online, offline], ['Terhubung', 'Tidak terhubung']);
});

test.run();
