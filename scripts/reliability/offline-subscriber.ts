/**
 * The district's side of the offline week: a subscriber with a persistent session (the broker
 * keeps what arrives while it reconnects) that logs every event and telemetry message of one
 * kiosk in arrival order, and checks them against what the kiosk queued.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { sleep } from './crash-counts.ts';

export interface ArrivalCheck {
  /** Distinct queued messages that arrived. */
  delivered: number;
  missing: number;
  /** Arrivals older than one that arrived before them (duplicates not counted). */
  outOfOrder: number;
  duplicates: number;
}

export class ReceivedLog {
  /** Message times (ms, from the payload's `time`) in arrival order. */
  readonly times: number[] = [];
  private client: MqttClient | null = null;

  constructor(
    private readonly url: string,
    private readonly filter: string,
  ) {}

  async start(): Promise<this> {
    const client = mqtt.connect(this.url, {
      clientId: `anj-offline-week-${process.pid}`,
      clean: false,
      reconnectPeriod: 100,
      protocolVersion: 4,
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      if (!topic.includes('/event/') && !topic.endsWith('/telemetry')) return;
      this.times.push(Date.parse((JSON.parse(payload.toString()) as { time: string }).time));
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () =>
        client.subscribe(this.filter, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
      );
    });
    return this;
  }

  /** Resolves true once `count` messages arrived, false when `ms` passed first. */
  async waitForCount(count: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.times.length < count) {
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  /** Compares the arrivals with the times of the messages queued, in the order they were queued. */
  check(expected: number[]): ArrivalCheck {
    const wanted = new Set(expected);
    const seen = new Set<number>();
    let duplicates = 0;
    let outOfOrder = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (const t of this.times) {
      if (!wanted.has(t)) continue; // sent after the week (stopping) or not queued by the test
      if (seen.has(t)) {
        duplicates++;
        continue;
      }
      seen.add(t);
      if (t < newest) outOfOrder++;
      newest = Math.max(newest, t);
    }
    return { delivered: seen.size, missing: wanted.size - seen.size, outOfOrder, duplicates };
  }

  async close(): Promise<void> {
    // The persistent session is of no use after the run: end it so the broker forgets it.
    await this.client?.endAsync();
  }
}
