/**
 * The kiosk's internal bus: services publish what happened, the reporter (MQTT) and the logs
 * listen. Payloads carry no personal data (a resident is only a keyed `resident_ref`).
 *
 *   card reader ─┐                    ┌→ display
 *   buttons ─────┼→ flow runner ─→ bus┼→ MQTT reporter (state, events)
 *   printer ─────┘      │             └→ logs
 *                       └→ letter service → register → printer
 */
import { EventEmitter } from 'node:events';
import type { ConfigOutcome } from './config/remote-settings.ts';
import type { OutOfServiceReason, RatingChoice, ScreenName } from './flows/kiosk-state.ts';
import type { PrinterStatus } from './hardware/printer.ts';
import type { LetterPolicy } from './letters/letter-type.ts';
import type { UpdateFailure } from './update/check-bundle.ts';
import type { UpdateStatus } from './update/update-job.ts';

export type DomainEvent =
  | { type: 'started' }
  | { type: 'stopping' }
  | { type: 'letter_issued'; number: string; letter_type: string; policy: LetterPolicy; resident_ref: string }
  | { type: 'letter_failed'; number: string | null; letter_type: string; reason: string }
  /** A register entry left `printing` by a crash or power cut, found at start. */
  | { type: 'letter_interrupted'; number: string; letter_type: string }
  /** The village office withdrew a printed letter (`anjungan letters revoke`). */
  | { type: 'letter_revoked'; number: string; letter_type: string; reason_code: string }
  /** A technician lifted the district's out-of-service on site (`anjungan resume`). */
  | { type: 'resumed_on_site'; remote_reason: string }
  | { type: 'card_unknown' }
  /** So many unknown cards within a minute that reading paused (a count, never UIDs). */
  | { type: 'card_burst'; count: number }
  /** Three wrong dates of birth before a letter: the session ended (nothing personal in it). */
  | { type: 'birth_date_mismatch' }
  /** A resident's rating of the service after a letter (flow.rating): never who gave it. */
  | { type: 'rating'; choice: RatingChoice; letter_type: string }
  | { type: 'paper_out' }
  | { type: 'paper_near_end' }
  | { type: 'printer_offline' }
  | { type: 'reader_missing' }
  | { type: 'clock_untrusted' }
  /** A technician changed the resident data and the running kiosk took it up (counts only). */
  | { type: 'residents_reloaded'; residents: number; cards: number }
  /** The district's remote settings (cmd/config) took effect: key names only, never values. */
  | { type: 'config_applied'; version: number; config_hash: string; keys: string[]; restart_needed: string[] }
  /** Remote settings refused (cmd/config), or a remote layer on disk left out at start (version null). */
  | { type: 'config_refused'; version: number | null; reasons: string[] }
  /** Online updates (cmd/update, src/update/online-update.ts): each step, nothing personal. */
  | { type: 'update_available'; version: string; size: number }
  | { type: 'update_started'; version: string }
  | { type: 'update_done'; version: string }
  | { type: 'update_failed'; version: string; reason: UpdateFailure; detail: string }
  | { type: 'rolled_back'; from: string; to: string; reason: string };

export type DomainEventType = DomainEvent['type'];

/** What the kiosk says about itself; the reporter adds outbox depth, uptime and time. */
export interface KioskStatus {
  flow_state: ScreenName;
  /** Empty when the kiosk can serve. */
  out_of_service: OutOfServiceReason[];
  remote_reason: string | null;
  printer: PrinterStatus;
  /** State v2: the letter printer (as `printer`) and the optional receipt printer (null: none). */
  printers?: { letter: PrinterStatus; receipt: PrinterStatus | null };
  reader_present: boolean;
  clock_trusted: boolean;
  letters_today: number;
  /** State v2: sha256 of the effective config (RFC 8785 key order) and the remote layer's version. */
  config_hash?: string;
  remote_config_version?: number | null;
  /** State v2: where an online update stands (src/update/online-update.ts). */
  update?: UpdateStatus;
  /** State v2: free MB in the data directory (storage.min_free_mb); null: not measured. */
  storage_free_mb?: number | null;
}

export interface BusEvents {
  /** A domain event with its time (ms since epoch). */
  event: [DomainEvent, number];
  /** The status changed (published retained as `state`). */
  status: [KioskStatus];
}

export class KioskBus extends EventEmitter<BusEvents> {
  emitEvent(event: DomainEvent, at: number = Date.now()): void {
    this.emit('event', event, at);
  }
}

/** What remote commands may do to a running kiosk. Implemented by the daemon. */
export interface KioskControls {
  /** Current status, for `cmd/status`. */
  status(): KioskStatus;
  /** Out of service with a reason shown on screen (null: back in service); resolves once persisted. */
  setRemoteOutOfService(reason: string | null): void | Promise<void>;
  /** The running kiosk's own health checks, for `cmd/health` (the CLI selftest needs the devices). */
  health?(): Promise<HealthCheck[]>;
  /** The district's remote settings, for `cmd/config` (src/config/remote-settings.ts). */
  applyConfig?(args: Record<string, unknown>): Promise<ConfigOutcome>;
  /** Takes a checked `cmd/update` order; throws a message when its arguments are unusable. */
  update?(args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** One line of `cmd/health`: PASS / FAIL with what was found. */
export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}
