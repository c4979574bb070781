/**
 * The kiosk's reporter: the bus → MQTT side of the contract in docs/mqtt.md.
 *
 *   KioskBus 'event' ─► outbox (disk) ─► drain (≤ drain_rate/s, ≤ WINDOW in flight) ─► event/<type>
 *   telemetry timer  ─► outbox ───────┘                                   PUBACK ─► outbox.ack
 *   KioskBus 'status' ─► state (retained, latest wins, not queued)
 *   cmd/<name> ─► CommandHandler ─► reply (+ event/command_refused)
 *
 * Nothing here is awaited by the kiosk: bus listeners only append to the outbox, which writes
 * in batches; network work runs on its own timers, so a dead broker never slows a session.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Config } from '../config/config.ts';
import type { DomainEvent, KioskBus, KioskControls, KioskStatus } from '../events.ts';
import type { Logger } from '../log.ts';
import { VERSION } from '../version.ts';
import { CommandHandler } from './commands.ts';
import { BrokerConnection } from './connection.ts';
import { Outbox, type OutboxClass } from './outbox.ts';
import {
  type AnyEvent,
  eventPayload,
  PAYLOAD_VERSION,
  STATE_VERSION,
  type StatePayload,
  type TelemetryCounters,
  type TelemetryPayload,
} from './payloads.ts';
import { cpuTemperature, diskFree, loadAverage, memoryFigures } from './telemetry.ts';
import { TokenBucket } from './token-bucket.ts';
import { clientIdFor, type KioskTopics, kioskTopics } from './topics.ts';

/** Unacknowledged publishes at once: enough to fill a slow link, small enough to stay polite. */
const WINDOW = 100;

export interface ReporterOptions {
  config: Config;
  bus: KioskBus;
  controls: KioskControls;
  logger: Logger;
  dataDir: string;
  startedAt: number;
  /** Clock (tests). */
  now?: () => number;
}

export class Reporter extends EventEmitter<{ connection: ['online' | 'offline'] }> {
  private outbox: Outbox | null = null;
  private conn: BrokerConnection | null = null;
  private commands: CommandHandler | null = null;
  private readonly topics: KioskTopics;
  private readonly inflight = new Set<number>();
  private readonly drainBudget: TokenBucket;
  private readonly refusalReports: TokenBucket;
  private pumpTimer: NodeJS.Timeout | null = null;
  private stateTimer: NodeJS.Timeout | null = null;
  private telemetryTimer: NodeJS.Timeout | null = null;
  private status: KioskStatus | null = null;
  private dropReportSeq: number | null = null;
  private readonly early: [AnyEvent, number][] = [];
  private lastStateDepth = -1;
  private stopping = false;
  private readonly counters: TelemetryCounters = {
    letters_issued: 0,
    letters_failed: 0,
    cards_unknown: 0,
    events_published: 0,
    commands_accepted: 0,
    commands_refused: 0,
    connects: 0,
    messages_refused: 0,
  };
  private readonly now: () => number;
  private readonly onEvent = (event: DomainEvent, at: number) => {
    // The reporter itself announces started/stopping (start()/stop()), so a daemon's own are not doubled.
    if (event.type !== 'started' && event.type !== 'stopping') this.record(event, at);
  };
  private readonly onStatus = (status: KioskStatus) => {
    // A nearly full disk: telemetry goes first, so that the events keep their room (issue 9 §6).
    if (storageFull(status) && !storageFull(this.status)) {
      const n = this.outbox?.dropAll('telemetry') ?? 0;
      if (n > 0) this.opts.logger.warn({ dropped: n }, 'storage almost full: queued telemetry dropped');
    }
    this.status = status;
    this.scheduleState();
  };

  constructor(private readonly opts: ReporterOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.topics = kioskTopics(opts.config.village.code, opts.config.device.id);
    const rate = opts.config.mqtt.outbox.drain_rate;
    this.drainBudget = new TokenBucket(Math.max(1, rate), rate, this.now, 0);
    // At most 20 refusals reported in a burst, then one per 30 s: a flood of junk commands must not
    // fill the outbox, and the budget comes back with time however many refusals came before.
    this.refusalReports = new TokenBucket(20, 1 / 30, this.now);
  }

