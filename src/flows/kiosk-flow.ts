/**
 * The resident journey as a pure function: `step(state, event, settings) → { state, effects }`.
 * No timers, no I/O, no clock: time comes in on the events (`at`), timeouts are the runner's
 * (it asks `timeoutFor` and sends `timeout`), and everything the outside world must do comes
 * out as effects. When an event means nothing on a screen, `step` returns the SAME state object
 * and no effects, so the runner can tell "ignored" from "changed".
 *
 * Decisions a reader may look for:
 * - `back` goes exactly one step back: choose_purpose → choose_letter (selection kept),
 *   confirm → choose_purpose (selection kept), choose_letter → greeting, greeting → idle,
 *   reading → idle; a message screen goes back to where it came from (limit_reached and
 *   record_incomplete → choose_letter, printer_not_ready → confirm), or to idle. On message
 *   screens `ok` does the same as `back` (it acknowledges).
 * - up/down clamp at the ends of a menu (no wrap-around: with four buttons and no scroll bar,
 *   a jump from the last item to the first confuses more than it helps). On a screen without a
 *   menu they turn the pages of a text too long for the panel (`screen.page`; the layout counts
 *   the pages and says "Halaman 1/2", so there they go round).
 * - Health problems take the kiosk out of service at once, except while a letter is printing
 *   and while the resident is told how their print ended (done, print_failed,
 *   printer_not_ready): they must still learn "take your letter" or "failed, number X". Leaving
 *   those screens then lands on out_of_service. When every problem clears, out_of_service goes
 *   back to idle by itself.
 * - A failed card read during a session (greeting … confirm and its messages) is ignored: it
 *   identifies nobody, so there is no reason to throw the resident's choices away.
 * - Taps of the same card within `repeat_tap_ms` are one tap (a card resting on a reader that
 *   types its UID again, a bounce without a removal), but a removal ends that window: a resident
 *   who lifts the card and taps again means it. A tap stamped earlier than the last one (the
 *   clock went back) is never a repeat.
 */
import type { Config } from '../config/config.ts';
import { birthDateInput, startBirthDate } from './birth-date.ts';
import type {
  Effect,
  FlowSettings,
  Health,
  KioskEvent,
  KioskState,
  OutOfServiceReason,
  Screen,
  Session,
  StepResult,
} from './kiosk-state.ts';
import { RATING_CHOICES } from './kiosk-state.ts';

/** Health when nothing is known to be wrong. */
export const HEALTHY: Health = {
  printer: 'ready',
  reader_present: true,
  clock_trusted: true,
  remote_reason: null,
  data_ok: true,
};

/** Screens that hold off a health problem until the resident has been told how the print ended. */
const HOLDS_OFF_HEALTH = new Set<Screen['name']>(['printing', 'done', 'print_failed', 'printer_not_ready']);

/**
 * Why the kiosk cannot serve, in the order the screen shows them (the first is the headline):
 * a district order first, then what breaks every letter (data, clock), then the devices.
 */
export function outOfServiceReasons(health: Health): OutOfServiceReason[] {
  const reasons: OutOfServiceReason[] = [];
  if (health.remote_reason !== null) reasons.push('remote');
  if (!health.data_ok) reasons.push('data_unavailable');
  if (health.register_ok === false) reasons.push('register_damaged');
  if (health.storage_ok === false) reasons.push('storage_full');
  if (!health.clock_trusted) reasons.push('clock_untrusted');
  if (!health.reader_present) reasons.push('reader_missing');
  if (health.printer === 'paper_out') reasons.push('paper_out');
  if (health.printer === 'cover_open') reasons.push('cover_open');
  if (health.printer === 'offline') reasons.push('printer_offline');
  return reasons;
}

/** The state at start: idle, or out of service when `health` already has a problem. */
export function initialState(health?: Partial<Health>): KioskState {
  const state: KioskState = { screen: { name: 'idle' }, health: { ...HEALTHY, ...health }, last_tap: null };
  return settle({ state, effects: [] }).state;
}

