/**
 * The birth-date check (letters.types.<id>.confirm: "birth_date") on touch panels: the right
 * date prints, a wrong one starts over, the third ends the session with birth_date_mismatch;
 * without a touch panel, or for other letter types, nothing changes; the card is never locked.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { screenFor } from '../../src/display/screens.ts';
import { step } from '../../src/flows/kiosk-flow.ts';
import type { Effect, FlowSettings, KioskEvent, KioskState } from '../../src/flows/kiosk-state.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { eventPayload } from '../../src/mqtt/payloads.ts';
import { context, offers, resident, session, state } from '../support/display-fixtures.ts';

const touch: FlowSettings = { repeat_tap_ms: 1000, birth_date_check: true };
const AT = Date.UTC(2024, 9, 14, 2, 30);
const checked = offers.map((o, i) => (i === 0 ? { ...o, confirm: 'birth_date' as const } : o));
const born = { ...resident, birth_date: '1987-05-17' };
const confirm = state({
  name: 'confirm',
  session: session({ offers: checked, letter_index: 0, purpose_index: 0, resident: born }),
});

function run(s: KioskState, settings: FlowSettings, ...events: KioskEvent[]) {
  const effects: Effect[] = [];
  for (const e of events) {
    const r = step(s, e, settings);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

const ok: KioskEvent = { type: 'button', at: AT, button: 'ok' };
/** Taps on the lists: day (1-based), month (1-based), year. */
const pick = (day: number, month: number, year: number): KioskEvent[] => [
  { type: 'select', at: AT, index: day - 1 },
  { type: 'select', at: AT, index: month - 1 },
  { type: 'select', at: AT, index: 2024 - year },
];

test('the right date of birth prints the letter', () => {
  const asked = run(confirm, touch, ok);
  assert.is(asked.state.screen.name, 'birth_date');
  assert.not.ok(
    asked.effects.some((e) => e.type === 'issue_letter'),
    'nothing printed before the check',
  );
  const model = screenFor(asked.state, context());
  assert.is(model.menu?.items.length, 31);
  const done = run(asked.state, touch, ...pick(17, 5, 1987));
  assert.is(done.state.screen.name, 'printing');
  assert.ok(done.effects.some((e) => e.type === 'issue_letter' && e.letter_type === checked[0]?.type_id));
});

test('buttons work the pickers too: ▼ moves, OK takes, ◀ goes back a part', () => {
  let s = run(confirm, touch, ok).state;
  s = run(
    s,
    touch,
    ...Array.from({ length: 16 }, () => ({ type: 'button', at: AT, button: 'down' }) as KioskEvent),
    ok,
  ).state;
  assert.ok(s.screen.name === 'birth_date' && s.screen.part === 'month' && s.screen.day === 17);
  const back = run(s, touch, { type: 'button', at: AT, button: 'back' }).state;
  assert.ok(back.screen.name === 'birth_date' && back.screen.part === 'day');
  const toConfirm = run(back, touch, { type: 'button', at: AT, button: 'back' }).state;
  assert.is(toConfirm.screen.name, 'confirm');
});

test('a wrong date starts over (saying how many tries are left); the third ends the session and reports it', () => {
  let s = run(confirm, touch, ok).state;
  const first = run(s, touch, ...pick(18, 5, 1987));
  assert.ok(
    first.state.screen.name === 'birth_date' &&
      first.state.screen.tries === 1 &&
      first.state.screen.part === 'day',
  );
  assert.match(screenFor(first.state, context()).lines.join(' '), /2 kali lagi/);
  s = run(first.state, touch, ...pick(17, 6, 1987)).state;
  const third = run(s, touch, ...pick(17, 5, 1988));
  assert.is(third.state.screen.name, 'birth_date_mismatch');
  assert.ok(third.effects.some((e) => e.type === 'report' && e.event === 'birth_date_mismatch'));
  assert.not.ok(third.effects.some((e) => e.type === 'issue_letter'));
  // Not locked: the same card is served again at once.
  const again = run(
    third.state,
    touch,
    { type: 'button', at: AT, button: 'ok' },
    {
      type: 'card_read',
      at: AT + 5000,
      card_key: 'ck_test',
      lookup: { kind: 'resident', resident: born, offers: checked },
    },
  );
  assert.is(again.state.screen.name, 'greeting');
});

test('no touch panel, another letter type, or no birth date on record: printed as before', () => {
  assert.is(run(confirm, { repeat_tap_ms: 1000 }, ok).state.screen.name, 'printing');
  const other = {
    ...confirm,
    screen: { ...confirm.screen, session: session({ offers: checked, letter_index: 1, resident: born }) },
  } as KioskState;
  assert.is(run(other, touch, ok).state.screen.name, 'printing');
  const unknownBirth = state({
    name: 'confirm',
    session: session({ offers: checked, letter_index: 0, resident }),
  });
  assert.is(run(unknownBirth, touch, ok).state.screen.name, 'printing');
});

test('birth_date_mismatch carries nothing personal and is schema-valid; the date never reaches a screen', () => {
  const payload = eventPayload({ type: 'birth_date_mismatch' }, AT, '1809102004', 'kiosk-01');
  assert.is(payloadErrors('event', payload), null);
  const asked = run(confirm, touch, ok).state;
  assert.not.ok(JSON.stringify(screenFor(asked, context())).includes('1987-05-17'));
});

test.run();
