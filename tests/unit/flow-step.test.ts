/**
 * The transition function as tables: every sample state × every sample event has an explicit
 * expected outcome below (the test fails if a pair is missing), then a few walks through the
 * journey that tables cannot show (back chain, repeat-tap window, out-of-service reasons).
 *
 * Expectation syntax:  '<screen> key=value … | effect …'
 *   '='            the event is ignored: the very same state object comes back, no effects
 *   '=screen …'    the screen object is kept, but the state changed (keys say how)
 *   keys           L / P (letter / purpose index), card (session card), tap (last_tap.at - T0,
 *                  or none),
 *                  progress, number, reason, printer (screen field), hp (health.printer),
 *                  reasons (comma list), missing, policy
 *   effects        ok / error / attention (signals), report:<event>, issue:<type>/<purpose>
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { HEALTHY, initialState, outOfServiceReasons, step, timeoutFor } from '../../src/flows/kiosk-flow.ts';
import type {
  CardLookup,
  Effect,
  FlowSettings,
  Health,
  KioskEvent,
  KioskState,
  LetterOffer,
  ResidentSummary,
  Screen,
  Session,
} from '../../src/flows/kiosk-state.ts';

const T0 = 1_800_000_000_000;
const settings: FlowSettings = { repeat_tap_ms: 1000 };

const siti: ResidentSummary = {
  ref: 'r_0123456789abcdef0123',
  nama: 'SITI AMINAH',
  nik_masked: '************0012',
  dusun: 'Dusun I',
  rt: '001',
  rw: '002',
};
const budi: ResidentSummary = { ...siti, ref: 'r_fedcba9876543210fedc', nama: 'BUDI SANTOSO' };

const offer = (o: Partial<LetterOffer> & Pick<LetterOffer, 'type_id'>): LetterOffer => ({
  menu_label: o.type_id,
  title: o.type_id.toUpperCase(),
  policy: 'final',
  purposes: ['Melamar pekerjaan', 'Sekolah', 'Bank'],
  missing_fields: [],
  issued_today: 0,
  daily_limit: 2,
  ...o,
});
/** 0: fine; 1: record lacks a field; 2: daily limit reached. */
const OFFERS: LetterOffer[] = [
  offer({ type_id: 'domisili' }),
  offer({ type_id: 'usaha', policy: 'pengantar', missing_fields: ['Pekerjaan'] }),
  offer({ type_id: 'sktm', policy: 'pengantar', issued_today: 2 }),
];

const session = (letter_index: number, purpose_index = 0): Session => ({
  card_key: 'A',
  resident: siti,
  offers: OFFERS,
  letter_index,
  purpose_index,
});
const sick: Health = { ...HEALTHY, printer: 'paper_out' };

const at = (screen: Screen, health: Health = HEALTHY): KioskState =>
  deepFreeze({ screen, health, last_tap: { card_key: 'A', at: T0 } });

const STATES = {
  idle: at({ name: 'idle' }),
  reading: at({ name: 'reading' }),
  greeting: at({ name: 'greeting', session: session(0) }),
  letter0: at({ name: 'choose_letter', session: session(0) }),
  letter1_incomplete: at({ name: 'choose_letter', session: session(1) }),
  letter2_limit: at({ name: 'choose_letter', session: session(2) }),
  purpose0: at({ name: 'choose_purpose', session: session(0, 0) }),
  purpose2_last: at({ name: 'choose_purpose', session: session(0, 2) }),
  confirm: at({ name: 'confirm', session: session(0, 1) }),
  printing: at({ name: 'printing', session: session(0, 1), progress: 0 }),
  printing_sick: at({ name: 'printing', session: session(0, 1), progress: 0 }, sick),
  done: at({ name: 'done', session: session(0, 1), number: '470/001/1809102004/I/2027', policy: 'final' }),
  done_sick: at(
    { name: 'done', session: session(0, 1), number: '470/001/1809102004/I/2027', policy: 'final' },
    sick,
  ),
  unknown_card: at({ name: 'unknown_card' }),
  card_error: at({ name: 'card_error', reason: 'card_error' }),
  resident_inactive: at({ name: 'resident_inactive', resident: siti, status: 'PINDAH' }),
  limit_reached: at({ name: 'limit_reached', session: session(2) }),
  record_incomplete: at({ name: 'record_incomplete', session: session(1), missing: ['Pekerjaan'] }),
  printer_not_ready: at({ name: 'printer_not_ready', session: session(0, 1), printer: 'paper_out' }, sick),
  printer_not_ready_recovered: at({
    name: 'printer_not_ready',
    session: session(0, 1),
    printer: 'paper_out',
  }),
  print_failed: at({ name: 'print_failed', session: session(0, 1), number: 'X/002', reason: 'paper_out' }),
  out_of_service: at({ name: 'out_of_service', reasons: ['paper_out'], remote_reason: null }, sick),
} satisfies Record<string, KioskState>;