  get connected(): boolean {
    return this.conn?.connected ?? false;
  }

  outboxDepth(): number {
    return this.outbox?.depth() ?? 0;
  }

  /** Opens the outbox and starts connecting in the background (resolves before the broker answers). */
  async start(): Promise<void> {
    const { config, logger } = this.opts;
    const m = config.mqtt;
    const urls = m.url === null ? [] : Array.isArray(m.url) ? m.url : [m.url];
    // Listen at once: events emitted while the outbox opens wait in `early` (e.g. letter_interrupted).
    this.opts.bus.on('event', this.onEvent);
    this.opts.bus.on('status', this.onStatus);
    this.record({ type: 'started' }, this.now());
    this.outbox = await Outbox.open(join(this.opts.dataDir, 'outbox'), {
      maxMessages: m.outbox.max_messages,
      logger,
    });
    this.outbox.setBusyCheck((seq) => this.inflight.has(seq));
    this.outbox.on('appended', () => this.pump());
    this.outbox.on('dropped', () => this.reportDrops());
    this.commands = new CommandHandler({
      topics: this.topics,
      village: config.village.code,
      device: config.device.id,
      districtPublicKey: m.district_public_key,
      operatorPublicKeys: m.operator_public_keys,
      maxAgeS: m.command_max_age_s,
      controls: this.opts.controls,
      logger,
      now: this.now,
      state: () => this.statePayload(),
      publishState: () => this.publishState(),
      nonceFile: join(this.opts.dataDir, 'mqtt-nonces.json'),
      logDir: join(this.opts.dataDir, 'log'),
    });
    await this.commands.start();
    this.status ??= this.opts.controls.status();
    for (const [event, at] of this.early.splice(0)) void this.append(event, at);
    this.reportDrops();
    this.telemetryTimer = setInterval(() => void this.sendTelemetry(), m.telemetry_interval_s * 1000);
    if (urls.length === 0) {
      logger.warn('mqtt.url is not set: events are kept in the outbox, nothing is reported');
      return;
    }
    this.conn = new BrokerConnection({
      urls,
      clientId: clientIdFor(config.village.code, config.device.id),
      protocolVersion: m.protocol_version,
      username: m.username,
      password: m.password,
      tls: {
        ...(m.ca_file ? { ca: readFileSync(m.ca_file) } : {}),
        ...(m.cert_file ? { cert: readFileSync(m.cert_file) } : {}),
        ...(m.key_file ? { key: readFileSync(m.key_file) } : {}),
      },
      will: { topic: this.topics.availability, payload: 'offline' },
      logger,
    });
    this.conn.on('online', (client) => this.onOnline(client));
    this.conn.on('offline', () => {
      this.inflight.clear();
      this.emit('connection', 'offline');
    });
    this.conn.on('message', (topic, payload, packet) => void this.onCommand(topic, payload, packet));
    this.conn.start();
  }