/** How long a screen may stay without activity before the runner sends `timeout`; null = never. */
export function timeoutFor(screen: Screen, timeouts: Config['timeouts']): number | null {
  switch (screen.name) {
    case 'idle':
    case 'printing':
    case 'out_of_service':
      return null;
    case 'done':
      return timeouts.done_s * 1000;
    case 'card_pause':
      return screen.pause_ms;
    case 'greeting':
    case 'choose_letter':
    case 'choose_purpose':
    case 'confirm':
    case 'birth_date':
      return timeouts.inactivity_s * 1000;
    default:
      // reading and the message screens: short, they only say something
      return timeouts.message_s * 1000;
  }
}

/** The transition function. Pure: same inputs, same output. */
export function step(state: KioskState, event: KioskEvent, settings: FlowSettings): StepResult {
  const result = transition(state, event, settings);
  return result.state === state ? result : settle(result);
}

function transition(state: KioskState, event: KioskEvent, settings: FlowSettings): StepResult {
  const { screen } = state;
  switch (event.type) {
    case 'card_detected':
      return screen.name === 'idle' ? go(state, { name: 'reading' }) : ignore(state);

    case 'card_read': {
      if (screen.name === 'printing' || screen.name === 'out_of_service' || screen.name === 'card_pause')
        return ignore(state);
      const last_tap = { card_key: event.card_key, at: event.at };
      const last = state.last_tap;
      // `reading` always takes the read it is waiting for, or it would hang until its timeout.
      // A tap stamped before the last one is not a repeat: the wall clock went back.
      const sinceLast = last?.card_key === event.card_key ? event.at - last.at : -1;
      if (screen.name !== 'reading' && sinceLast >= 0 && sinceLast < settings.repeat_tap_ms) {
        // The window slides: a card bouncing at the edge of the field stays one tap.
        return ignore({ ...state, last_tap });
      }
      const tapped = { ...state, last_tap };
      const { lookup } = event;
      if (lookup.kind === 'unknown') return unknownCard(tapped, event.at, settings);
      if (lookup.kind === 'inactive') {
        const next: Screen = { name: 'resident_inactive', resident: lookup.resident, status: lookup.status };
        return go(tapped, next, signal('error'));
      }
      const session: Session = {
        card_key: event.card_key,
        resident: lookup.resident,
        offers: lookup.offers,
        letter_index: 0,
        purpose_index: 0,
      };
      return go(tapped, { name: 'greeting', session }, signal('ok'));
    }

    case 'card_read_failed':
      switch (screen.name) {
        case 'idle':
        case 'reading':
        case 'unknown_card':
        case 'card_error':
        case 'resident_inactive':
        case 'done':
        case 'print_failed':
          return go(
            state,
            { name: 'card_error', reason: event.reason },
            report('card_error'),
            signal('error'),
          );
        default:
          return ignore(state);
      }

    case 'card_removed': {
      // A resident who lifts the card and taps again means it: a removal ends the repeat window.
      const lifted = state.last_tap === null ? state : { ...state, last_tap: null };
      // A card that left before its UID was read: nothing to wait for any more.
      return screen.name === 'reading' ? go(lifted, { name: 'idle' }) : ignore(lifted);
    }

    case 'button':
      return press(state, event.button, settings, event.at);

    case 'select':
    case 'scroll':
      return touchMenu(state, event);

    case 'page':
      return turnPage(state, event.delta);

    case 'cancel':
      return CANCELLABLE.has(screen.name) ? go(state, { name: 'idle' }) : ignore(state);

    case 'timeout':
      if (screen.name === 'idle' || screen.name === 'printing' || screen.name === 'out_of_service') {
        return ignore(state);
      }
      return go(state, { name: 'idle' });

    case 'health': {
      const health = { ...state.health, ...event.health };
      const unchanged = (Object.keys(health) as (keyof Health)[]).every((k) => health[k] === state.health[k]);
      return unchanged ? ignore(state) : { state: { ...state, health }, effects: [] };
    }

    case 'print_progress': {
      if (screen.name !== 'printing') return ignore(state);
      // 5 % steps: printers report per line, and a redraw per line helps nobody.
      const progress = Math.round(Math.min(1, Math.max(0, event.fraction)) * 20) / 20;
      return progress === screen.progress ? ignore(state) : go(state, { ...screen, progress });
    }

    case 'print_succeeded': {
      if (screen.name !== 'printing') return ignore(state);
      const policy = screen.session.offers[screen.session.letter_index]?.policy ?? 'pengantar';
      const done: Screen = { name: 'done', session: screen.session, number: event.number, policy };
      // The rating starts on the middle answer: no answer is suggested.
      if (settings.rating) done.rating = 1;
      return go(state, done, signal('ok'));
    }

    case 'print_failed':
      if (screen.name !== 'printing') return ignore(state);
      return go(
        state,
        { name: 'print_failed', session: screen.session, number: event.number, reason: event.reason },
        signal('error'),
      );

    case 'printer_not_ready': {
      if (screen.name !== 'printing') return ignore(state);
      // The printer just said so itself: remember it, so leaving this screen goes out of service.
      const next = { ...state, health: { ...state.health, printer: event.printer } };
      return go(
        next,
        { name: 'printer_not_ready', session: screen.session, printer: event.printer },
        signal('error'),
      );
    }
  }
}

