/**
 * The MQTT topic contract (docs/mqtt.md). Every kiosk owns one subtree:
 *
 *   anjungan/<village_code>/<device_id>/availability   online | offline   retained, QoS 1, LWT
 *   anjungan/<village_code>/<device_id>/state          JSON               retained, QoS 1
 *   anjungan/<village_code>/<device_id>/telemetry      JSON               QoS 1
 *   anjungan/<village_code>/<device_id>/event/<type>   JSON               QoS 1
 *   anjungan/<village_code>/<device_id>/cmd/<name>     JSON (signed)      district → kiosk
 *   anjungan/<village_code>/<device_id>/reply/<name>   JSON               answers without a reply topic
 *
 * Plain MQTT topic levels only (no `$share`, no broker extensions), so the same contract works on
 * Mosquitto, a NATS cluster, EMQX, HiveMQ or VerneMQ.
 */

export const TOPIC_PREFIX = 'anjungan';

export interface KioskTopics {
  root: string;
  availability: string;
  state: string;
  telemetry: string;
  event(type: string): string;
  cmd(name: string): string;
  /** Subscription filter for every command to this kiosk. */
  cmdFilter: string;
  /** Where an answer goes when the request named no reply topic. */
  reply(name: string): string;
}

const LEVEL = /^[^/#+\s]+$/;

/** Topics of one kiosk. Village code and device id must be single topic levels. */
export function kioskTopics(villageCode: string, deviceId: string): KioskTopics {
  if (!LEVEL.test(villageCode) || !LEVEL.test(deviceId)) {
    throw new Error(
      `village code '${villageCode}' and device id '${deviceId}' must be single MQTT topic levels`,
    );
  }
  const root = `${TOPIC_PREFIX}/${villageCode}/${deviceId}`;
  return {
    root,
    availability: `${root}/availability`,
    state: `${root}/state`,
    telemetry: `${root}/telemetry`,
    event: (type) => `${root}/event/${type}`,
    cmd: (name) => `${root}/cmd/${name}`,
    cmdFilter: `${root}/cmd/+`,
    reply: (name) => `${root}/reply/${name}`,
  };
}

/** The MQTT client id of a kiosk: stable, so the broker keeps one session per kiosk. */
export function clientIdFor(villageCode: string, deviceId: string): string {
  return `anjungan-${villageCode}-${deviceId}`;
}

export type ParsedTopic =
  | { village: string; device: string; kind: 'availability' | 'state' | 'telemetry' }
  | { village: string; device: string; kind: 'event' | 'cmd' | 'reply'; name: string };

/** Parses a topic of the contract; null for anything else (other trees, deeper levels). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_PREFIX || parts.length < 4) return null;
  const [, village, device, kind, name] = parts as [string, string, string, string, string | undefined];
  if (!village || !device) return null;
  if (parts.length === 4 && (kind === 'availability' || kind === 'state' || kind === 'telemetry')) {
    return { village, device, kind };
  }
  if (parts.length === 5 && name && (kind === 'event' || kind === 'cmd' || kind === 'reply')) {
    return { village, device, kind, name };
  }
  return null;
}

/** Subscription filters for a fleet view: every kiosk, or one village. */
export function fleetFilters(village?: string): string[] {
  const v = village ?? '+';
  return [
    `${TOPIC_PREFIX}/${v}/+/availability`,
    `${TOPIC_PREFIX}/${v}/+/state`,
    `${TOPIC_PREFIX}/${v}/+/telemetry`,
    `${TOPIC_PREFIX}/${v}/+/event/+`,
  ];
}
