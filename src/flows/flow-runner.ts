/**
 * Runs the pure flow against the ports:
 *
 *   reader (detected/tap/read_error/removed/presence) ─┐
 *   buttons (press) ───────────────────────────────────┼→ events → step() → state → onState
 *   printer (status) / setHealth ──────────────────────┘               └→ effects:
 *        issue_letter → deps.issueLetter (progress, outcome → events)   signal → indicator
 *        report → deps.onReport                                         timer → clock
 *
 * Events are processed one at a time, in arrival order: an event raised while another is being
 * handled (a progress callback fired synchronously, an indicator that throws…) waits its turn.
 * The inactivity timer is re-armed whenever the screen changes or a button is pressed.
 */
import type { Config } from '../config/config.ts';
import { errorMessage, isKioskError, type KioskError } from '../errors.ts';
import type { ButtonName, Buttons } from '../hardware/buttons.ts';
import { type CardReader, type CardTap, isRandomUid } from '../hardware/card-reader.ts';
import type { Indicator } from '../hardware/indicator.ts';
import type { Printer, PrinterStatus } from '../hardware/printer.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import { initialState, step, timeoutFor } from './kiosk-flow.ts';
import type {
  CardLookup,
  Effect,
  FlowSettings,
  Health,
  KioskEvent,
  KioskState,
  RatingChoice,
} from './kiosk-state.ts';

/** How a letter request ended, as the letter service reports it. */
export type IssueOutcome =
  | { kind: 'printed'; number: string }
  | { kind: 'failed'; number: string | null; reason: string }
  | { kind: 'not_ready'; printer: PrinterStatus };

export interface RunnerDeps {
  clock: Clock;
  logger: Logger;
  reader: CardReader;
  buttons: Buttons;
  printer: Printer;
  indicator: Indicator | null;
  settings: { flow: FlowSettings; timeouts: Config['timeouts'] };
  /** Looks a UID up (synchronously, so events stay in order). */
  resolveCard(uid: Buffer): { card_key: string; lookup: CardLookup };
  issueLetter(
    req: { resident_ref: string; letter_type: string; purpose: string },
    onProgress: (f: number) => void,
  ): Promise<IssueOutcome>;
  /** Called whenever the screen or the health changes. */
  onState(state: KioskState, previous: KioskState): void;
  onReport(event: Extract<Effect, { type: 'report' }>['event']): void;
  /** A burst of unknown cards paused reading (the count only: no UIDs). */
  onCardBurst?(count: number): void;
  /** The resident's rating after a letter (the answer and letter type only). */
  onRating?(choice: RatingChoice, letter_type: string): void;
  /** A long press of OK: say the screen's prompt again. */
  onRepeat?(): void;
}

const RESIDENT_INPUT = new Set<KioskEvent['type']>(['button', 'select', 'scroll', 'cancel', 'page']);

type ReadFailure = Extract<KioskEvent, { type: 'card_read_failed' }>['reason'];