function press(
  state: KioskState,
  button: 'up' | 'down' | 'ok' | 'back',
  settings: FlowSettings = { repeat_tap_ms: 0 },
  at = 0,
): StepResult {
  const { screen } = state;
  if ((button === 'up' || button === 'down') && !arrowsMoveASelection(screen)) {
    return turnPage(state, button === 'down' ? 1 : -1);
  }
  switch (screen.name) {
    case 'birth_date':
      return birthDateInput(
        state,
        screen,
        button === 'ok'
          ? { kind: 'pick' }
          : button === 'back'
            ? { kind: 'back' }
            : { kind: 'move', delta: button === 'down' ? 1 : -1 },
        issueLetter,
      );

    case 'birth_date_mismatch':
      if (button !== 'ok' && button !== 'back') return ignore(state);
      return go(state, { name: 'idle' });

    case 'reading':
    case 'greeting':
      if (button === 'back') return go(state, { name: 'idle' });
      if (button === 'ok' && screen.name === 'greeting') {
        return go(state, { name: 'choose_letter', session: screen.session });
      }
      return ignore(state);

    case 'choose_letter': {
      const { session } = screen;
      if (button === 'back') return go(state, { name: 'greeting', session });
      if (button === 'up' || button === 'down') {
        const letter_index = move(session.letter_index, button, session.offers.length);
        if (letter_index === session.letter_index) return ignore(state);
        return go(state, { name: 'choose_letter', session: { ...session, letter_index } });
      }
      const offer = session.offers[session.letter_index];
      if (!offer) return ignore(state);
      if (offer.missing_fields.length > 0) {
        const next: Screen = { name: 'record_incomplete', session, missing: offer.missing_fields };
        return go(state, next, report('record_incomplete'), signal('error'));
      }
      if (offer.issued_today >= offer.daily_limit) {
        return go(state, { name: 'limit_reached', session }, report('limit_reached'), signal('error'));
      }
      // A new letter choice starts its purpose menu at the top.
      return go(state, { name: 'choose_purpose', session: { ...session, purpose_index: 0 } });
    }

    case 'choose_purpose': {
      const { session } = screen;
      if (button === 'back') return go(state, { name: 'choose_letter', session });
      const purposes = session.offers[session.letter_index]?.purposes ?? [];
      if (button === 'up' || button === 'down') {
        const purpose_index = move(session.purpose_index, button, purposes.length);
        if (purpose_index === session.purpose_index) return ignore(state);
        return go(state, { name: 'choose_purpose', session: { ...session, purpose_index } });
      }
      // A type without purposes cannot be confirmed; letter-types.ts refuses such a config.
      return purposes.length > 0 ? go(state, { name: 'confirm', session }) : ignore(state);
    }

    case 'confirm': {
      const { session } = screen;
      if (button === 'back') return go(state, { name: 'choose_purpose', session });
      if (button !== 'ok') return ignore(state);
      const offer = session.offers[session.letter_index];
      // On touch panels a letter type may ask for the date of birth first (only if it is known).
      if (offer?.confirm === 'birth_date' && settings.birth_date_check && session.resident.birth_date) {
        return go(state, startBirthDate(session, at));
      }
      return issueLetter(state, session);
    }

    case 'limit_reached':
    case 'record_incomplete':
      if (button !== 'ok' && button !== 'back') return ignore(state);
      return go(state, { name: 'choose_letter', session: screen.session });

    case 'printer_not_ready':
      if (button !== 'ok' && button !== 'back') return ignore(state);
      return go(state, { name: 'confirm', session: screen.session });

    case 'done':
      if (screen.rating !== undefined) return rateByButton(state, screen, button);
      if (button !== 'ok' && button !== 'back') return ignore(state);
      return go(state, { name: 'idle' });

    case 'print_failed':
    case 'unknown_card':
    case 'card_error':
    case 'resident_inactive':
      if (button !== 'ok' && button !== 'back') return ignore(state);
      return go(state, { name: 'idle' });

    case 'idle':
    case 'printing':
    case 'out_of_service':
    // The pause cannot be skipped: whoever tries cards would just press OK.
    case 'card_pause':
      return ignore(state);
  }
}

