/**
 * The dashboard's MQTT side: one persistent session (stable client id, clean=false, and on
 * MQTT 5 a session expiry of a week) subscribed at QoS 1 to the whole contract, so events that
 * kiosks publish while the dashboard is down wait in the broker and arrive on reconnect; the
 * store de-duplicates them by id. Retained availability and state rebuild the table on connect.
 */
import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fleetFilters } from '../mqtt/topics.ts';

/** How long the broker keeps the dashboard's session and its queued events (MQTT 5). */
export const SESSION_EXPIRY_S = 7 * 86_400;

export function defaultClientId(): string {
  return `anjungan-dashboard-${hostname().replace(/[^A-Za-z0-9_-]/g, '')}`.slice(0, 64);
}

export interface SubscriberOptions {
  /** One URL, or several (comma-separated: the nodes of a cluster). */
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  client: IClientOptions;
  logger: Logger;
  onMessage(topic: string, payload: Buffer): void;
  /** The connection to the broker came or went. */
  onConnection?(connected: boolean): void;
}

export class Subscriber {
  private client: MqttClient | null = null;
  private stopping = false;
  connected = false;

  constructor(private readonly opts: SubscriberOptions) {}

  /** Connects and subscribes; resolves once the broker confirmed the subscriptions. */
  async start(): Promise<void> {
    const urls = this.opts.url.split(',').map((u) => u.trim());
    const servers = urls.map((u) => {
      const p = new URL(u);
      return { host: p.hostname, port: Number(p.port) || 1883, protocol: p.protocol.replace(':', '') };
    }) as IClientOptions['servers'];
    const client = mqtt.connect(urls[0]!, {
      ...(urls.length > 1 ? { servers } : {}),
      protocolVersion: this.opts.protocolVersion,
      clientId: this.opts.clientId,
      clean: false,
      ...(this.opts.protocolVersion === 5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
      reconnectPeriod: 2000,
      queueQoSZero: false,
      ...this.opts.client,
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      try {
        this.opts.onMessage(topic, payload);
      } catch (err) {
        // A store error must not kill the subscription; it is logged and the message skipped.
        this.opts.logger.error({ err, topic }, 'dashboard: message not stored');
      }
    });
    client.on('connect', () => {
      this.connected = true;
      this.opts.onConnection?.(true);
      this.opts.logger.info({ url: this.opts.url }, 'dashboard: connected to the broker');
    });
    client.on('close', () => {
      if (this.connected && !this.stopping) this.opts.logger.warn('dashboard: lost the broker; reconnecting');
      this.connected = false;
      this.opts.onConnection?.(false);
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) =>
        reject(new KioskError('mqtt_error', `cannot connect to ${this.opts.url}: ${err.message}`));
      client.once('error', fail);
      client.once('connect', (ack) => {
        client.off('error', fail);
        // A resumed session keeps its subscriptions; subscribing again is harmless and covers a new one.
        const filters = Object.fromEntries(fleetFilters().map((f) => [f, { qos: 1 as const }]));
        client.subscribe(filters, (err) => (err ? fail(err) : resolve()));
        if (ack.sessionPresent) this.opts.logger.info('dashboard: resumed its broker session');
      });
    });
    client.on('error', (err) => this.opts.logger.warn({ err: err.message }, 'dashboard: broker error'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.endAsync();
    this.client = null;
  }
}
