/**
 * Payloads as a kiosk publishes them, for the dashboard's tests: a retained state v2 and events,
 * each validated against docs/schemas (a fixture the contract does not allow throws).
 */
import { randomUUID } from 'node:crypto';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';

/** A kiosk's retained state v2 (Hanura's names, idle, version 0.1.0, no update) with `fields` over it. */
export function kioskState(
  village: string,
  device: string,
  fields: Record<string, unknown>,
  at: number,
): Buffer {
  const s = {
    v: 2,
    village,
    device,
    village_name: 'Hanura',
    kecamatan: 'Teluk Pandan',
    kabupaten: 'Pesawaran',
    flow_state: 'idle',
    out_of_service: [],
    remote_reason: null,
    printer: 'ready',
    reader_present: true,
    clock_trusted: true,
    letters_today: 0,
    online: true,
    outbox_depth: 0,
    outbox_dropped: { telemetry: 0, events: 0, letter_issued: 0 },
    version: '0.1.0',
    uptime_s: 10,
    time: new Date(at).toISOString(),
    config_hash: 'ab'.repeat(32),
    remote_config_version: null,
    update: { version: null, state: 'idle', available: null },
    ...fields,
  };
  const errors = payloadErrors('state', s);
  if (errors) throw new Error(`fixture state: ${errors}`);
  return Buffer.from(JSON.stringify(s));
}

/** An event of `type` with its own fields, at `at`. */
export function kioskEvent(
  village: string,
  device: string,
  type: string,
  fields: Record<string, unknown>,
  at: number,
): Buffer {
  const e = { v: 1, id: randomUUID(), time: new Date(at).toISOString(), village, device, type, ...fields };
  const errors = payloadErrors('event', e);
  if (errors) throw new Error(`fixture ${type}: ${errors}`);
  return Buffer.from(JSON.stringify(e));
}
