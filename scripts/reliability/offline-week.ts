/**
 * The offline week (issue 9 §5): the kiosk's real reporter and durable outbox, on a fake clock,
 * with the district's Mosquitto down for `days` simulated days while the kiosk issues
 * `lettersPerDay` letters a day, sees unknown cards, failed prints, paper warnings and resident
 * reloads, and queues telemetry every `telemetry_interval_s`. Then the broker comes back: every
 * queued message must arrive, in order, none dropped, and the drain rate (drain limit lifted) and
 * the outbox's disk use are measured.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/defaults.ts';
import type { DomainEvent } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import type { Mosquitto } from '../../tests/support/mosquitto.ts';
import { TestKiosk } from '../../tests/support/mosquitto-harness.ts';
import { sleep } from './crash-counts.ts';
import { ReceivedLog } from './offline-subscriber.ts';
import { seededRandom } from './seeded-random.ts';

export interface OfflineOptions {
  broker: Mosquitto;
  dataDir: string;
  days: number;
  lettersPerDay: number;
  seed: number;
  /** Messages per second; the campaign lifts the limit to measure the drain itself. */
  drainRate: number;
  /** The outbox bound (null: the default `mqtt.outbox.max_messages`). */
  maxMessages?: number | null;
  /** Wall-clock budget for the drain. */
  budgetMs: number;
}

export interface OfflineFigures {
  simulated_days: number;
  letters: number;
  other_events: number;
  telemetry: number;
  queued: number;
  outbox_max_messages: number;
  dropped: number;
  outbox_disk_bytes_full: number;
  outbox_disk_bytes_per_message: number;
  outbox_disk_bytes_drained: number;
  delivered: number;
  missing: number;
  out_of_order: number;
  duplicates: number;
  reconnect_ms: number;
  drain_s: number;
  drain_msgs_per_s: number;
  stopped_at_budget?: boolean;
}

const START = Date.parse('2026-12-07T00:00:00+07:00');
const DAY_MS = 86_400_000;
/** Opening hours of the village hall, local time (WIB), when letters are issued. */
const OPEN_MS = 8 * 3_600_000;
const CLOSE_MS = 16 * 3_600_000;

/** A clock the simulation sets by hand, and that runs in real time once released (for the drain). */
class SimClock {
  private at = START;
  private runningSince: number | null = null;
  now = (): number => (this.runningSince === null ? this.at : this.at + (Date.now() - this.runningSince));
  set(at: number): void {
    this.at = at;
  }
  run(): void {
    this.at = this.now();
    this.runningSince = Date.now();
  }
}

type Tick = { at: number; event: DomainEvent | null };

