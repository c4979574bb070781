/**
 * Touch layouts and touch input: finger-sized targets from the layout that draws the screen,
 * taps and drags turned into flow events, and the flow's answer to them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layoutScreen } from '../../src/display/layout.ts';
import type { ScreenModel } from '../../src/display/screen-model.ts';
import { screenFor } from '../../src/display/screens.ts';
import { type TouchTarget, tapTarget } from '../../src/display/touch-targets.ts';
import { step } from '../../src/flows/kiosk-flow.ts';
import type { KioskEvent, KioskState } from '../../src/flows/kiosk-state.ts';
import { SimTouch } from '../../src/hardware/touch.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { wireTouch } from '../../src/touch-input.ts';
import { allScreens, context, offers, session, state } from '../support/display-fixtures.ts';
import { TOUCH_SIZES, touchOptions, touchShots } from '../support/touch-fixtures.ts';

const settings = { repeat_tap_ms: 1000 };

function model(s: KioskState, width: number, height: number, speech = false): ScreenModel {
  return screenFor(s, context({ touch: touchOptions(width, height), speech }));
}

const centre = (t: TouchTarget) => ({ x: t.x + Math.floor(t.w / 2), y: t.y + Math.floor(t.h / 2) });

test('every target is at least 9 mm on its panel, on the canvas, and tappable targets never overlap', () => {
  for (const [w, h] of TOUCH_SIZES) {
    for (const [shot, speech] of touchShots(w, h).flatMap(
      (x) =>
        [
          [x, false],
          [x, true],
        ] as const,
    )) {
      const layout = layoutScreen(model(shot.state, w, h, speech), { width: w, height: h });
      const where = `${shot.name} at ${w}x${h}${speech ? ' with Ulangi' : ''}`;
      const taps = (layout.targets ?? []).filter((t) => t.action.kind !== 'list');
      for (const t of taps) {
        assert.ok(
          t.h >= shot.touch.target_px,
          `${where}: ${JSON.stringify(t)} shorter than ${shot.touch.target_px}`,
        );
        assert.ok(
          t.w >= shot.touch.target_px,
          `${where}: ${JSON.stringify(t)} narrower than ${shot.touch.target_px}`,
        );
        assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.w <= w && t.y + t.h <= h, `${where}: off the canvas`);
      }
      for (const [i, a] of taps.entries()) {
        for (const b of taps.slice(i + 1)) {
          const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
          assert.ok(apart, `${where}: ${JSON.stringify(a.action)} overlaps ${JSON.stringify(b.action)}`);
        }
      }
    }
  }
});

test('each step of a session has Batal; confirm has Cetak and Kembali; menus have rows and ▲▼', () => {
  const actions = (name: string, w = 480, h = 320) => {
    const shot = allScreens().find((s) => s.name === name);
    if (!shot) throw new Error(name);
    return (layoutScreen(model(shot.state, w, h), { width: w, height: h }).targets ?? []).map(
      (t) => t.action,
    );
  };
  for (const name of ['choose_letter', 'choose_purpose', 'confirm', 'limit_reached', 'printer_not_ready']) {
    assert.ok(
      actions(name).some((a) => a.kind === 'cancel'),
      `${name} has Batal`,
    );
  }
  const confirm = actions('confirm');
  assert.ok(confirm.some((a) => a.kind === 'button' && a.button === 'ok'));
  assert.ok(confirm.some((a) => a.kind === 'button' && a.button === 'back'));
  assert.ok(model(state({ name: 'confirm', session: session() }), 480, 320).hints.ok === 'Cetak');
  const letters = actions('choose_letter', 800, 480);
  assert.ok(
    letters.some((a) => a.kind === 'select' && a.index === 6),
    'the selected letter is a row',
  );
  assert.ok(letters.some((a) => a.kind === 'list'));
  for (const button of ['up', 'down'] as const)
    assert.ok(letters.some((a) => a.kind === 'button' && a.button === button));
  assert.equal(actions('idle'), [], 'nothing to touch on idle');
});

test('a tap outside every target does nothing', () => {
  const layout = layoutScreen(model(state({ name: 'choose_letter', session: session() }), 480, 320), {
    width: 480,
    height: 320,
  });
  assert.is(tapTarget(layout.targets ?? [], { x: 5, y: 5 }), null, 'status bar');
  assert.is(tapTarget(layout.targets ?? [], { x: 240, y: 40 }), null, 'title');
});

test('flow: a tapped item is chosen and goes on; a drag moves the selection; Batal ends the session', () => {
  const at = 1;
  const letters = state({ name: 'choose_letter', session: session({ letter_index: 0 }) });
  const go = (s: KioskState, e: KioskEvent) => step(s, e, settings).state;
  const chosen = go(letters, { type: 'select', at, index: 1 });
  assert.is(chosen.screen.name, 'choose_purpose');
  assert.is(chosen.screen.name === 'choose_purpose' && chosen.screen.session.letter_index, 1);
  const purpose = go(chosen, { type: 'select', at, index: 2 });
  assert.is(purpose.screen.name === 'confirm' && purpose.screen.session.purpose_index, 2);
  assert.is(go(letters, { type: 'select', at, index: 99 }), letters, 'no such item: ignored');
  const scrolled = go(letters, { type: 'scroll', at, rows: 3 });
  assert.is(scrolled.screen.name === 'choose_letter' && scrolled.screen.session.letter_index, 3);
  const clamped = go(letters, { type: 'scroll', at, rows: 100 });
  assert.is(
    clamped.screen.name === 'choose_letter' && clamped.screen.session.letter_index,
    offers.length - 1,
  );
  assert.is(go(letters, { type: 'scroll', at, rows: -1 }), letters, 'already at the top: ignored');
  assert.is(go(purpose, { type: 'cancel', at }).screen.name, 'idle');
  const idle = state({ name: 'idle' });
  assert.is(go(idle, { type: 'cancel', at }), idle);
  const printing = state({ name: 'printing', session: session(), progress: 0 });
  assert.is(go(printing, { type: 'cancel', at }), printing, 'a letter being printed cannot be cancelled');
});

test('touch input: taps hit the drawn targets, drags over the list scroll by rows, misses do nothing', async () => {
  const [w, h] = [480, 320];
  const touch = new SimTouch(w, h);
  const events: KioskEvent[] = [];
  let current = model(state({ name: 'choose_letter', session: session({ letter_index: 0 }) }), w, h);
  const off = wireTouch({
    touch,
    runner: { dispatch: (e) => events.push(e) },
    currentModel: () => current,
    canvas: { width: w, height: h },
    clock: { now: () => 42 },
    logger: silentLogger(),
  });
  await touch.start();
  const targets = layoutScreen(current, { width: w, height: h }).targets ?? [];
  const row = targets.find((t) => t.action.kind === 'select' && t.action.index === 1);
  const cancel = targets.find((t) => t.action.kind === 'cancel');
  const list = targets.find((t) => t.action.kind === 'list');
  if (!row || !cancel || !list || list.action.kind !== 'list') throw new Error('targets missing');
  touch.tap(centre(row));
  touch.tap({ x: 3, y: 3 });
  touch.tap(centre(cancel));
  touch.drag(centre(row), 0, -2.4 * list.action.row_px);
  assert.equal(events, [
    { type: 'select', at: 42, index: 1 },
    { type: 'cancel', at: 42 },
    { type: 'scroll', at: 42, rows: 2 },
  ]);
  current = model(state({ name: 'idle' }), w, h);
  touch.tap({ x: 240, y: 160 });
  assert.is(events.length, 3, 'idle has nothing to touch');
  off();
  await touch.stop();
});

test('Ulangi (spoken prompts on): a target that says the prompt again and changes nothing in the flow', async () => {
  const [w, h] = [800, 480];
  const touch = new SimTouch(w, h);
  const events: KioskEvent[] = [];
  let repeats = 0;
  const current = model(state({ name: 'confirm', session: session() }), w, h, true);
  const off = wireTouch({
    touch,
    runner: { dispatch: (e) => events.push(e) },
    currentModel: () => current,
    canvas: { width: w, height: h },
    clock: { now: () => 1 },
    logger: silentLogger(),
    onRepeat: () => repeats++,
  });
  await touch.start();
  const ulangi = layoutScreen(current, { width: w, height: h }).targets?.find(
    (t) => t.action.kind === 'repeat',
  );
  if (!ulangi) throw new Error('no Ulangi target');
  touch.tap(centre(ulangi));
  assert.is(repeats, 1);
  assert.equal(events, []);
  assert.not.ok(
    layoutScreen(model(state({ name: 'confirm', session: session() }), w, h, false), {
      width: w,
      height: h,
    }).targets?.some((t) => t.action.kind === 'repeat'),
    'no Ulangi without spoken prompts',
  );
  off();
  await touch.stop();
});

test.run();
