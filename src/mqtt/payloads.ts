/**
 * The JSON payloads of the MQTT contract. Each has a JSON Schema in docs/schemas/ (the tests
 * validate every published payload against it). None carries personal data: a resident appears
 * only as `resident_ref`, a keyed hash that the district cannot reverse.
 */
import { randomUUID } from 'node:crypto';
import type { ConfigRefusalReason } from '../config/remote-settings.ts';
import type { DomainEvent, KioskStatus } from '../events.ts';

export const PAYLOAD_VERSION = 1;
/** The retained `state` is at v2 (new fields, see docs/mqtt.md); readers accept v1 and v2. */
export const STATE_VERSION = 2;

export type Availability = 'online' | 'offline';

/** Events the reporter adds to the kiosk's own domain events. */
export type ReporterEvent =
  | {
      type: 'outbox_dropped';
      /** Dropped since the previous outbox_dropped event. */
      telemetry: number;
      events: number;
      letter_issued: number;
      /** Numbers of the dropped letter_issued events (at most 50 listed; see the register). */
      letter_numbers: string[];
      /** Totals since the outbox was created. */
      total: OutboxDropCounts;
    }
  | { type: 'command_refused'; command: string; reason: CommandRefusal; detail: string }
  | { type: 'command_executed'; command: string };

export type AnyEvent = DomainEvent | ReporterEvent;

export interface OutboxDropCounts {
  telemetry: number;
  events: number;
  letter_issued: number;
}

/** `event/<type>`: one per domain event, QoS 1, never retained. */
export type EventPayload = AnyEvent & {
  v: number;
  /** Unique id: a duplicate delivery (after a lost PUBACK) carries the same id. */
  id: string;
  /** When it happened on the kiosk (ISO 8601 UTC). */
  time: string;
  village: string;
  device: string;
};

/** `state`: retained, republished on every change. */
export interface StatePayload extends KioskStatus {
  v: number;
  village: string;
  device: string;
  /** v2: public names of the village and its region (not personal data). */
  village_name?: string;
  kecamatan?: string;
  kabupaten?: string;
  online: boolean;
  outbox_depth: number;
  outbox_dropped: OutboxDropCounts;
  version: string;
  uptime_s: number;
  time: string;
}

/** `telemetry`: periodic. */
export interface TelemetryPayload {
  v: number;
  village: string;
  device: string;
  time: string;
  uptime_s: number;
  /** SoC temperature from /sys/class/thermal; null where the machine has none. */
  cpu_temp_c: number | null;
  load_avg: [number, number, number];
  memory: { system_total_bytes: number; system_free_bytes: number; process_rss_bytes: number };
  /** Free bytes on the file system of data_dir (null when it cannot be read). */
  disk_free_bytes: number | null;
  outbox_depth: number;
  counters: TelemetryCounters;
}

export interface TelemetryCounters {
  letters_issued: number;
  letters_failed: number;
  cards_unknown: number;
  events_published: number;
  commands_accepted: number;
  commands_refused: number;
  connects: number;
  /** Messages the broker refused (MQTT 5 PUBACK reason ≥ 0x80, e.g. its ACL): dropped, not retried. */
  messages_refused: number;
}

export type CommandRefusal =
  | 'unsigned'
  | 'bad_signature'
  | 'expired'
  | 'replayed'
  | 'malformed'
  | 'too_large'
  | 'unknown_command'
  | 'bad_args'
  | 'no_district_key'
  | 'bad_reply_topic'
  | 'not_permitted'
  /** cmd/config (src/config/remote-settings.ts). */
  | ConfigRefusalReason;

/** `cmd/<name>` request, signed by the district (src/mqtt/command-signing.ts). */
export interface CommandRequest {
  v: number;
  /** ISO 8601; refused when further than mqtt.command_max_age_s from the kiosk's clock. */
  time: string;
  /** Random, at least 16 characters; a nonce seen before within the window is refused. */
  nonce: string;
  args: Record<string, unknown>;
  /** Base64 Ed25519 signature of the canonical form (see command-signing.ts). */
  signature?: string;
  /** MQTT 3.1.1 only: where to answer and what to echo (MQTT 5 uses the packet properties). */
  reply_to?: string;
  correlation_id?: string;
}

/** The answer to a command. */
export interface CommandResponse {
  v: number;
  village: string;
  device: string;
  command: string;
  ok: boolean;
  time: string;
  result?: Record<string, unknown>;
  error?: { reason: CommandRefusal | 'failed'; message: string; errors?: string[] };
  /** Echoed from the request payload (MQTT 3.1.1). */
  correlation_id?: string;
}

/** Wraps a domain event for the wire. */
export function eventPayload(
  event: AnyEvent,
  at: number,
  village: string,
  device: string,
  id = randomUUID(),
): EventPayload {
  return { ...event, v: PAYLOAD_VERSION, id, time: new Date(at).toISOString(), village, device };
}

/** The schema file (under docs/schemas/) of each payload kind. */
export const SCHEMA_FILES = {
  state: 'state.schema.json',
  telemetry: 'telemetry.schema.json',
  event: 'event.schema.json',
  command: 'command.schema.json',
  response: 'response.schema.json',
  availability: 'availability.schema.json',
} as const;
