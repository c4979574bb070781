/**
 * The dashboard process: MQTT subscriber → fleet model + history store → alerts, live pages,
 * metrics, webhook; the HTTP server (server.ts) reads from here.
 *
 *   broker ─▶ Subscriber ─▶ Fleet ─▶ HistoryStore (events, daily, telemetry)
 *                             │
 *                             ├──▶ LiveHub (SSE) ─▶ open pages
 *                             ├──▶ Alerts ─▶ /alerts, /api/alerts, AlertWebhook
 *                             └──▶ /metrics
 */
import type { IClientOptions } from 'mqtt';
import type { Logger } from '../log.ts';
import { sendCommand } from '../mqtt/district-client.ts';
import { type Alert, type AlertSettings, Alerts, compareVersions, type FleetVersion } from './alerts.ts';
import { Sessions } from './auth.ts';
import { Fleet } from './fleet.ts';
import { type Counts, countsOf, LiveHub } from './live.ts';
import { createMetrics } from './metrics.ts';
import { Regions } from './regions.ts';
import { HistoryStore } from './store.ts';
import { Subscriber } from './subscriber.ts';
import { AlertWebhook } from './webhook.ts';

export interface DashboardOptions {
  dataDir: string;
  broker: { url: string; protocolVersion: 4 | 5; client: IClientOptions };
  clientId: string;
  regionsFile?: string | undefined;
  timeZone: string;
  alertSettings: AlertSettings;
  webhook?: { url: string; intervalMs: number } | undefined;
  /** PKCS#8 PEM of the operator key; without it the command buttons are absent. */
  operatorKeyPem?: string | undefined;
  logger: Logger;
}

const RETENTION_EVERY_MS = 3600_000;
const ALERTS_EVERY_MS = 10_000;

export class Dashboard {
  readonly store: HistoryStore;
  readonly regions: Regions;
  readonly fleet: Fleet;
  readonly sessions = new Sessions();
  readonly live: LiveHub;
  readonly metrics;
  private readonly alerts: Alerts;
  private readonly webhook: AlertWebhook | null;
  private readonly subscriber: Subscriber;
  private current: Alert[] = [];
  private alertsDirty = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(readonly opts: DashboardOptions) {
    this.store = new HistoryStore(opts.dataDir);
    this.regions = opts.regionsFile ? Regions.load(opts.regionsFile) : Regions.load();
    this.fleet = new Fleet(this.store, this.regions, opts.timeZone);
    this.alerts = new Alerts(opts.alertSettings, this.store.raised());
    this.live = new LiveHub(() => this.counts());
    this.metrics = createMetrics(this.fleet);
    this.webhook = opts.webhook
      ? new AlertWebhook(opts.webhook.url, opts.webhook.intervalMs, (k) => this.kioskName(k), opts.logger)
      : null;
    this.fleet.on('change', (row) => {
      this.live.changed(row);
      this.alertsDirty = true;
    });
    this.fleet.on('event', (row, type) => this.metrics.countEvent(row.key, type));
    this.subscriber = new Subscriber({
      url: opts.broker.url,
      protocolVersion: opts.broker.protocolVersion,
      clientId: opts.clientId,
      client: opts.broker.client,
      logger: opts.logger,
      onMessage: (topic, payload) => this.fleet.ingest(topic, payload, Date.now()),
      onConnection: () => this.live.touch(),
    });
  }

  async start(): Promise<void> {
    this.live.start();
    this.store.prune(Date.now());
    this.evaluateAlerts();
    // Alerts follow changes within FLUSH_MS-ish; time-based ones (offline for N minutes) need a clock tick.
    this.timers.push(
      setInterval(() => {
        if (this.alertsDirty) this.evaluateAlerts();
      }, 250),
      setInterval(() => this.evaluateAlerts(), ALERTS_EVERY_MS),
      setInterval(() => this.store.prune(Date.now()), RETENTION_EVERY_MS),
    );
    await this.subscriber.start();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.webhook?.stop();
    this.live.stop();
    await this.subscriber.stop();
    this.store.close();
  }

  get commandsEnabled(): boolean {
    return this.opts.operatorKeyPem !== undefined;
  }

  counts(): Counts {
    return countsOf(this.fleet.all(), this.current.length, this.subscriber.connected);
  }

  currentAlerts(): Alert[] {
    return this.current;
  }

  evaluateAlerts(): void {
    this.alertsDirty = false;
    const now = Date.now();
    const before = this.current.length;
    const { alerts, fresh, cleared } = this.alerts.evaluate(
      this.fleet.all(),
      now,
      this.fleetVersion(),
      this.store.mutes(now),
      this.store.acks(),
    );
    this.current = alerts;
    // Only alerts seen to end lose their acknowledgement: right after a restart nothing has
    // been seen yet, and an acknowledged alert must come back acknowledged.
    this.store.dropAcks(cleared);
    this.store.saveRaised(fresh, cleared);
    this.webhook?.push(fresh);
    if (fresh.length > 0 || alerts.length !== before) this.live.touch();
  }

  /** The newest version in the fleet and when it was first seen. */
  fleetVersion(): FleetVersion {
    let newest: string | null = null;
    for (const r of this.fleet.all())
      if (r.version && (!newest || compareVersions(r.version, newest) > 0)) newest = r.version;
    return { newest, newestSince: newest ? this.store.versionFirstSeen(newest, Date.now()) : null };
  }

  kioskName(key: string): string {
    const row = this.fleet.get(key);
    return row?.village_name ? `${row.village_name} (${key})` : key;
  }

  /** Sends an operator command, logs who sent what and the outcome; returns the outcome text. */
  async command(user: string, key: string, name: string, args: Record<string, unknown>): Promise<string> {
    const [village = '', device = ''] = key.split('/');
    let outcome: string;
    try {
      if (!this.opts.operatorKeyPem) throw new Error('no operator key');
      const answer = await sendCommand({
        url: this.opts.broker.url.split(',')[0]!.trim(),
        village,
        device,
        name,
        args,
        privateKeyPem: this.opts.operatorKeyPem,
        protocolVersion: this.opts.broker.protocolVersion,
        client: this.opts.broker.client,
      });
      outcome = answer.ok ? 'ok' : `refused: ${answer.error?.reason ?? '?'}`;
    } catch (err) {
      outcome = `failed: ${(err as Error).message}`;
    }
    this.store.logCommand({
      at: Date.now(),
      user,
      kiosk: key,
      command: name,
      args: JSON.stringify(args),
      outcome,
    });
    this.opts.logger.info({ user, kiosk: key, command: name, args, outcome }, 'dashboard: command sent');
    return outcome;
  }
}
