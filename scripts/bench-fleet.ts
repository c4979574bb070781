/**
 * Fleet benchmark (part of `npm run bench`): N simulated kiosks (scripts/fleet-load.ts) against
 * one Mosquitto on loopback, watched by the monitor's logic (FleetView, what
 * `anjungan monitor --json` runs) in its own process so that its memory is its own.
 *
 *   time until the monitor sees all N online → K kiosks killed (no DISCONNECT) → time until the
 *   monitor sees them offline (Last Will); messages/s the monitor receives while every kiosk
 *   publishes telemetry and a state change per second; the monitor's peak RSS.
 *
 * Bounded: N ≤ 5,000, every wait has a deadline; everything it starts it stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FleetView } from '../src/mqtt/fleet-view.ts';
import { startMosquitto } from '../tests/support/mosquitto.ts';
import { MAX_KIOSKS, startFleet } from './fleet-load.ts';

export interface BenchFleetOptions {
  n?: number;
  killed?: number;
  telemetryIntervalS?: number;
  sustainS?: number;
  url?: string;
}

interface MonitorSample {
  total: number;
  online: number;
  offline: number;
  messages: number;
  rss: number;
  t: number;
}

export async function benchFleet(opts: BenchFleetOptions): Promise<Record<string, number>> {
  const n = Math.min(MAX_KIOSKS, opts.n ?? 2435);
  const killed = Math.min(n, opts.killed ?? 50);
  const sustainS = opts.sustainS ?? 10;
  const broker = opts.url ? null : await startMosquitto();
  const url = opts.url ?? broker!.url;
  let latest: MonitorSample = { total: 0, online: 0, offline: 0, messages: 0, rss: 0, t: Date.now() };
  let peakRss = 0;
  const monitor: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--monitor', url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  createInterface({ input: monitor.stdout! }).on('line', (line) => {
    try {
      latest = JSON.parse(line) as MonitorSample;
      peakRss = Math.max(peakRss, latest.rss);
    } catch {
      // not a sample
    }
  });
  const waitFor = async (what: string, pred: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline)
        throw new Error(`bench-fleet: timed out waiting for ${what} (${JSON.stringify(latest)})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let fleet: Awaited<ReturnType<typeof startFleet>> | null = null;
  let touch: NodeJS.Timeout | null = null;
  try {
    await waitFor('monitor', () => latest.rss > 0, 20_000);
    const t0 = Date.now();
    fleet = await startFleet({ url, n, telemetryIntervalS: opts.telemetryIntervalS ?? 5 });
    const startedMs = Date.now() - t0;
    await waitFor('all online', () => latest.online >= n, 120_000);
    const allOnlineMs = Date.now() - t0;

    const f = fleet;
    touch = setInterval(() => f.touchAll(), 1000);
    const m0 = latest.messages;
    const s0 = Date.now();
    await new Promise((r) => setTimeout(r, sustainS * 1000));
    const msgsPerS = ((latest.messages - m0) * 1000) / (Date.now() - s0);
    clearInterval(touch);
    touch = null;

    const t1 = Date.now();
    await Promise.all(Array.from({ length: killed }, (_, i) => f.kill(Math.floor((i * n) / killed))));
    await waitFor('killed offline', () => latest.offline >= killed, 60_000);
    const killedOfflineMs = Date.now() - t1;
    return {
      kiosks: n,
      fleet_started_ms: startedMs,
      monitor_sees_all_online_ms: allOnlineMs,
      killed: killed,
      monitor_sees_killed_offline_ms: killedOfflineMs,
      monitor_messages_per_s: Math.round(msgsPerS),
      monitor_peak_rss_mib: Math.round(peakRss / 2 ** 20),
      fleet_process_rss_mib: Math.round(process.memoryUsage.rss() / 2 ** 20),
    };
  } finally {
    if (touch) clearInterval(touch);
    monitor.kill('SIGTERM');
    await fleet?.stop();
    await broker?.close();
  }
}

/** The monitor side, in its own process: one JSON sample per 100 ms on stdout. */
async function monitorChild(url: string): Promise<void> {
  const view = new FleetView({ url });
  await view.start();
  const timer = setInterval(() => {
    const c = view.counts();
    process.stdout.write(
      `${JSON.stringify({ ...c, messages: view.messages, rss: process.memoryUsage.rss(), t: Date.now() })}\n`,
    );
  }, 100);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void view.stop().then(() => process.exit(0));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [flag, arg] = process.argv.slice(2);
  if (flag === '--monitor' && arg) void monitorChild(arg);
  else {
    const n = flag === '--n' && arg ? Number(arg) : undefined;
    benchFleet(n ? { n } : {}).then(
      (r) => console.log(JSON.stringify(r, null, 2)),
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  }
}