/**
 * An unknown card: the usual message, unless it is the Nth within a minute (N =
 * unknown_cards_per_minute): then reading pauses, as OpenSID's kiosk does after failed tries.
 * The card's owner is never locked out: nothing is kept about the cards, only when they came.
 */
function unknownCard(state: KioskState, at: number, settings: FlowSettings): StepResult {
  const limit = settings.unknown_cards_per_minute ?? 5;
  const recent = [...(state.unknown_taps ?? []).filter((t) => at - t < 60_000), at];
  if (limit > 0 && recent.length >= limit) {
    const pause: Screen = {
      name: 'card_pause',
      pause_ms: (settings.unknown_card_pause_s ?? 60) * 1000,
      count: recent.length,
    };
    return go(
      { ...state, unknown_taps: [] },
      pause,
      report('card_unknown'),
      { type: 'report_burst', count: recent.length },
      signal('error'),
    );
  }
  return go(
    { ...state, unknown_taps: recent },
    { name: 'unknown_card' },
    report('card_unknown'),
    signal('error'),
  );
}

/** Reserve a number and print: the letter and purpose chosen in the session. */
function issueLetter(state: KioskState, session: Session): StepResult {
  const offer = session.offers[session.letter_index];
  const purpose = offer?.purposes[session.purpose_index];
  if (!offer || purpose === undefined) return ignore(state);
  const issue: Effect = {
    type: 'issue_letter',
    resident_ref: session.resident.ref,
    letter_type: offer.type_id,
    purpose,
  };
  return go(state, { name: 'printing', session, progress: 0 }, issue);
}

type DoneScreen = Extract<Screen, { name: 'done' }>;

/** ▲▼ move over the answers, OK sends the highlighted one, ◀ skips: nobody has to answer. */
function rateByButton(
  state: KioskState,
  screen: DoneScreen,
  button: 'up' | 'down' | 'ok' | 'back',
): StepResult {
  const current = screen.rating ?? 1;
  if (button === 'back') return go(state, { name: 'idle' });
  if (button === 'ok') return rate(state, screen, current);
  const rating = move(current, button, RATING_CHOICES.length);
  return rating === current ? ignore(state) : go(state, { ...screen, rating });
}

function rate(state: KioskState, screen: DoneScreen, index: number): StepResult {
  const choice = RATING_CHOICES[index];
  const letter_type = screen.session.offers[screen.session.letter_index]?.type_id;
  if (!choice || !letter_type) return go(state, { name: 'idle' });
  return go(state, { name: 'idle' }, { type: 'report_rating', choice, letter_type });
}

function turnPage(state: KioskState, delta: number): StepResult {
  if (!Number.isInteger(delta) || delta === 0) return ignore(state);
  return go(state, { ...state.screen, page: (state.screen.page ?? 0) + delta });
}