const resident = (who: ResidentSummary): CardLookup => ({ kind: 'resident', resident: who, offers: OFFERS });
const later = T0 + 5000;
const EVENTS = {
  detected: { type: 'card_detected', at: later },
  readA: { type: 'card_read', at: later, card_key: 'A', lookup: resident(siti) },
  readA_repeat: { type: 'card_read', at: T0 + 500, card_key: 'A', lookup: resident(siti) },
  readB: { type: 'card_read', at: later, card_key: 'B', lookup: resident(budi) },
  readUnknown: { type: 'card_read', at: later, card_key: 'C', lookup: { kind: 'unknown' } },
  readInactive: {
    type: 'card_read',
    at: later,
    card_key: 'D',
    lookup: { kind: 'inactive', resident: budi, status: 'MATI' },
  },
  readFailed: { type: 'card_read_failed', at: later, reason: 'card_removed' },
  removed: { type: 'card_removed', at: later },
  up: { type: 'button', at: later, button: 'up' },
  down: { type: 'button', at: later, button: 'down' },
  ok: { type: 'button', at: later, button: 'ok' },
  back: { type: 'button', at: later, button: 'back' },
  timeout: { type: 'timeout', at: later },
  paperOut: { type: 'health', at: later, health: { printer: 'paper_out' } },
  allClear: { type: 'health', at: later, health: { ...HEALTHY } },
  progress: { type: 'print_progress', at: later, fraction: 0.5 },
  printed: { type: 'print_succeeded', at: later, number: '470/001/1809102004/I/2027' },
  failed: { type: 'print_failed', at: later, number: 'X/002', reason: 'paper_out' },
  notReady: { type: 'printer_not_ready', at: later, printer: 'offline' },
} satisfies Record<string, KioskEvent>;

type StateName = keyof typeof STATES;
type EventName = keyof typeof EVENTS;
type Row = Record<EventName, string>;

