/**
 * One logical connection to the district broker, over several URLs (the nodes of a cluster).
 *
 * MQTT.js reconnects on a fixed 1 s period, only to one URL, not after a refused CONNACK
 * (unless told), and keeps an unbounded in-memory queue. So reconnection is ours: a fresh
 * client per attempt (reconnectPeriod 0: its stored packets die with it; the durable outbox is
 * the only queue), the next URL on every failure, a quick first round through the nodes, then
 * jittered exponential backoff (so 2,435 kiosks coming back after a broker restart do not all
 * knock at once). A broker that refuses MQTT 5 (aedes, old brokers) is retried with 3.1.1.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../log.ts';

export interface ConnectionOptions {
  urls: string[];
  clientId: string;
  protocolVersion: 4 | 5;
  username: string | null;
  password: string | null;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  will: { topic: string; payload: string };
  keepaliveS?: number;
  connectTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  logger: Logger;
  random?: () => number;
}

export interface ConnectionEvents {
  online: [MqttClient];
  offline: [];
  message: [string, Buffer, IPublishPacket];
}

/** Delay before attempt `n` (0-based) of a failing streak: a quick round through the nodes, then backoff. */
export function backoffDelay(
  n: number,
  nodes: number,
  base: number,
  max: number,
  random: () => number,
): number {
  const ceiling = n < nodes ? Math.min(base, 500) : Math.min(max, base * 2 ** Math.min(20, n - nodes));
  // "Equal jitter": never less than half the ceiling, so a broker gets some rest.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class BrokerConnection extends EventEmitter<ConnectionEvents> {
  private client: MqttClient | null = null;
  private online = false;
  private stopped = true;
  private failures = 0;
  private urlIndex = 0;
  private version: 4 | 5;
  private timer: NodeJS.Timeout | null = null;
  private connectedAt = 0;
  connects = 0;

  constructor(private readonly opts: ConnectionOptions) {
    super();
    this.version = opts.protocolVersion;
  }

  get connected(): boolean {
    return this.online;
  }

  /** The client of the current connection (null while offline). */
  get current(): MqttClient | null {
    return this.online ? this.client : null;
  }

  /** The MQTT version in use (5 may have fallen back to 4). */
  get protocolVersion(): 4 | 5 {
    return this.version;
  }

  /** Starts connecting in the background. */
  start(): void {
    this.stopped = false;
    this.attempt();
  }

  /**
   * Ends the connection: `graceful` sends DISCONNECT (no Last Will); otherwise the socket is
   * dropped. Resolves when the client is closed (or after `timeoutMs`).
   */
  async stop(graceful = true, timeoutMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    const wasOnline = this.online;
    this.online = false;
    if (client) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          client.end(true, () => resolve());
        }, timeoutMs);
        client.end(!graceful, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    if (wasOnline) this.emit('offline');
  }

  private attempt(): void {
    if (this.stopped) return;
    const url = this.opts.urls[this.urlIndex % this.opts.urls.length]!;
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      protocolVersion: this.version,
      clean: true,
      keepalive: this.opts.keepaliveS ?? 30,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 0, // we schedule reconnects ourselves (failover + jittered backoff)
      reconnectOnConnackError: true, // documents intent; with reconnectPeriod 0 our scheduler retries
      queueQoSZero: false,
      resubscribe: false,
      will: {
        topic: this.opts.will.topic,
        payload: Buffer.from(this.opts.will.payload),
        qos: 1,
        retain: true,
      },
      ...(this.opts.username !== null ? { username: this.opts.username } : {}),
      ...(this.opts.password !== null ? { password: this.opts.password } : {}),
      ...this.opts.tls,
    };
    const client = mqtt.connect(url, options);
    this.client = client;
    client.on('connect', () => {
      if (client !== this.client) return;
      this.online = true;
      this.failures = 0;
      this.connects++;
      this.connectedAt = Date.now();
      this.opts.logger.info({ url, protocol: this.version }, 'mqtt connected');
      this.emit('online', client);
    });
    client.on('message', (topic, payload, packet) => {
      if (client === this.client) this.emit('message', topic, payload, packet);
    });
    client.on('error', (err: Error & { code?: number | string }) => {
      if (client !== this.client) return;
      if (this.version === 5 && (err.code === 1 || err.code === 132)) {
        this.opts.logger.warn({ url }, 'broker refuses MQTT 5: using MQTT 3.1.1');
        this.version = 4;
        this.failures = -1; // retry at once
        this.urlIndex--; // on the same node
      } else {
        this.opts.logger.warn({ url, err: err.message, code: err.code }, 'mqtt connection error');
      }
    });
    client.on('disconnect', (packet) => {
      // MQTT 5 server DISCONNECT; 0x8E: another client took our client id (a duplicated device id).
      const code = packet.reasonCode ?? 0;
      this.opts.logger.warn(
        { url, reasonCode: code },
        code === 0x8e
          ? 'broker: session taken over — is another kiosk using this device id?'
          : 'broker disconnected us',
      );
    });
    client.on('close', () => {
      if (client !== this.client) return;
      client.removeAllListeners('connect');
      client.end(true);
      this.client = null;
      const wasOnline = this.online;
      this.online = false;
      if (wasOnline) {
        const livedMs = Date.now() - this.connectedAt;
        this.opts.logger.warn({ url, livedMs }, 'mqtt connection lost');
        // A connection kicked within seconds counts as a failure (a duplicated client id loops).
        if (livedMs < 5000) this.failures++;
        this.emit('offline');
      } else {
        this.failures++;
      }
      this.urlIndex++;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const b = this.opts.backoff ?? { baseMs: 1000, maxMs: 60_000 };
    const n = Math.max(0, this.failures - 1);
    const delay =
      this.failures <= 0
        ? 0
        : backoffDelay(n, this.opts.urls.length, b.baseMs, b.maxMs, this.opts.random ?? Math.random);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt();
    }, delay);
  }
}