  /** Publishes `stopping` and availability `offline`, flushes briefly, closes. */
  async stop(flushTimeoutMs = 3000): Promise<void> {
    if (this.stopping || !this.outbox) return;
    this.stopping = true;
    this.opts.bus.off('event', this.onEvent);
    this.opts.bus.off('status', this.onStatus);
    for (const t of [this.telemetryTimer, this.stateTimer]) if (t) clearTimeout(t);
    const seq = await this.append({ type: 'stopping' }, this.now());
    const client = this.conn?.current;
    if (client && seq !== null) {
      const deadline = this.now() + flushTimeoutMs;
      while (this.outbox.has(seq) && this.conn?.connected && this.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await publishAsync(client, this.topics.availability, 'offline', true, 1000);
    }
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    await this.conn?.stop(true);
    await this.outbox.close();
  }

  /**
   * Drops the connection without DISCONNECT and stops, as if the process had died: the broker
   * then publishes the Last Will. For fleet simulations (scripts/fleet-load.ts), not the daemon.
   */
  async abort(): Promise<void> {
    if (this.stopping || !this.outbox) return;
    this.stopping = true;
    this.opts.bus.off('event', this.onEvent);
    this.opts.bus.off('status', this.onStatus);
    for (const t of [this.telemetryTimer, this.stateTimer, this.pumpTimer]) if (t) clearTimeout(t);
    await this.conn?.stop(false);
    await this.outbox.close();
  }

  // ---- events and the outbox ----

  private record(event: AnyEvent, at: number): void {
    if (event.type === 'letter_issued') this.counters.letters_issued++;
    if (event.type === 'letter_failed') this.counters.letters_failed++;
    if (event.type === 'card_unknown') this.counters.cards_unknown++;
    void this.append(event, at);
  }

  private async append(event: AnyEvent, at: number): Promise<number | null> {
    if (!this.outbox) {
      this.early.push([event, at]);
      return null;
    }
    const { code } = this.opts.config.village;
    const payload = eventPayload(event, at, code, this.opts.config.device.id);
    const cls: OutboxClass =
      event.type === 'letter_issued' ? 'letter' : event.type === 'outbox_dropped' ? 'report' : 'event';
    try {
      return await this.outbox.append({
        topic: this.topics.event(event.type),
        payload: JSON.stringify(payload),
        cls,
        ...(event.type === 'letter_issued' ? { number: event.number } : {}),
      });
    } catch (err) {
      this.opts.logger.error({ err, type: event.type }, 'event not stored in the outbox');
      return null;
    }
  }

  private reportDrops(): void {
    if (!this.outbox || this.dropReportSeq !== null) return;
    const report = this.outbox.takeDropReport();
    if (!report) return;
    this.opts.logger.warn({ ...report }, 'outbox full: messages dropped');
    this.dropReportSeq = -1;
    void this.append({ type: 'outbox_dropped', ...report, total: this.outbox.dropped() }, this.now()).then(
      (seq) => {
        this.dropReportSeq = seq;
      },
    );
    this.scheduleState();
  }

  /** Publishes pending records, oldest first, within the rate and the in-flight window. */
  private pump(): void {
    const client = this.conn?.current;
    const outbox = this.outbox;
    if (!client || !outbox || this.pumpTimer) return;
    let more = false;
    for (const rec of outbox.records()) {
      if (this.inflight.has(rec.seq)) continue;
      if (this.inflight.size >= WINDOW) return; // an ack will pump again
      if (!this.drainBudget.take()) {
        more = true;
        break;
      }
      this.inflight.add(rec.seq);
      client.publish(rec.topic, rec.payload, { qos: 1 }, (err) => {
        if (client !== this.conn?.current) return;
        this.inflight.delete(rec.seq);
        const code = (err as { code?: unknown } | undefined)?.code;
        if (err && typeof code === 'number' && code >= 0x80) {
          // MQTT 5 PUBACK with a failure reason (0x87 not authorised, …): the broker has it and
          // refuses it; resending would loop on this message and starve the rest of the queue.
          this.opts.logger.error(
            { reasonCode: code, topic: rec.topic },
            'broker refused a message: check its ACL',
          );
          outbox.ack(rec.seq);
          this.counters.messages_refused++;
        } else if (err) {
          this.opts.logger.warn({ err: err.message, topic: rec.topic }, 'publish not acknowledged');
        } else {
          outbox.ack(rec.seq);
          this.counters.events_published++;
          if (rec.seq === this.dropReportSeq) {
            this.dropReportSeq = null;
            this.reportDrops();
          }
          if (outbox.depth() === 0) this.scheduleState();
        }
        this.pump();
      });
    }
    if (more) {
      const wait = Math.max(5, this.drainBudget.msUntilNext());
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.pump();
      }, wait);
    }
  }

  // ---- connection ----

  private onOnline(client: MqttClient): void {
    this.counters.connects++;
    this.inflight.clear();
    this.drainBudget.reset();
    client.publish(this.topics.availability, 'online', { qos: 1, retain: true });
    client.subscribe(this.topics.cmdFilter, { qos: 1 });
    this.publishState();
    this.emit('connection', 'online');
    this.pump();
  }

  private async onCommand(
    topic: string,
    payload: Buffer,
    packet: { properties?: Record<string, unknown> },
  ): Promise<void> {
    if (!this.commands) return;
    const props = packet.properties ?? {};
    const outcome = await this.commands.handle({
      topic,
      payload,
      responseTopic: typeof props.responseTopic === 'string' ? props.responseTopic : undefined,
      correlationData: Buffer.isBuffer(props.correlationData) ? props.correlationData : undefined,
    });
    const client = this.conn?.current;
    if (client) {
      const { topic: to, payload: body, correlationData } = outcome.reply;
      const v5 =
        this.conn?.protocolVersion === 5 && correlationData ? { properties: { correlationData } } : {};
      client.publish(to, body, { qos: 1, ...v5 });
    }
    if (outcome.refused) {
      this.counters.commands_refused++;
      if (this.refusalReports.take()) {
        const r = outcome.refused;
        void this.append(
          { type: 'command_refused', command: outcome.command, reason: r.reason, detail: r.detail },
          this.now(),
        );
      }
    } else {
      this.counters.commands_accepted++;
      if (outcome.command === 'out_of_service')
        void this.append({ type: 'command_executed', command: outcome.command }, this.now());
    }
  }

  // ---- state and telemetry ----

  private scheduleState(): void {
    if (this.stateTimer || this.stopping) return;
    // Coalesce bursts (several status changes in one tick) into one retained message.
    this.stateTimer = setTimeout(() => {
      this.stateTimer = null;
      this.publishState();
    }, 20);
  }

  private publishState(): void {
    const client = this.conn?.current;
    if (!client) return;
    const state = this.statePayload();
    this.lastStateDepth = state.outbox_depth;
    client.publish(this.topics.state, JSON.stringify(state), { qos: 1, retain: true });
  }

  /** The retained `state` payload as of now. */
  statePayload(): StatePayload {
    const status = this.status ?? this.opts.controls.status();
    const village = this.opts.config.village;
    return {
      v: STATE_VERSION,
      village: village.code,
      device: this.opts.config.device.id,
      village_name: village.name,
      kecamatan: village.kecamatan,
      kabupaten: village.kabupaten,
      ...status,
      online: true,
      outbox_depth: this.outboxDepth(),
      outbox_dropped: this.outbox?.dropped() ?? { telemetry: 0, events: 0, letter_issued: 0 },
      version: VERSION,
      uptime_s: Math.max(0, Math.round((this.now() - this.opts.startedAt) / 1000)),
      time: new Date(this.now()).toISOString(),
    };
  }

  /**
   * Queues one telemetry message as of now(). The timer calls it every `telemetry_interval_s`;
   * simulations on a fake clock (the offline-week campaign) call it at each simulated tick.
   */
  async sendTelemetry(): Promise<void> {
    if (!this.outbox || this.stopping || storageFull(this.status)) return;
    const payload: TelemetryPayload = {
      v: PAYLOAD_VERSION,
      village: this.opts.config.village.code,
      device: this.opts.config.device.id,
      time: new Date(this.now()).toISOString(),
      uptime_s: Math.max(0, Math.round((this.now() - this.opts.startedAt) / 1000)),
      cpu_temp_c: await cpuTemperature(),
      load_avg: loadAverage(),
      memory: memoryFigures(),
      disk_free_bytes: await diskFree(this.opts.dataDir),
      outbox_depth: this.outboxDepth(),
      counters: { ...this.counters },
    };
    if (this.stopping) return;
    await this.outbox
      .append({ topic: this.topics.telemetry, payload: JSON.stringify(payload), cls: 'telemetry' })
      .catch(() => {});
    if (this.outboxDepth() !== this.lastStateDepth) this.scheduleState();
  }
}

function storageFull(status: KioskStatus | null): boolean {
  return status?.out_of_service.includes('storage_full') ?? false;
}

function publishAsync(
  client: MqttClient,
  topic: string,
  payload: string,
  retain: boolean,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    client.publish(topic, payload, { qos: 1, retain }, () => {
      clearTimeout(t);
      resolve();
    });
  });
}
