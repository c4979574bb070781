/**
 * The resident journey as data. `step(state, event)` in kiosk-flow.ts is pure; the runner
 * (flow-runner.ts) feeds events from the ports and executes the effects.
 *
 *   idle ─tap→ reading ─read→ greeting ─ok→ choose_letter ─ok→ choose_purpose ─ok→ confirm
 *     ▲                 └─→ unknown_card / card_error / resident_inactive            │ ok
 *     │                          choose_letter ─ok→ limit_reached / record_incomplete ▼
 *     └──── done ←─print_succeeded── printing ─print_failed→ print_failed / printer_not_ready
 *   any ─health problem→ out_of_service ─all healthy→ idle
 */
import type { ButtonName } from '../hardware/buttons.ts';
import type { PrinterStatus } from '../hardware/printer.ts';
import type { LetterPolicy } from '../letters/letter-type.ts';

/** Why the kiosk cannot serve. Several can hold at once; the screen shows the first. */
export type OutOfServiceReason =
  | 'paper_out'
  | 'cover_open'
  | 'printer_offline'
  | 'reader_missing'
  | 'clock_untrusted'
  | 'data_unavailable'
  /** The letter register (or another durable file the kiosk cannot serve without) is damaged. */
  | 'register_damaged'
  /** Less free space in the data directory than storage.min_free_mb. */
  | 'storage_full'
  | 'remote';

/** What the greeting may show: never the full NIK. */
export interface ResidentSummary {
  /** Pseudonymous reference (keyed hash of the NIK); what the register and MQTT see. */
  ref: string;
  nama: string;
  /** Last 4 digits only, e.g. "************1234". */
  nik_masked: string;
  dusun: string;
  rt: string;
  rw: string;
  /** YYYY-MM-DD, for the birth-date check only: never shown, never reported. */
  birth_date?: string;
}

/** One letter the resident may ask for, with everything the flow needs to decide purely. */
export interface LetterOffer {
  type_id: string;
  menu_label: string;
  title: string;
  policy: LetterPolicy;
  purposes: string[];
  /** Resident fields this letter needs that the record lacks (Indonesian labels). */
  missing_fields: string[];
  issued_today: number;
  daily_limit: number;
  /** The second check before printing (letters.types.<id>.confirm); absent: none. */
  confirm?: 'none' | 'birth_date';
}

/** What a tap resolved to, looked up by the runner before the event reaches the flow. */
export type CardLookup =
  | { kind: 'resident'; resident: ResidentSummary; offers: LetterOffer[] }
  | { kind: 'unknown' }
  /** Known card, but the resident may not get letters (status_dasar not HIDUP). */
  | { kind: 'inactive'; resident: ResidentSummary; status: string };

/** A session's choices so far. */
export interface Session {
  /** Keyed hash of the UID: used to tell "same card again" without keeping the UID. */
  card_key: string;
  resident: ResidentSummary;
  offers: LetterOffer[];
  letter_index: number;
  purpose_index: number;
}

export interface Health {
  printer: PrinterStatus;
  reader_present: boolean;
  clock_trusted: boolean;
  /** Set by the district's `out_of_service` command: the reason shown on screen. */
  remote_reason: string | null;
  /** The resident data could not be loaded. */
  data_ok: boolean;
  /** False: the letter register is damaged (the log names the file); absent: fine. */
  register_ok?: boolean;
  /** False: the data directory has less free space than storage.min_free_mb; absent: fine. */
  storage_ok?: boolean;
}

export type Screen = ScreenVariant & {
  /**
   * Which page of a text too long for the panel is shown (▲▼ on a screen without a menu). The
   * flow does not know how many pages the layout makes: it only counts presses (▼ +1, ▲ −1) and
   * the layout takes the count modulo its page count, so the pages go round. A new screen
   * starts at page 0.
   */
  page?: number;
};