/** Screens whose ▲▼ move over a list; everywhere else they turn the pages of a long text. */
function arrowsMoveASelection(screen: Screen): boolean {
  switch (screen.name) {
    case 'choose_letter':
    case 'choose_purpose':
    case 'birth_date':
      return true;
    case 'done':
      return screen.rating !== undefined;
    default:
      return false;
  }
}

/** Screens where *Batal* ends the session (every step of it, and its messages). */
export const CANCELLABLE = new Set<Screen['name']>([
  'reading',
  'greeting',
  'choose_letter',
  'choose_purpose',
  'confirm',
  'limit_reached',
  'record_incomplete',
  'printer_not_ready',
  'birth_date',
]);

/**
 * A tapped menu item is chosen at once (as if the selection were moved there and OK pressed);
 * a drag moves the selection by whole rows, clamped like the ▲▼ buttons.
 */
function touchMenu(state: KioskState, event: Extract<KioskEvent, { type: 'select' | 'scroll' }>): StepResult {
  const { screen } = state;
  if (screen.name === 'birth_date') {
    const input =
      event.type === 'select'
        ? { kind: 'pick' as const, index: event.index }
        : { kind: 'move' as const, delta: event.rows };
    return birthDateInput(state, screen, input, issueLetter);
  }
  if (screen.name === 'done' && screen.rating !== undefined) {
    const i = event.type === 'select' ? event.index : screen.rating + Math.trunc(event.rows);
    if (event.type === 'select') return RATING_CHOICES[i] ? rate(state, screen, i) : ignore(state);
    const rating = Math.min(RATING_CHOICES.length - 1, Math.max(0, i));
    return rating === screen.rating ? ignore(state) : go(state, { ...screen, rating });
  }
  if (screen.name !== 'choose_letter' && screen.name !== 'choose_purpose') return ignore(state);
  const { session } = screen;
  const field = screen.name === 'choose_letter' ? 'letter_index' : 'purpose_index';
  const length =
    screen.name === 'choose_letter'
      ? session.offers.length
      : (session.offers[session.letter_index]?.purposes.length ?? 0);
  if (event.type === 'select') {
    if (!Number.isInteger(event.index) || event.index < 0 || event.index >= length) return ignore(state);
    return press({ ...state, screen: { ...screen, session: { ...session, [field]: event.index } } }, 'ok');
  }
  const index = Math.min(length - 1, Math.max(0, session[field] + Math.trunc(event.rows)));
  if (length === 0 || index === session[field]) return ignore(state);
  return go(state, { name: screen.name, session: { ...session, [field]: index } });
}

/** Applies health to the screen: out of service when something is wrong, idle when all clear. */
function settle(result: StepResult): StepResult {
  const { state, effects } = result;
  const reasons = outOfServiceReasons(state.health);
  const remote_reason = state.health.remote_reason;
  if (state.screen.name === 'out_of_service') {
    if (reasons.length === 0) return { state: { ...state, screen: { name: 'idle' } }, effects };
    const same =
      state.screen.remote_reason === remote_reason && state.screen.reasons.join() === reasons.join();
    return same
      ? result
      : { state: { ...state, screen: { name: 'out_of_service', reasons, remote_reason } }, effects };
  }
  if (reasons.length === 0 || HOLDS_OFF_HEALTH.has(state.screen.name)) return result;
  // The screen the transition chose is never shown, so neither is its beep; reports still count.
  return {
    state: { ...state, screen: { name: 'out_of_service', reasons, remote_reason } },
    effects: [...effects.filter((e) => e.type !== 'signal'), signal('attention')],
  };
}

function move(index: number, button: 'up' | 'down', length: number): number {
  if (length === 0) return index;
  return Math.min(length - 1, Math.max(0, index + (button === 'down' ? 1 : -1)));
}

function go(state: KioskState, screen: Screen, ...effects: Effect[]): StepResult {
  return { state: { ...state, screen }, effects };
}

function ignore(state: KioskState): StepResult {
  return { state, effects: [] };
}

function signal(kind: 'ok' | 'error' | 'attention'): Effect {
  return { type: 'signal', kind };
}

function report(event: Extract<Effect, { type: 'report' }>['event']): Effect {
  return { type: 'report', event };
}