/** One simulated day: letters in opening hours, other events, telemetry every interval; sorted, unique times. */
function dayTicks(day: number, letters: number, telemetryMs: number, rng: () => number): Tick[] {
  const base = START + day * DAY_MS;
  const ticks: Tick[] = [];
  const during = () => base + OPEN_MS + Math.floor(rng() * (CLOSE_MS - OPEN_MS));
  for (let i = 0; i < letters; i++) {
    const n = day * letters + i + 1;
    ticks.push({
      at: during(),
      event: {
        type: 'letter_issued',
        number: `460/${String(n).padStart(3, '0')}/1809102004/XII/2026`,
        letter_type: 'sktm',
        policy: 'pengantar',
        resident_ref: `r_${String(n).padStart(20, '0')}`,
      },
    });
  }
  const others: DomainEvent[] = [
    ...Array.from({ length: 12 }, (): DomainEvent => ({ type: 'card_unknown' })),
    { type: 'letter_failed', number: null, letter_type: 'domisili', reason: 'paper_out' },
    { type: 'paper_near_end' },
    { type: 'paper_out' },
    { type: 'birth_date_mismatch' },
    { type: 'residents_reloaded', residents: 2400, cards: 1800 },
  ];
  for (const event of others) ticks.push({ at: during(), event });
  for (let t = telemetryMs; t <= DAY_MS; t += telemetryMs) ticks.push({ at: base + t - 1, event: null });
  ticks.sort((a, b) => a.at - b.at);
  // Distinct times: the order check at the broker compares them.
  for (let i = 1; i < ticks.length; i++)
    if (ticks[i]!.at <= ticks[i - 1]!.at) ticks[i]!.at = ticks[i - 1]!.at + 1;
  return ticks;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

export async function runOfflineWeek(o: OfflineOptions): Promise<OfflineFigures> {
  const rng = seededRandom(o.seed);
  const clock = new SimClock();
  const config = defaultConfig();
  config.data_dir = o.dataDir;
  config.device.id = 'offline-week';
  config.mqtt = {
    ...config.mqtt,
    url: o.broker.url,
    protocol_version: 4,
    outbox: { max_messages: o.maxMessages ?? config.mqtt.outbox.max_messages, drain_rate: o.drainRate },
  };
  const log = await new ReceivedLog(o.broker.url, `anjungan/+/${config.device.id}/#`).start();
  // SIGTERM: the broker saves the subscriber's session, and queues for it what arrives first.
  await o.broker.stop('SIGTERM');
  const kiosk = new TestKiosk();
  const reporter = new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: o.dataDir,
    startedAt: clock.now(),
    now: clock.now,
  });
  const expected: number[] = [clock.now()]; // the reporter's own `started`
  await reporter.start();
  let letters = 0;
  let others = 0;
  let telemetry = 0;
  const telemetryMs = config.mqtt.telemetry_interval_s * 1000;
  for (let day = 0; day < o.days; day++) {
    for (const tick of dayTicks(day, o.lettersPerDay, telemetryMs, rng)) {
      clock.set(tick.at);
      expected.push(tick.at);
      if (tick.event === null) {
        telemetry++;
        await reporter.sendTelemetry();
      } else {
        if (tick.event.type === 'letter_issued') letters++;
        else others++;
        kiosk.bus.emitEvent(tick.event, tick.at);
      }
    }
    // Let the day's appends reach the disk before the next day (the kiosk is never this busy).
    await sleep(0);
  }
  const outboxDir = join(o.dataDir, 'outbox');
  await waitUntil(() => reporter.outboxDepth() + dropsOf(reporter) >= expected.length, 60_000);
  const queued = reporter.outboxDepth();
  const dropped = dropsOf(reporter);
  const fullBytes = dirBytes(outboxDir);

  // The broker comes back; the clock runs in real time again (the drain's token bucket needs it).
  clock.run();
  const back = performance.now();
  await o.broker.restart();
  // The drain as the kiosk sees it: from the first PUBACK to an empty outbox.
  const deadline = Date.now() + o.budgetMs;
  let firstAck: number | null = null;
  while (reporter.outboxDepth() > 0 && Date.now() < deadline) {
    if (firstAck === null && reporter.outboxDepth() < queued) firstAck = performance.now();
    await sleep(2);
  }
  const drainEnd = performance.now();
  const drained = reporter.outboxDepth() === 0;
  const arrived = drained && (await log.waitForCount(queued, 30_000));
  await reporter.stop(1000);
  await log.close();

  const check = log.check(expected);
  const firstAt = firstAck ?? drainEnd;
  const drainS = (drainEnd - firstAt) / 1000;
  return {
    simulated_days: o.days,
    letters,
    other_events: others,
    telemetry,
    queued,
    outbox_max_messages: config.mqtt.outbox.max_messages,
    dropped,
    outbox_disk_bytes_full: fullBytes,
    outbox_disk_bytes_per_message: Math.round(fullBytes / Math.max(1, queued)),
    outbox_disk_bytes_drained: dirBytes(outboxDir),
    delivered: check.delivered,
    missing: check.missing,
    out_of_order: check.outOfOrder,
    duplicates: check.duplicates,
    reconnect_ms: Math.round(firstAt - back),
    drain_s: Math.round(drainS * 100) / 100,
    drain_msgs_per_s: Math.round(queued / Math.max(drainS, 0.001)),
    ...(arrived ? {} : { stopped_at_budget: true }),
  };
}

function dropsOf(reporter: Reporter): number {
  const d = reporter.statePayload().outbox_dropped;
  return d.telemetry + d.events + d.letter_issued;
}

async function waitUntil(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('offline week: the outbox did not take every message in');
    await sleep(10);
  }
}
