/**
 * Abuse limit: a burst of unknown cards (limits.unknown_cards_per_minute) pauses card reading
 * for limits.unknown_card_pause_s with a screen that says so; the event card_burst carries a
 * count only, and validates against the published schema.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { screenFor } from '../../src/display/screens.ts';
import { initialState, step, timeoutFor } from '../../src/flows/kiosk-flow.ts';
import type {
  CardLookup,
  Effect,
  FlowSettings,
  KioskEvent,
  KioskState,
} from '../../src/flows/kiosk-state.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { eventPayload } from '../../src/mqtt/payloads.ts';
import { context } from '../support/display-fixtures.ts';

const settings: FlowSettings = { repeat_tap_ms: 1000, unknown_cards_per_minute: 5, unknown_card_pause_s: 60 };
const unknown: CardLookup = { kind: 'unknown' };
const T0 = 1_800_000_000_000;

function run(state: KioskState, events: KioskEvent[]): { state: KioskState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const e of events) {
    const r = step(state, e, settings);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** A stranger's card `i` at `at` ms, then the message acknowledged (back to idle). */
const stranger = (i: number, at: number): KioskEvent[] => [
  { type: 'card_read', at, card_key: `ck_${i}`, lookup: unknown },
  { type: 'button', at: at + 10, button: 'ok' },
];

test('the 5th unknown card within a minute pauses reading; the pause reports a count and cannot be skipped', () => {
  const four = run(
    initialState(),
    [0, 1, 2, 3].flatMap((i) => stranger(i, T0 + i * 5000)),
  );
  assert.is(four.state.screen.name, 'idle');
  assert.not.ok(four.effects.some((e) => e.type === 'report_burst'));
  const fifth = step(
    four.state,
    { type: 'card_read', at: T0 + 20_000, card_key: 'ck_4', lookup: unknown },
    settings,
  );
  assert.equal(fifth.state.screen, { name: 'card_pause', pause_ms: 60_000, count: 5 });
  assert.ok(fifth.effects.some((e) => e.type === 'report_burst' && e.count === 5));
  const paused = fifth.state;
  for (const e of [
    { type: 'button', at: T0 + 21_000, button: 'ok' },
    { type: 'button', at: T0 + 21_000, button: 'back' },
    { type: 'card_detected', at: T0 + 22_000 },
    { type: 'card_read', at: T0 + 22_000, card_key: 'ck_9', lookup: unknown },
  ] as KioskEvent[]) {
    assert.is(step(paused, e, settings).state, paused, `${e.type} ignored during the pause`);
  }
  assert.is(
    timeoutFor(paused.screen, defaultConfig().timeouts),
    60_000,
    'the runner ends it after the pause',
  );
  const after = step(paused, { type: 'timeout', at: T0 + 80_000 }, settings).state;
  assert.is(after.screen.name, 'idle');
  const next = step(
    after,
    { type: 'card_read', at: T0 + 81_000, card_key: 'ck_10', lookup: unknown },
    settings,
  );
  assert.is(next.state.screen.name, 'unknown_card', 'a fresh count after the pause');
});

test('unknown cards spread over more than a minute never pause; 0 turns the limit off', () => {
  const slow = run(
    initialState(),
    [0, 1, 2, 3, 4, 5, 6].flatMap((i) => stranger(i, T0 + i * 16_000)),
  );
  assert.not.ok(
    slow.effects.some((e) => e.type === 'report_burst'),
    'at most 4 in any minute',
  );
  const off = { ...settings, unknown_cards_per_minute: 0 };
  let state = initialState();
  for (let i = 0; i < 10; i++) {
    state = step(
      state,
      { type: 'card_read', at: T0 + i * 1500, card_key: `ck_${i}`, lookup: unknown },
      off,
    ).state;
    assert.is(state.screen.name, 'unknown_card');
  }
});

test('the pause screen says why and for how long; card_burst carries a count only and is schema-valid', () => {
  const model = screenFor(
    { ...initialState(), screen: { name: 'card_pause', pause_ms: 60_000, count: 5 } },
    context(),
  );
  assert.match(model.lines.join(' '), /1 menit/);
  assert.match(model.lines.join(' '), /kantor desa/);
  const payload = eventPayload({ type: 'card_burst', count: 5 }, T0, '1809102004', 'kiosk-01');
  assert.is(payloadErrors('event', payload), null);
  assert.equal(Object.keys(payload).sort(), ['count', 'device', 'id', 'time', 'type', 'v', 'village']);
});

test.run();