const OOS = 'out_of_service reasons=paper_out | attention';
/** A removal keeps the screen and ends the repeat-tap window (the resident lifted the card). */
const LIFTED = '=screen tap=none';
/** What every screen does with the print events it is not waiting for, and with an all-clear it already has. */
const quiet = { progress: '=', printed: '=', failed: '=', notReady: '=' } as const;
/** A new card on a screen that takes taps: start over for it. */
const taps = {
  detected: '=',
  readA: 'greeting card=A L=0 P=0 tap=5000 | ok',
  readA_repeat: '=screen tap=500',
  readB: 'greeting card=B L=0 | ok',
  readUnknown: 'unknown_card tap=5000 | report:card_unknown error',
  readInactive: 'resident_inactive | error',
  removed: LIFTED,
} as const;
const CARD_ERROR = 'card_error reason=card_removed | report:card_error error';
/** Message screens outside a session: ok/back acknowledge, back to idle. */
const message: Row = {
  ...taps,
  readFailed: CARD_ERROR,
  up: '=page page=-1',
  down: '=page page=1',
  ok: 'idle',
  back: 'idle',
  timeout: 'idle',
  paperOut: OOS,
  allClear: '=',
  ...quiet,
};
/** A tap while a health problem waits for the resident to leave the screen: straight out of service. */
const tapsWhileSick = {
  detected: '=',
  readA: 'out_of_service | attention',
  readA_repeat: '=screen tap=500',
  readB: 'out_of_service | attention',
  readUnknown: 'out_of_service | report:card_unknown attention',
  readInactive: 'out_of_service | attention',
  removed: LIFTED,
} as const;
const printingRow = (hp: string): Row => ({
  detected: '=',
  readA: '=',
  readA_repeat: '=',
  readB: '=',
  readUnknown: '=',
  readInactive: '=',
  readFailed: '=',
  removed: LIFTED,
  up: '=page page=-1',
  down: '=page page=1',
  ok: '=',
  back: '=',
  timeout: '=',
  paperOut: hp === 'paper_out' ? '=' : '=screen hp=paper_out',
  allClear: hp === 'ready' ? '=' : '=screen hp=ready',
  progress: `printing progress=0.5 hp=${hp}`,
  printed: `done number=470/001/1809102004/I/2027 policy=final hp=${hp} | ok`,
  failed: `print_failed number=X/002 reason=paper_out hp=${hp} | error`,
  notReady: 'printer_not_ready printer=offline hp=offline | error',
});

