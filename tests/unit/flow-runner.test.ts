/**
 * The runner against the simulated reader, buttons and indicator, with a FakeClock: what a
 * resident at the kiosk would notice (screens, beeps, timeouts, out of service and back).
 * The printer here only reports status; printing itself is the injected issueLetter.
 */
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KioskError } from '../../src/errors.ts';
import { FakeClock } from '../../src/flows/clock.ts';
import { ClockGuard } from '../../src/flows/clock-guard.ts';
import { FlowRunner, type IssueOutcome } from '../../src/flows/flow-runner.ts';
import type {
  CardLookup,
  KioskState,
  LetterOffer,
  ResidentSummary,
  Screen,
} from '../../src/flows/kiosk-state.ts';
import { SimButtons } from '../../src/hardware/buttons.sim.ts';
import { SimCardReader } from '../../src/hardware/card-reader.sim.ts';
import { SimIndicator } from '../../src/hardware/indicator.sim.ts';
import type { Printer, PrinterEvents, PrinterStatus } from '../../src/hardware/printer.ts';
import { silentLogger } from '../../src/log.ts';

const T0 = Date.UTC(2027, 2, 1, 1, 0, 0);
const TIMEOUTS = { inactivity_s: 30, done_s: 15, message_s: 10 };

/** Status-only printer: enough for the runner, which never prints itself. */
class StatusPrinter extends EventEmitter<PrinterEvents> implements Printer {
  status: PrinterStatus = 'ready';
  readonly paperMm = 58 as const;
  async start() {}
  async stop() {}
  async probe() {
    return this.status;
  }
  async print() {
    throw new KioskError('printer_offline', 'StatusPrinter does not print');
  }
  describe() {
    return 'status-only test printer';
  }
  set(status: PrinterStatus) {
    this.status = status;
    this.emit('status', status);
  }
}

const SITI: ResidentSummary = {
  ref: 'r_0123456789abcdef0123',
  nama: 'SITI AMINAH',
  nik_masked: '************0012',
  dusun: 'Dusun I',
  rt: '001',
  rw: '002',
};
const offer = (o: Partial<LetterOffer> & Pick<LetterOffer, 'type_id'>): LetterOffer => ({
  menu_label: o.type_id,
  title: o.type_id.toUpperCase(),
  policy: 'final',
  purposes: ['Melamar pekerjaan', 'Sekolah'],
  missing_fields: [],
  issued_today: 0,
  daily_limit: 2,
  ...o,
});
const OFFERS = [
  offer({ type_id: 'domisili' }),
  offer({ type_id: 'usaha', missing_fields: ['Pekerjaan'] }),
  offer({ type_id: 'sktm', issued_today: 2 }),
];
const CARDS: Record<string, CardLookup> = {
  '04a1b2c3d4e5f6': { kind: 'resident', resident: SITI, offers: OFFERS },
  '04b1b2c3d4e5f6': { kind: 'resident', resident: { ...SITI, ref: 'r_b', nama: 'BUDI' }, offers: OFFERS },
  '04d1b2c3d4e5f6': { kind: 'inactive', resident: { ...SITI, ref: 'r_d' }, status: 'PINDAH' },
};
const SITI_UID = Buffer.from('04a1b2c3d4e5f6', 'hex');
const BUDI_UID = Buffer.from('04b1b2c3d4e5f6', 'hex');
const DEAD_UID = Buffer.from('04d1b2c3d4e5f6', 'hex');
const STRANGER_UID = Buffer.from('04ffffffffffff', 'hex');

type Mode = 'print' | 'throw' | 'fail' | 'not_ready' | 'hold';