export class FlowRunner {
  readonly #deps: RunnerDeps;
  #state: KioskState;
  #timer: unknown = null;
  #started = false;
  readonly #queue: KioskEvent[] = [];
  #draining = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: RunnerDeps, initialHealth?: Partial<Health>) {
    this.#deps = deps;
    this.#state = initialState(initialHealth);
  }

  get state(): KioskState {
    return this.#state;
  }

  /** Subscribes to the ports and arms the timer of the current screen. Does not call onState. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { reader, buttons, printer } = this.#deps;
    const onDetected = () => this.dispatch({ type: 'card_detected', at: this.#now() });
    const onTap = (tap: CardTap) => this.#onTap(tap);
    const onReadError = (err: KioskError) => this.#onReadError(err);
    const onRemoved = () => this.dispatch({ type: 'card_removed', at: this.#now() });
    const onPresence = (present: boolean) => this.setHealth({ reader_present: present });
    const onPress = (button: ButtonName) => this.dispatch({ type: 'button', at: this.#now(), button });
    const onLongPress = (button: ButtonName) => this.#onLongPress(button);
    const onStatus = (status: PrinterStatus) => this.setHealth({ printer: status });
    reader.on('detected', onDetected);
    reader.on('tap', onTap);
    reader.on('read_error', onReadError);
    reader.on('removed', onRemoved);
    reader.on('presence', onPresence);
    buttons.on('press', onPress);
    buttons.on('long_press', onLongPress);
    printer.on('status', onStatus);
    this.#unsubscribe.push(() => {
      reader.off('detected', onDetected);
      reader.off('tap', onTap);
      reader.off('read_error', onReadError);
      reader.off('removed', onRemoved);
      reader.off('presence', onPresence);
      buttons.off('press', onPress);
      buttons.off('long_press', onLongPress);
      printer.off('status', onStatus);
    });
    this.#arm();
  }

  /** Unsubscribes and disarms the timer. A letter in flight still finishes (see idle()). */
  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#disarm();
  }

  /** Feeds one event to the flow (also how tests drive it). */
  dispatch(event: KioskEvent): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#handle(next);
    } finally {
      this.#draining = false;
    }
  }

  /** Reports a health change (clock guard, district command, printer or reader). */
  setHealth(patch: Partial<Health>): void {
    this.dispatch({ type: 'health', at: this.#now(), health: patch });
  }

  /** Resolves when no letter is being issued (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #handle(event: KioskEvent): void {
    const previous = this.#state;
    const { state, effects } = step(previous, event, this.#deps.settings.flow);
    this.#state = state;
    const screenChanged = state.screen !== previous.screen;
    // Any input from the resident (a button or a touch) restarts the inactivity timer.
    if (screenChanged || RESIDENT_INPUT.has(event.type)) this.#arm();
    if (screenChanged || state.health !== previous.health) {
      if (screenChanged && state.screen.name !== previous.screen.name) {
        this.#deps.logger.debug(
          { from: previous.screen.name, to: state.screen.name, event: event.type },
          'flow',
        );
      }
      try {
        this.#deps.onState(state, previous);
      } catch (err) {
        this.#deps.logger.error({ err: errorMessage(err) }, 'onState listener failed');
      }
    }
    for (const effect of effects) this.#run(effect);
  }

  #run(effect: Effect): void {
    const { logger } = this.#deps;
    try {
      switch (effect.type) {
        case 'signal':
          this.#deps.indicator?.signal(effect.kind);
          return;
        case 'report':
          this.#deps.onReport(effect.event);
          return;
        case 'report_burst':
          this.#deps.onCardBurst?.(effect.count);
          return;
        case 'report_rating':
          this.#deps.onRating?.(effect.choice, effect.letter_type);
          return;
        case 'issue_letter':
          this.#track(this.#issue(effect));
          return;
      }
    } catch (err) {
      // A dead buzzer or a failing reporter must never stop the kiosk.
      logger.error({ effect: effect.type, err: errorMessage(err) }, 'effect failed');
    }
  }

  async #issue(effect: Extract<Effect, { type: 'issue_letter' }>): Promise<void> {
    const { resident_ref, letter_type, purpose } = effect;
    let outcome: IssueOutcome;
    try {
      outcome = await this.#deps.issueLetter({ resident_ref, letter_type, purpose }, (fraction) =>
        this.dispatch({ type: 'print_progress', at: this.#now(), fraction }),
      );
    } catch (err) {
      const reason = isKioskError(err) ? err.code : 'print_error';
      this.#deps.logger.error({ letter_type, reason, err: errorMessage(err) }, 'issuing a letter threw');
      outcome = { kind: 'failed', number: null, reason };
    }
    const at = this.#now();
    if (outcome.kind === 'printed') this.dispatch({ type: 'print_succeeded', at, number: outcome.number });
    else if (outcome.kind === 'failed') {
      this.dispatch({ type: 'print_failed', at, number: outcome.number, reason: outcome.reason });
    } else this.dispatch({ type: 'printer_not_ready', at, printer: outcome.printer });
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => {
      this.#deps.logger.error({ err: errorMessage(err) }, 'letter outcome could not be handled');
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  #onTap(tap: CardTap): void {
    const at = this.#now();
    // Readers other than the sim may pass random UIDs through; they identify nobody.
    if (isRandomUid(tap.uid)) {
      this.dispatch({ type: 'card_read_failed', at, reason: 'card_random_uid' });
      return;
    }
    let resolved: { card_key: string; lookup: CardLookup };
    try {
      resolved = this.#deps.resolveCard(tap.uid);
    } catch (err) {
      this.#deps.logger.error({ err: errorMessage(err) }, 'card lookup failed');
      this.dispatch({ type: 'card_read_failed', at, reason: 'card_error' });
      return;
    }
    this.dispatch({ type: 'card_read', at, card_key: resolved.card_key, lookup: resolved.lookup });
  }

  #onReadError(err: KioskError): void {
    const known: ReadFailure[] = ['card_removed', 'card_error', 'card_random_uid'];
    const reason = known.find((code) => isKioskError(err, code)) ?? 'card_error';
    this.#deps.logger.info({ reason, err: errorMessage(err) }, 'card read failed');
    this.dispatch({ type: 'card_read_failed', at: this.#now(), reason });
  }

  #onLongPress(button: ButtonName): void {
    // Reserved: a long press of back will open the technician menu (not built yet).
    if (button === 'ok') this.#deps.onRepeat?.();
    else if (button === 'back')
      this.#deps.logger.info('long press of back: technician menu is reserved, nothing to do');
    else this.#deps.logger.debug({ button }, 'long press ignored');
  }

  #arm(): void {
    this.#disarm();
    if (!this.#started) return;
    const ms = timeoutFor(this.#state.screen, this.#deps.settings.timeouts);
    if (ms === null) return;
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = null;
      this.dispatch({ type: 'timeout', at: this.#now() });
    }, ms);
  }

  #disarm(): void {
    if (this.#timer !== null) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #now(): number {
    return this.#deps.clock.now();
  }
}