type ScreenVariant =
  | { name: 'idle' }
  | { name: 'reading' }
  | { name: 'greeting'; session: Session }
  | { name: 'choose_letter'; session: Session }
  | { name: 'choose_purpose'; session: Session }
  | { name: 'confirm'; session: Session }
  | { name: 'printing'; session: Session; progress: number }
  /** `rating`: the highlighted answer (0 Puas, 1 Cukup, 2 Kurang) when flow.rating asks for one. */
  | { name: 'done'; session: Session; number: string; policy: LetterPolicy; rating?: number }
  | { name: 'unknown_card' }
  /** Too many unknown cards in a minute: reading pauses for `pause_ms` (someone trying cards). */
  | { name: 'card_pause'; pause_ms: number; count: number }
  | { name: 'card_error'; reason: 'card_removed' | 'card_error' | 'card_random_uid' }
  | { name: 'resident_inactive'; resident: ResidentSummary; status: string }
  | { name: 'limit_reached'; session: Session }
  | { name: 'record_incomplete'; session: Session; missing: string[] }
  | { name: 'printer_not_ready'; session: Session; printer: PrinterStatus }
  | { name: 'print_failed'; session: Session; number: string | null; reason: string }
  | { name: 'out_of_service'; reasons: OutOfServiceReason[]; remote_reason: string | null }
  /**
   * The resident picks their date of birth, part by part, before a letter whose type asks for it.
   * `selected` is the highlighted item of the current part's list; `year_max` the newest year listed.
   */
  | {
      name: 'birth_date';
      session: Session;
      part: 'day' | 'month' | 'year';
      day: number | null;
      month: number | null;
      selected: number;
      year_max: number;
      tries: number;
    }
  /** Three wrong dates: the session ends (the card is not locked). */
  | { name: 'birth_date_mismatch' };

export type ScreenName = Screen['name'];

export interface KioskState {
  screen: Screen;
  health: Health;
  /** Last tap, to fold repeated taps of the same card within `repeat_tap_ms` into one. */
  last_tap: { card_key: string; at: number } | null;
  /** When the unknown cards of the last minute were tapped (for the burst pause). */
  unknown_taps?: number[];
}

export type KioskEvent =
  | { type: 'card_detected'; at: number }
  | { type: 'card_read'; at: number; card_key: string; lookup: CardLookup }
  | { type: 'card_read_failed'; at: number; reason: 'card_removed' | 'card_error' | 'card_random_uid' }
  | { type: 'card_removed'; at: number }
  | { type: 'button'; at: number; button: ButtonName }
  /** Touch: item `index` of the menu on screen was tapped (choose it and go on, as OK would). */
  | { type: 'select'; at: number; index: number }
  /** Touch: the menu was dragged by `rows` items (positive: further down the list). */
  | { type: 'scroll'; at: number; rows: number }
  /** Touch: ▲▼ beside a text split over pages (any screen, the rating's too): turn a page. */
  | { type: 'page'; at: number; delta: number }
  /** Touch: *Batal*, end the session. */
  | { type: 'cancel'; at: number }
  /** The inactivity timer of the current screen ran out (the runner owns the timer). */
  | { type: 'timeout'; at: number }
  | { type: 'health'; at: number; health: Partial<Health> }
  | { type: 'print_progress'; at: number; fraction: number }
  | { type: 'print_succeeded'; at: number; number: string }
  | { type: 'print_failed'; at: number; number: string | null; reason: string }
  /** Printer refused before a number was taken (paper out, offline): nothing was registered. */
  | { type: 'printer_not_ready'; at: number; printer: PrinterStatus };

/** What the runner must do after a step. The screen itself is always redrawn from the new state. */
export type Effect =
  /** Reserve a number, print, and answer with print_succeeded / print_failed / printer_not_ready. */
  | { type: 'issue_letter'; resident_ref: string; letter_type: string; purpose: string }
  | { type: 'signal'; kind: 'ok' | 'error' | 'attention' }
  /** A domain event the reporter should know about (no personal data in it). */
  | {
      type: 'report';
      event: 'card_unknown' | 'card_error' | 'limit_reached' | 'record_incomplete' | 'birth_date_mismatch';
    }
  /** A burst of unknown cards paused reading: how many (no UIDs). */
  | { type: 'report_burst'; count: number }
  /** The resident rated the service after their letter (flow.rating): the answer and letter type only. */
  | { type: 'report_rating'; choice: RatingChoice; letter_type: string };

/** The answers of the rating after a letter, in the order shown (Puas / Cukup / Kurang). */
export const RATING_CHOICES = ['puas', 'cukup', 'kurang'] as const;
export type RatingChoice = (typeof RATING_CHOICES)[number];

export interface StepResult {
  state: KioskState;
  effects: Effect[];
}

export interface FlowSettings {
  /** Same card again within this window is the same tap (default 1000 ms). */
  repeat_tap_ms: number;
  /** This many unknown cards within a minute pause reading (limits.unknown_cards_per_minute, default 5). */
  unknown_cards_per_minute?: number;
  /** How long reading pauses then (limits.unknown_card_pause_s, default 60). */
  unknown_card_pause_s?: number;
  /** Ask for a rating on the done screen (flow.rating, default off). */
  rating?: boolean;
  /** Letters with confirm "birth_date" ask for it (only where a touch panel makes the pickers usable). */
  birth_date_check?: boolean;
}