async function harness(opts: { mode?: Mode; health?: Parameters<FlowRunner['setHealth']>[0] } = {}) {
  const clock = new FakeClock(T0);
  const reader = new SimCardReader();
  const buttons = new SimButtons();
  const indicator = new SimIndicator();
  const printer = new StatusPrinter();
  await reader.start();
  await buttons.start();
  const screens: string[] = [];
  const reports: string[] = [];
  const requests: { letter_type: string; purpose: string }[] = [];
  let mode: Mode = opts.mode ?? 'print';
  let release: ((o: IssueOutcome) => void) | null = null;
  const runner = new FlowRunner(
    {
      clock,
      logger: silentLogger(),
      reader,
      buttons,
      printer,
      indicator,
      settings: { flow: { repeat_tap_ms: 1000 }, timeouts: TIMEOUTS },
      resolveCard: (uid) => {
        const hex = uid.toString('hex');
        return { card_key: `k_${hex}`, lookup: CARDS[hex] ?? { kind: 'unknown' } };
      },
      issueLetter: async (req, onProgress) => {
        requests.push({ letter_type: req.letter_type, purpose: req.purpose });
        if (mode === 'throw') throw new KioskError('print_connection_lost', 'link died');
        if (mode === 'fail') return { kind: 'failed', number: '470/007', reason: 'paper_out' };
        if (mode === 'not_ready') return { kind: 'not_ready', printer: 'paper_out' };
        onProgress(0.5);
        if (mode === 'hold') return new Promise<IssueOutcome>((resolve) => (release = resolve));
        onProgress(1);
        return {
          kind: 'printed',
          number: `470/${String(requests.length).padStart(3, '0')}/1809102004/III/2027`,
        };
      },
      onState: (state) => screens.push(state.screen.name),
      onReport: (event) => reports.push(event),
    },
    { printer: printer.status, reader_present: reader.present, ...opts.health },
  );
  runner.start();
  const screen = (): Screen => runner.state.screen;
  const press = (...names: ('up' | 'down' | 'ok' | 'back')[]) => {
    for (const n of names) buttons.press(n);
  };
  return {
    clock,
    reader,
    buttons,
    indicator,
    printer,
    runner,
    screens,
    reports,
    requests,
    screen,
    press,
    setMode: (m: Mode) => {
      mode = m;
    },
    release: (o: IssueOutcome) => release?.(o),
    /** Letters whose printing is still held. */
    held: () => release !== null,
  };
}

type H = Awaited<ReturnType<typeof harness>>;

/** Tap Siti's card, then walk to confirm (domisili, second purpose). */
function toConfirm(h: H) {
  h.reader.tap(SITI_UID);
  h.press('ok', 'ok', 'down', 'ok');
  assert.is(h.screen().name, 'confirm');
}

test('happy path: tap, choose, print, done, idle again after done_s', async () => {
  const h = await harness();
  h.reader.tap(SITI_UID);
  assert.is(h.screen().name, 'greeting');
  const greet = h.screen();
  assert.is(greet.name === 'greeting' && greet.session.resident.nik_masked, '************0012');
  h.press('ok', 'ok', 'down', 'ok', 'ok');
  assert.is(h.screen().name, 'printing');
  await h.runner.idle();
  const done = h.screen();
  assert.is(done.name, 'done');
  assert.is(done.name === 'done' && done.number, '470/001/1809102004/III/2027');
  assert.equal(h.requests, [{ letter_type: 'domisili', purpose: 'Sekolah' }]);
  assert.equal(h.screens, [
    'reading',
    'greeting',
    'choose_letter',
    'choose_purpose',
    'choose_purpose',
    'confirm',
    'printing',
    'printing',
    'printing',
    'done',
  ]);
  assert.equal(h.indicator.signals, ['ok', 'ok']);
  h.clock.advance(TIMEOUTS.done_s * 1000 - 1);
  assert.is(h.screen().name, 'done');
  h.clock.advance(1);
  assert.is(h.screen().name, 'idle');
  assert.is(h.clock.pending(), 0, 'idle arms no timer');
  h.runner.stop();
});

test('inactivity returns every timed screen to idle, exactly at its timeout', async () => {
  const message = TIMEOUTS.message_s * 1000;
  const session = TIMEOUTS.inactivity_s * 1000;
  type Reach = { tap?: Buffer; pull?: Buffer; press?: ('up' | 'down' | 'ok' | 'back')[]; mode?: Mode };
  const toPrint: Reach = { tap: SITI_UID, press: ['ok', 'ok', 'ok', 'ok'] };
  const cases: [string, number, Reach | 'detected'][] = [
    ['reading', message, 'detected'],
    ['greeting', session, { tap: SITI_UID }],
    ['choose_letter', session, { tap: SITI_UID, press: ['ok'] }],
    ['choose_purpose', session, { tap: SITI_UID, press: ['ok', 'ok'] }],
    ['confirm', session, { tap: SITI_UID, press: ['ok', 'ok', 'ok'] }],
    ['unknown_card', message, { tap: STRANGER_UID }],
    ['card_error', message, { pull: SITI_UID }],
    ['resident_inactive', message, { tap: DEAD_UID }],
    ['record_incomplete', message, { tap: SITI_UID, press: ['ok', 'down', 'ok'] }],
    ['limit_reached', message, { tap: SITI_UID, press: ['ok', 'down', 'down', 'ok'] }],
    ['done', TIMEOUTS.done_s * 1000, toPrint],
    ['print_failed', message, { ...toPrint, mode: 'fail' }],
  ];
  const reach = async (h: H, how: Reach | 'detected') => {
    if (how === 'detected') return h.runner.dispatch({ type: 'card_detected', at: h.clock.now() });
    if (how.mode) h.setMode(how.mode);
    if (how.tap) h.reader.tap(how.tap);
    if (how.pull) h.reader.pullMidRead(how.pull);
    h.press(...(how.press ?? []));
    await h.runner.idle();
  };
  for (const [name, ms, how] of cases) {
    const h = await harness();
    await reach(h, how);
    assert.is(h.screen().name, name, `reached ${name}`);
    h.clock.advance(ms - 1);
    assert.is(h.screen().name, name, `${name} still shown 1 ms before its timeout`);
    h.clock.advance(1);
    assert.is(h.screen().name, 'idle', `${name} times out to idle`);
    h.runner.stop();
  }
});

