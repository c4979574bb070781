/**
 * Test harness around the reporter: a config pointing at a test broker, a KioskBus with the
 * controls a daemon would give, and a watcher that records every message on the broker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { KioskBus, type KioskControls, type KioskStatus } from '../../src/events.ts';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'anj-'));
}

export function testConfig(
  url: string | string[] | null,
  dataDir: string,
  mqttOver: Partial<Config['mqtt']> = {},
  deviceId = 'kiosk-01',
): Config {
  const c = defaultConfig();
  c.data_dir = dataDir;
  c.device.id = deviceId;
  c.mqtt = { ...c.mqtt, url, telemetry_interval_s: 3600, ...mqttOver };
  return c;
}

/** The daemon's side: status + remote out-of-service, publishing status changes on the bus. */
export class TestKiosk implements KioskControls {
  readonly bus = new KioskBus();
  current: KioskStatus = {
    flow_state: 'idle',
    out_of_service: [],
    remote_reason: null,
    printer: 'ready',
    reader_present: true,
    clock_trusted: true,
    letters_today: 0,
  };
  status(): KioskStatus {
    return { ...this.current };
  }
  setRemoteOutOfService(reason: string | null): void {
    this.change({
      remote_reason: reason,
      out_of_service: reason ? ['remote'] : [],
      flow_state: reason ? 'out_of_service' : 'idle',
    });
  }
  change(patch: Partial<KioskStatus>): void {
    this.current = { ...this.current, ...patch };
    this.bus.emit('status', this.status());
  }
}

export interface Seen {
  topic: string;
  text: string;
  retain: boolean;
  at: number;
}

/** Records every message under `filter` (retained ones included) until closed. */
export class Watcher {
  readonly seen: Seen[] = [];
  private client: MqttClient | null = null;
  constructor(
    private readonly url: string,
    private readonly filter = 'anjungan/#',
    private readonly protocolVersion: 4 | 5 = 4,
    /** With a client id: a persistent session (clean false) that gets what was sent while away. */
    private readonly clientId: string | null = null,
  ) {}

  async start(): Promise<this> {
    const client = mqtt.connect(this.url, {
      protocolVersion: this.protocolVersion,
      reconnectPeriod: 300,
      ...(this.clientId ? { clientId: this.clientId, clean: false } : {}),
    });
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      this.seen.push({ topic, text: payload.toString(), retain: packet.retain, at: Date.now() });
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () =>
        client.subscribe(this.filter, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
      );
      client.once('error', reject);
    });
    return this;
  }

  on(topicEnd: string): Seen[] {
    return this.seen.filter((s) => s.topic.endsWith(topicEnd));
  }

  async waitFor(what: string, pred: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; saw ${this.seen.length} messages: ${this.seen
            .slice(-5)
            .map((s) => `${s.topic}=${s.text.slice(0, 80)}`)
            .join(' | ')}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
