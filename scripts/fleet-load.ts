/**
 * Fleet load: N simulated kiosks' reporters (default 2,435, the villages of Lampung), each with
 * its own client id, village code and data dir, a short telemetry interval, against one broker on
 * loopback. Bounded: at most 5,000 kiosks and 10 minutes; stops by itself.
 *
 *   node --import tsx scripts/fleet-load.ts [--n 2435] [--url mqtt://127.0.0.1:1883]
 *        [--telemetry-s 5] [--duration-s 30]
 *
 * Without --url it starts its own Mosquitto on a free port. Data dirs go to /dev/shm when present
 * (the fsyncs of 2,435 outboxes would measure the disk, not the broker).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../src/config/defaults.ts';
import { type DomainEvent, KioskBus, type KioskControls, type KioskStatus } from '../src/events.ts';
import { silentLogger } from '../src/log.ts';
import { Reporter } from '../src/mqtt/reporter.ts';
import { startMosquitto } from '../tests/support/mosquitto.ts';

export const MAX_KIOSKS = 5000;
export const MAX_DURATION_S = 600;

export interface Fleet {
  /** "village/device" of each kiosk, in start order. */
  keys: string[];
  reporters: Reporter[];
  /** Kills kiosk i (connection dropped, no DISCONNECT: the broker sends its Last Will). */
  kill(i: number): Promise<void>;
  /** A status change on every kiosk (each publishes a retained state). */
  touchAll(): void;
  /** A status change on kiosk i. */
  touch(i: number, patch: Partial<KioskStatus>): void;
  /** A domain event on kiosk i (it goes through the kiosk's outbox like a real one). */
  emit(i: number, event: DomainEvent): void;
  stop(): Promise<void>;
}

/** Village code of simulated kiosk i: Lampung (18), regencies 01..15, villages 2001.. (valid shape). */
export function simVillage(i: number): string {
  const regency = String(1 + (i % 15)).padStart(2, '0');
  const district = String(1 + (Math.floor(i / 15) % 30)).padStart(2, '0');
  return `18${regency}${district}${2001 + Math.floor(i / 450)}`;
}

class SimKiosk implements KioskControls {
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
    this.current = { ...this.current, remote_reason: reason };
    this.bus.emit('status', this.status());
  }
}

/** Starts N reporters in batches (a connect storm of thousands at once is not what a fleet does). */
export async function startFleet(opts: {
  url: string;
  n: number;
  telemetryIntervalS: number;
  batch?: number;
}): Promise<Fleet> {
  if (opts.n > MAX_KIOSKS) throw new Error(`at most ${MAX_KIOSKS} kiosks`);
  const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'anj-fleet-'));
  const logger = silentLogger();
  const kiosks: SimKiosk[] = [];
  const reporters: Reporter[] = [];
  const keys: string[] = [];
  const batch = opts.batch ?? 100;
  for (let i = 0; i < opts.n; i += batch) {
    const starting: Promise<void>[] = [];
    for (let j = i; j < Math.min(opts.n, i + batch); j++) {
      const config = defaultConfig();
      config.village.code = simVillage(j);
      config.device.id = `kiosk-${String(j).padStart(4, '0')}`;
      config.data_dir = join(base, String(j));
      config.mqtt = {
        ...config.mqtt,
        url: opts.url,
        protocol_version: 4,
        telemetry_interval_s: opts.telemetryIntervalS,
      };
      const kiosk = new SimKiosk();
      const reporter = new Reporter({
        config,
        bus: kiosk.bus,
        controls: kiosk,
        logger,
        dataDir: config.data_dir,
        startedAt: Date.now(),
      });
      kiosks.push(kiosk);
      reporters.push(reporter);
      keys.push(`${config.village.code}/${config.device.id}`);
      starting.push(reporter.start());
    }
    await Promise.all(starting);
  }
  let n = 0;
  return {
    keys,
    reporters,
    kill: (i) => reporters[i]!.abort(),
    touch(i, patch) {
      const k = kiosks[i]!;
      k.current = { ...k.current, ...patch };
      k.bus.emit('status', k.status());
    },
    emit: (i, event) => kiosks[i]!.bus.emitEvent(event),
    touchAll() {
      n++;
      for (const k of kiosks) {
        k.current = { ...k.current, letters_today: n };
        k.bus.emit('status', k.status());
      }
    },
    async stop() {
      for (let i = 0; i < reporters.length; i += 200) {
        await Promise.all(reporters.slice(i, i + 200).map((r) => r.stop(200)));
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '2435' },
      url: { type: 'string' },
      'telemetry-s': { type: 'string', default: '5' },
      'duration-s': { type: 'string', default: '30' },
    },
  });
  const n = Math.min(MAX_KIOSKS, Number(values.n));
  const duration = Math.min(MAX_DURATION_S, Number(values['duration-s']));
  const broker = values.url ? null : await startMosquitto();
  const url = values.url ?? broker!.url;
  const t0 = Date.now();
  const fleet = await startFleet({ url, n, telemetryIntervalS: Number(values['telemetry-s']) });
  console.log(`${n} reporters started in ${Date.now() - t0} ms against ${url}; running ${duration} s`);
  const timer = setInterval(() => {
    const online = fleet.reporters.filter((r) => r.connected).length;
    console.log(
      `${Math.round((Date.now() - t0) / 1000)} s: ${online}/${n} connected, rss ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MiB`,
    );
  }, 5000);
  await new Promise((r) => setTimeout(r, duration * 1000));
  clearInterval(timer);
  await fleet.stop();
  await broker?.close();
  console.log('fleet stopped');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