test('a button press is activity: it restarts the inactivity timer', async () => {
  const h = await harness();
  h.reader.tap(SITI_UID);
  h.press('ok');
  // `up` at the top of the menu changes nothing on screen, but someone is there
  h.clock.advance(20_000);
  h.press('up');
  h.clock.advance(20_000);
  h.press('up');
  h.clock.advance(29_999);
  assert.is(h.screen().name, 'choose_letter');
  h.clock.advance(1);
  assert.is(h.screen().name, 'idle');
});

test('printing has no timer; printer_not_ready times out to out of service, then idle when the printer is back', async () => {
  const h = await harness({ mode: 'hold' });
  toConfirm(h);
  h.press('ok');
  h.clock.advance(3_600_000);
  assert.is(h.screen().name, 'printing', 'a letter being printed is never abandoned');
  h.release({ kind: 'not_ready', printer: 'paper_out' });
  await h.runner.idle();
  assert.is(h.screen().name, 'printer_not_ready');
  h.clock.advance(TIMEOUTS.message_s * 1000);
  assert.equal(h.screen(), { name: 'out_of_service', reasons: ['paper_out'], remote_reason: null });
  h.printer.set('ready');
  assert.is(h.screen().name, 'idle');
});

test('paper out: out of service at once, taps and buttons ignored, idle again by itself', async () => {
  const h = await harness();
  h.printer.set('paper_out');
  assert.equal(h.screen(), { name: 'out_of_service', reasons: ['paper_out'], remote_reason: null });
  h.reader.tap(SITI_UID);
  h.press('ok', 'back');
  assert.is(h.screen().name, 'out_of_service');
  assert.equal(h.requests, []);
  h.printer.set('paper_near_end');
  assert.is(h.screen().name, 'idle', 'near end still serves');
  h.reader.tap(BUDI_UID);
  assert.is(h.screen().name, 'greeting');
});

test('reader unplugged: out of service, taps go nowhere, plugged back: idle', async () => {
  const h = await harness();
  h.reader.tap(SITI_UID);
  h.press('ok');
  h.reader.unplug();
  assert.equal(h.screen(), { name: 'out_of_service', reasons: ['reader_missing'], remote_reason: null });
  h.reader.tap(SITI_UID);
  assert.is(h.screen().name, 'out_of_service');
  h.reader.plug();
  assert.is(h.screen().name, 'idle');
  assert.is(h.clock.pending(), 0);
});

test('clock untrusted (before build date): out of service until the clock is set, then idle', async () => {
  const h = await harness();
  const buildDate = new Date(T0);
  h.clock.set(Date.UTC(1970, 0, 1, 0, 5));
  const guard = new ClockGuard({
    clock: h.clock,
    buildDate,
    newestRegisterTime: () => null,
    requireSync: false,
    intervalMs: 10_000,
    logger: silentLogger(),
  });
  guard.start((trusted) => h.runner.setHealth({ clock_trusted: trusted }));
  await flush();
  assert.equal(h.screen(), { name: 'out_of_service', reasons: ['clock_untrusted'], remote_reason: null });
  h.clock.set(T0 + 60_000);
  h.clock.advance(10_000);
  await flush();
  assert.is(h.screen().name, 'idle');
  guard.stop();
  h.runner.stop();
  assert.is(h.clock.pending(), 0);
});