const EXPECT: Record<StateName, Row> = {
  idle: {
    ...taps,
    detected: 'reading',
    readFailed: CARD_ERROR,
    up: '=page page=-1',
    down: '=page page=1',
    ok: '=',
    back: '=',
    timeout: '=',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  reading: {
    ...taps,
    // reading waits for exactly this read: even a repeat of the last card is taken
    readA_repeat: 'greeting card=A tap=500 | ok',
    readFailed: CARD_ERROR,
    removed: 'idle tap=none',
    up: '=page page=-1',
    down: '=page page=1',
    ok: '=',
    back: 'idle',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  greeting: {
    ...taps,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'choose_letter L=0',
    back: 'idle',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  letter0: {
    ...taps,
    readFailed: '=',
    up: '=',
    down: 'choose_letter L=1',
    ok: 'choose_purpose L=0 P=0',
    back: 'greeting L=0',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  letter1_incomplete: {
    ...taps,
    readFailed: '=',
    up: 'choose_letter L=0',
    down: 'choose_letter L=2',
    ok: 'record_incomplete L=1 missing=Pekerjaan | report:record_incomplete error',
    back: 'greeting L=1',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  letter2_limit: {
    ...taps,
    readFailed: '=',
    up: 'choose_letter L=1',
    down: '=',
    ok: 'limit_reached L=2 | report:limit_reached error',
    back: 'greeting L=2',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  purpose0: {
    ...taps,
    readFailed: '=',
    up: '=',
    down: 'choose_purpose L=0 P=1',
    ok: 'confirm L=0 P=0',
    back: 'choose_letter L=0 P=0',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  purpose2_last: {
    ...taps,
    readFailed: '=',
    up: 'choose_purpose P=1',
    down: '=',
    ok: 'confirm P=2',
    back: 'choose_letter L=0 P=2',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  confirm: {
    ...taps,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'printing progress=0 L=0 P=1 | issue:domisili/Sekolah',
    back: 'choose_purpose L=0 P=1',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  printing: printingRow('ready'),
  printing_sick: printingRow('paper_out'),
  done: {
    ...taps,
    readFailed: CARD_ERROR,
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'idle',
    back: 'idle',
    timeout: 'idle',
    paperOut: '=screen hp=paper_out',
    allClear: '=',
    ...quiet,
  },
  done_sick: {
    ...tapsWhileSick,
    readFailed: 'out_of_service | report:card_error attention',
    up: '=page page=-1',
    down: '=page page=1',
    ok: OOS,
    back: OOS,
    timeout: OOS,
    paperOut: '=',
    allClear: '=screen hp=ready',
    ...quiet,
  },
  unknown_card: { ...message, readUnknown: 'unknown_card | report:card_unknown error' },
  card_error: { ...message, readFailed: CARD_ERROR },
  resident_inactive: { ...message, readInactive: 'resident_inactive | error' },
  limit_reached: {
    ...taps,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'choose_letter L=2',
    back: 'choose_letter L=2',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  record_incomplete: {
    ...taps,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'choose_letter L=1',
    back: 'choose_letter L=1',
    timeout: 'idle',
    paperOut: OOS,
    allClear: '=',
    ...quiet,
  },
  printer_not_ready: {
    ...tapsWhileSick,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: OOS,
    back: OOS,
    timeout: OOS,
    paperOut: '=',
    allClear: '=screen hp=ready',
    ...quiet,
  },
  printer_not_ready_recovered: {
    ...taps,
    readFailed: '=',
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'confirm L=0 P=1',
    back: 'confirm L=0 P=1',
    timeout: 'idle',
    paperOut: '=screen hp=paper_out',
    allClear: '=',
    ...quiet,
  },
  print_failed: {
    ...taps,
    readFailed: CARD_ERROR,
    up: '=page page=-1',
    down: '=page page=1',
    ok: 'idle',
    back: 'idle',
    timeout: 'idle',
    paperOut: '=screen hp=paper_out',
    allClear: '=',
    ...quiet,
  },
  out_of_service: {
    detected: '=',
    readA: '=',
    readA_repeat: '=',
    readB: '=',
    readUnknown: '=',
    readInactive: '=',
    readFailed: '=',
    removed: LIFTED,
    up: '=page page=-1',
    down: '=page page=1',
    ok: '=',
    back: '=',
    timeout: '=',
    paperOut: '=',
    allClear: 'idle hp=ready',
    ...quiet,
  },
};

function fields(state: KioskState): Record<string, string> {
  const s = state.screen;
  const out: Record<string, string> = { hp: state.health.printer };
  out.tap = state.last_tap ? String(state.last_tap.at - T0) : 'none';
  if ('session' in s) {
    out.L = String(s.session.letter_index);
    out.P = String(s.session.purpose_index);
    out.card = s.session.card_key;
  }
  const loose = s as unknown as Record<string, unknown>;
  for (const k of ['progress', 'number', 'reason', 'printer', 'policy']) {
    if (k in loose) out[k] = String(loose[k]);
  }
  if (s.page !== undefined) out.page = String(s.page);
  if (s.name === 'out_of_service') out.reasons = s.reasons.join(',');
  if (s.name === 'record_incomplete') out.missing = s.missing.join(',');
  return out;
}

function effectTokens(effects: Effect[]): string[] {
  return effects.map((e) => {
    if (e.type === 'signal') return e.kind;
    if (e.type === 'report') return `report:${e.event}`;
    if (e.type === 'report_burst') return `burst:${e.count}`;
    if (e.type === 'report_rating') return `rating:${e.choice}`;
    return `issue:${e.letter_type}/${e.purpose}`;
  });
}

function check(stateName: StateName, eventName: EventName, expectation: string): void {
  const start = STATES[stateName];
  const label = `${stateName} + ${eventName}`;
  const { state, effects } = step(start, EVENTS[eventName], settings);
  const [lhs = '', rhs = ''] = expectation.split('|').map((p) => p.trim());
  const [target = '', ...keys] = lhs.split(/\s+/);
  const wanted = rhs ? rhs.split(/\s+/) : [];
  assert.equal(effectTokens(effects), wanted, `${label}: effects`);
  if (target === '=') {
    assert.ok(state === start, `${label}: expected the event to be ignored, got ${state.screen.name}`);
    return;
  }
  if (target === '=screen') assert.ok(state.screen === start.screen, `${label}: screen should be kept`);
  // ▲▼ on a screen without a menu turn the pages of a long text (the layout counts them).
  else if (target === '=page') assert.is(state.screen.name, start.screen.name, `${label}: same screen`);
  else assert.is(state.screen.name, target, `${label}: screen`);
  const actual = fields(state);
  for (const kv of keys) {
    const [k = '', v] = kv.split('=');
    assert.is(actual[k], v, `${label}: ${k}`);
  }
}

test('every state × every event has an explicit expectation', () => {
  const stateNames = Object.keys(STATES) as StateName[];
  const eventNames = Object.keys(EVENTS) as EventName[];
  let pairs = 0;
  for (const s of stateNames) {
    const row = EXPECT[s];
    assert.ok(row, `no row for state ${s}`);
    assert.equal(Object.keys(row).sort(), [...eventNames].sort(), `row ${s} must name every event`);
    for (const e of eventNames) {
      check(s, e, row[e]);
      pairs++;
    }
  }
  assert.is(pairs, stateNames.length * eventNames.length);
  // every screen of the flow is among the sample states
  const screens = new Set(stateNames.map((s) => STATES[s].screen.name));
  assert.is(screens.size, 16);
});

test('the whole journey: tap, choose, confirm, print, done, back to idle', () => {
  let s = initialState();
  const effects: string[] = [];
  const feed = (e: KioskEvent) => {
    const r = step(s, e, settings);
    s = r.state;
    effects.push(...effectTokens(r.effects));
    return s.screen.name;
  };
  assert.is(feed({ type: 'card_detected', at: T0 }), 'reading');
  assert.is(feed({ type: 'card_read', at: T0 + 300, card_key: 'A', lookup: resident(siti) }), 'greeting');
  assert.is(s.screen.name === 'greeting' && s.screen.session.resident.nik_masked, '************0012');
  assert.is(feed({ type: 'button', at: T0 + 2000, button: 'ok' }), 'choose_letter');
  assert.is(feed({ type: 'button', at: T0 + 3000, button: 'ok' }), 'choose_purpose');
  assert.is(feed({ type: 'button', at: T0 + 4000, button: 'down' }), 'choose_purpose');
  assert.is(feed({ type: 'button', at: T0 + 4500, button: 'down' }), 'choose_purpose');
  assert.is(feed({ type: 'button', at: T0 + 5000, button: 'ok' }), 'confirm');
  assert.is(feed({ type: 'button', at: T0 + 6000, button: 'ok' }), 'printing');
  assert.is(feed({ type: 'print_progress', at: T0 + 6050, fraction: 0.43 }), 'printing');
  assert.is(s.screen.name === 'printing' && s.screen.progress, 0.45, 'progress moves in 5 % steps');
  assert.is(feed({ type: 'print_progress', at: T0 + 6100, fraction: 1.7 }), 'printing');
  assert.is(s.screen.name === 'printing' && s.screen.progress, 1, 'progress is clamped to 1');
  assert.is(feed({ type: 'print_succeeded', at: T0 + 7000, number: '470/001' }), 'done');
  assert.is(feed({ type: 'timeout', at: T0 + 22000 }), 'idle');
  assert.equal(effects, ['ok', 'issue:domisili/Bank', 'ok']);
});

test('back walks exactly one step at a time and keeps the selections', () => {
  let s: KioskState = at({ name: 'confirm', session: session(0, 2) });
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    s = step(s, { type: 'button', at: later, button: 'back' }, settings).state;
    names.push(s.screen.name);
    if ('session' in s.screen) {
      assert.is(s.screen.session.purpose_index, 2);
      assert.is(s.screen.session.letter_index, 0);
    }
  }
  assert.equal(names, ['choose_purpose', 'choose_letter', 'greeting', 'idle']);
});

test('a card bouncing in the field stays one tap while the gaps are under repeat_tap_ms', () => {
  let s: KioskState = at({ name: 'choose_letter', session: session(1) });
  const start = s.screen;
  for (const dt of [800, 1600, 2400]) {
    s = step(s, { type: 'card_read', at: T0 + dt, card_key: 'A', lookup: resident(siti) }, settings).state;
    assert.ok(s.screen === start, `tap at +${dt} ms is the same tap`);
  }
  s = step(s, { type: 'card_read', at: T0 + 3500, card_key: 'A', lookup: resident(siti) }, settings).state;
  assert.is(s.screen.name, 'greeting', 'after a quiet second the same card starts over');
});

test('a removal ends the repeat window: lift the card and tap again is a new tap', () => {
  let s: KioskState = at({ name: 'choose_letter', session: session(1) });
  s = step(s, { type: 'card_removed', at: T0 + 300 }, settings).state;
  assert.is(s.screen.name, 'choose_letter', 'lifting the card changes no screen');
  s = step(s, { type: 'card_read', at: T0 + 600, card_key: 'A', lookup: resident(siti) }, settings).state;
  assert.is(s.screen.name, 'greeting', 'the tap after a removal counts, however soon');
  // Without a removal in between, the same card again within the window is still one tap.
  const again = step(s, { type: 'card_read', at: T0 + 900, card_key: 'A', lookup: resident(siti) }, settings);
  assert.ok(again.state.screen === s.screen);
});

test('a tap stamped before the last one (the clock went back) is a new tap, not a repeat', () => {
  const s: KioskState = at({ name: 'choose_letter', session: session(1) });
  const back = step(
    s,
    { type: 'card_read', at: T0 - 3_600_000, card_key: 'A', lookup: resident(siti) },
    settings,
  );
  assert.is(back.state.screen.name, 'greeting');
});

test('out-of-service lists every reason in order and follows them until all clear', () => {
  const all: Health = {
    printer: 'offline',
    reader_present: false,
    clock_trusted: false,
    remote_reason: 'audit',
    data_ok: false,
  };
  assert.equal(outOfServiceReasons(all), [
    'remote',
    'data_unavailable',
    'clock_untrusted',
    'reader_missing',
    'printer_offline',
  ]);
  assert.equal(outOfServiceReasons(HEALTHY), []);

  let s = initialState({ clock_trusted: false });
  assert.equal(s.screen, { name: 'out_of_service', reasons: ['clock_untrusted'], remote_reason: null });
  s = step(
    s,
    { type: 'health', at: later, health: { reader_present: false, remote_reason: 'Pemeliharaan' } },
    settings,
  ).state;
  assert.equal(s.screen, {
    name: 'out_of_service',
    reasons: ['remote', 'clock_untrusted', 'reader_missing'],
    remote_reason: 'Pemeliharaan',
  });
  s = step(
    s,
    { type: 'health', at: later, health: { clock_trusted: true, remote_reason: null } },
    settings,
  ).state;
  assert.equal(s.screen, { name: 'out_of_service', reasons: ['reader_missing'], remote_reason: null });
  s = step(s, { type: 'health', at: later, health: { reader_present: true } }, settings).state;
  assert.is(s.screen.name, 'idle');
  assert.is(
    step(s, { type: 'health', at: later, health: { printer: 'paper_near_end' } }, settings).state.screen.name,
    'idle',
    'paper near end still serves',
  );
});

test('timeoutFor: sessions wait inactivity_s, done done_s, messages message_s, idle/printing/out of service never', () => {
  const t = defaultConfig().timeouts;
  const expected: Record<Screen['name'], number | null> = {
    idle: null,
    printing: null,
    out_of_service: null,
    greeting: t.inactivity_s * 1000,
    choose_letter: t.inactivity_s * 1000,
    choose_purpose: t.inactivity_s * 1000,
    confirm: t.inactivity_s * 1000,
    done: t.done_s * 1000,
    reading: t.message_s * 1000,
    unknown_card: t.message_s * 1000,
    card_error: t.message_s * 1000,
    resident_inactive: t.message_s * 1000,
    limit_reached: t.message_s * 1000,
    record_incomplete: t.message_s * 1000,
    printer_not_ready: t.message_s * 1000,
    print_failed: t.message_s * 1000,
    card_pause: 60_000,
    birth_date: t.inactivity_s * 1000,
    birth_date_mismatch: t.message_s * 1000,
  };
  for (const state of Object.values(STATES)) {
    assert.is(timeoutFor(state.screen, t), expected[state.screen.name], state.screen.name);
  }
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

test.run();
