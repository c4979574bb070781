/**
 * The rating after a letter (flow.rating): three answers on the done screen, by touch or by
 * buttons, skippable and never in the next resident's way; the event carries the answer and the
 * letter type only and is schema-valid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { layoutScreen } from '../../src/display/layout.ts';
import { screenFor } from '../../src/display/screens.ts';
import { step } from '../../src/flows/kiosk-flow.ts';
import type { Effect, FlowSettings, KioskEvent, KioskState } from '../../src/flows/kiosk-state.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { eventPayload } from '../../src/mqtt/payloads.ts';
import { context, offers, resident, session, state } from '../support/display-fixtures.ts';
import { touchOptions } from '../support/touch-fixtures.ts';

const rating: FlowSettings = { repeat_tap_ms: 1000, rating: true };
const printing = state({ name: 'printing', session: session({ letter_index: 0 }), progress: 0.9 });
const done = step(
  printing,
  { type: 'print_succeeded', at: 1, number: 'S-11/001/1809102004/X/2024' },
  rating,
).state;

const run = (s: KioskState, ...events: KioskEvent[]) => {
  const effects: Effect[] = [];
  for (const e of events) {
    const r = step(s, e, rating);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, ratings: effects.filter((e) => e.type === 'report_rating') };
};

test('off by default: done says Selesai as before; on: the question with Cukup highlighted', () => {
  const plain = step(
    printing,
    { type: 'print_succeeded', at: 1, number: 'N/1' },
    { repeat_tap_ms: 1000 },
  ).state;
  assert.is(plain.screen.name === 'done' && plain.screen.rating, undefined);
  assert.is(done.screen.name === 'done' && done.screen.rating, 1);
  const model = screenFor(done, context());
  assert.equal(model.menu, { items: ['Puas', 'Cukup', 'Kurang'], selected: 1 });
  assert.match(model.lines.join(' '), /Bagaimana layanan anjungan hari ini\?/);
  assert.equal(model.hints, { up: 'Pilih', down: 'Pilih', ok: 'Kirim', back: 'Lewati' });
});

test('buttons: ▲ then OK sends Puas; ◀ skips without a rating', () => {
  const sent = run(done, { type: 'button', at: 2, button: 'up' }, { type: 'button', at: 3, button: 'ok' });
  assert.is(sent.state.screen.name, 'idle');
  assert.equal(sent.ratings, [
    { type: 'report_rating', choice: 'puas', letter_type: offers[0]?.type_id ?? '' },
  ]);
  const skipped = run(done, { type: 'button', at: 2, button: 'back' });
  assert.is(skipped.state.screen.name, 'idle');
  assert.equal(skipped.ratings, []);
});

test('touch: a tap on Kurang sends it at once; the next card or the timeout never wait for an answer', () => {
  const w = 480;
  const h = 320;
  const layout = layoutScreen(screenFor(done, context({ touch: touchOptions(w, h) })), {
    width: w,
    height: h,
  });
  const kurang = layout.targets?.find((t) => t.action.kind === 'select' && t.action.index === 2);
  assert.ok(kurang, 'Kurang is a target');
  const tapped = run(done, { type: 'select', at: 2, index: 2 });
  assert.equal(
    tapped.ratings.map((r) => r.type === 'report_rating' && r.choice),
    ['kurang'],
  );
  assert.is(run(done, { type: 'timeout', at: 20_000 }).state.screen.name, 'idle');
  const next = run(done, {
    type: 'card_read',
    at: 5000,
    card_key: 'ck_next',
    lookup: { kind: 'resident', resident, offers },
  });
  assert.is(next.state.screen.name, 'greeting', 'the next resident is served at once');
  assert.equal(next.ratings, []);
});

test('the rating event: answer and letter type only, schema-valid', () => {
  const payload = eventPayload(
    { type: 'rating', choice: 'cukup', letter_type: 'domisili' },
    1_800_000_000_000,
    '1809102004',
    'kiosk-01',
  );
  assert.is(payloadErrors('event', payload), null);
  assert.equal(Object.keys(payload).sort(), [
    'choice',
    'device',
    'id',
    'letter_type',
    'time',
    'type',
    'v',
    'village',
  ]);
  assert.ok(payloadErrors('event', { ...payload, choice: 'bagus' }), 'only the three answers');
});

test.run();