test('issueLetter throwing ends as print_failed (never a crash), with an error beep', async () => {
  const h = await harness({ mode: 'throw' });
  toConfirm(h);
  h.press('ok');
  await h.runner.idle();
  const s = h.screen();
  assert.equal(s.name === 'print_failed' && [s.number, s.reason], [null, 'print_connection_lost']);
  assert.equal(h.indicator.signals, ['ok', 'error']);
  h.press('ok');
  assert.is(h.screen().name, 'idle');
});

test('repeat taps within a second are one tap; later, after a removal, or another card starts over; taps while printing are ignored', async () => {
  const h = await harness({ mode: 'hold' });
  h.reader.tap(SITI_UID);
  h.press('ok', 'down');
  h.clock.advance(600);
  // The card reported again without leaving the reader (a keyboard-mode reader typing it twice).
  h.reader.emit('tap', { uid: SITI_UID });
  const s = h.screen();
  assert.is(s.name === 'choose_letter' && s.session.letter_index, 1, 'the repeat changed nothing');
  h.clock.advance(1500);
  h.reader.emit('tap', { uid: SITI_UID });
  assert.is(h.screen().name, 'greeting', 'same card after the window starts over');
  h.press('ok', 'down');
  h.clock.advance(100);
  h.reader.remove();
  h.reader.tap(SITI_UID);
  assert.is(h.screen().name, 'greeting', 'lifted and tapped again, however soon: a new tap');
  h.reader.tap(BUDI_UID);
  const b = h.screen();
  assert.is(b.name === 'greeting' && b.session.resident.nama, 'BUDI', 'another card starts over at once');
  h.press('ok', 'ok', 'ok', 'ok');
  assert.is(h.screen().name, 'printing');
  h.clock.advance(5000);
  h.reader.tap(SITI_UID);
  h.press('back', 'up', 'ok');
  assert.is(h.screen().name, 'printing', 'taps and buttons during printing are ignored');
  h.release({ kind: 'printed', number: '470/001' });
  await h.runner.idle();
  assert.is(h.screen().name, 'done');
  assert.equal(h.requests, [{ letter_type: 'domisili', purpose: 'Melamar pekerjaan' }]);
});

test('a health problem during printing waits until the resident has seen the result', async () => {
  const h = await harness({ mode: 'hold' });
  toConfirm(h);
  h.press('ok');
  h.printer.set('paper_out');
  h.reader.unplug();
  assert.is(h.screen().name, 'printing');
  h.release({ kind: 'printed', number: '470/009' });
  await h.runner.idle();
  assert.is(h.screen().name, 'done', '"ambil surat Anda" is still shown');
  h.press('ok');
  assert.equal(h.screen(), {
    name: 'out_of_service',
    reasons: ['reader_missing', 'paper_out'],
    remote_reason: null,
  });
  h.printer.set('ready');
  assert.is(h.screen().name, 'out_of_service');
  h.reader.plug();
  assert.is(h.screen().name, 'idle');
});

test('card problems: pulled mid-read, random UID, unknown card reported; removal while reading', async () => {
  const h = await harness();
  h.reader.pullMidRead(SITI_UID);
  assert.equal(h.screen(), { name: 'card_error', reason: 'card_removed' });
  h.reader.tap(Buffer.from('08a1b2c3', 'hex'));
  assert.equal(h.screen(), { name: 'card_error', reason: 'card_random_uid' });
  h.reader.tap(STRANGER_UID);
  assert.is(h.screen().name, 'unknown_card');
  assert.equal(h.reports, ['card_error', 'card_error', 'card_unknown']);
  assert.equal(h.indicator.signals, ['error', 'error', 'error']);
  h.press('back');
  h.runner.dispatch({ type: 'card_detected', at: h.clock.now() });
  h.reader.remove();
  assert.is(h.screen().name, 'idle', 'a card that left before being read returns to idle');
});

test('long press of back changes nothing; stop() unsubscribes and disarms', async () => {
  const h = await harness();
  h.reader.tap(SITI_UID);
  const before: KioskState = h.runner.state;
  h.buttons.longPress('back');
  assert.ok(h.runner.state === before);
  assert.is(h.clock.pending(), 1);
  h.runner.stop();
  assert.is(h.clock.pending(), 0);
  h.clock.advance(60_000);
  h.press('ok');
  assert.ok(h.runner.state === before, 'a stopped runner hears nothing');
});

test('a throwing indicator or listener does not stop the flow', async () => {
  const h = await harness();
  h.indicator.signal = () => {
    throw new Error('buzzer burnt');
  };
  h.reader.tap(SITI_UID);
  h.press('ok', 'ok', 'ok', 'ok');
  await h.runner.idle();
  assert.is(h.screen().name, 'done');
});

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

test.run();
