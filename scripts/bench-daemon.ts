/**
 * Daemon benchmark with a village-sized data set (100,000 residents, 10,000 bound cards,
 * 100,000 letters already in the register):
 *
 *  - start to ready: `node dist/cli.js run` as a process until its first screen frame, and its RSS;
 *  - card event → greeting frame handed to the display (p50, p99);
 *  - last `ok` → first byte handed to the printer (p50, p99): probe, reserve (fsync), compose, sign.
 *
 *   node --import tsx scripts/bench-daemon.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round } from './bench-stats.ts';
import { buildRegister, nikOf, startQuietDaemon, uidOf, villageDataDir } from './bench-store.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESIDENTS = 100_000;
const LETTERS = 100_000;
const SESSIONS = 200;
const STARTS = 5;

export async function benchDaemon(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-daemon-'));
  try {
    const { dataDir, uidKey } = await villageDataDir(dir, RESIDENTS);
    buildRegister(dataDir, uidKey, RESIDENTS, LETTERS);
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ data_dir: dataDir, log: { level: 'warn' } }));
    const startFigures = await measureStarts(config);
    const sessionFigures = await measureSessions(config);
    return { residents: RESIDENTS, register_entries: LETTERS, ...startFigures, ...sessionFigures };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawns the built daemon until its first frame, STARTS times; median time and RSS. */
async function measureStarts(config: string): Promise<Record<string, number>> {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const times: number[] = [];
  const rss: number[] = [];
  const peak: number[] = [];
  let settled = Number.NaN;
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    // The same V8 flag and malloc setting as systemd/anjungan.service and `npm start`: measure
    // what runs on a kiosk.
    const child = spawn(
      process.execPath,
      ['--max-semi-space-size=2', 'dist/cli.js', 'run', '--config', config],
      {
        cwd: ROOT,
        env: { ...process.env, ANJUNGAN_CLI_ENTRY: '1', MALLOC_ARENA_MAX: '2' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    await firstFrame(child);
    times.push(performance.now() - t0);
    rss.push(readRssMb(child.pid!));
    peak.push(readRssMb(child.pid!, 'VmHWM'));
    // Once: RSS of the idle kiosk after V8's memory reducer has run (~10 s after start).
    if (i === STARTS - 1) {
      await new Promise((r) => setTimeout(r, 12_000));
      settled = readRssMb(child.pid!);
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return {
    // The first start has no register checkpoint yet (as after an upgrade): whole-file replay.
    start_to_ready_first_ms: round(times[0]!, 0),
    start_to_ready_median_ms: round(percentile(times, 50), 0),
    start_to_ready_max_ms: round(Math.max(...times), 0),
    daemon_rss_mb: round(percentile(rss, 50), 1),
    daemon_rss_peak_mb: round(percentile(peak, 50), 1),
    daemon_rss_idle_12s_mb: round(settled, 1),
  };
}

function firstFrame(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`daemon did not show a screen in 30 s:\n${err}`)),
      30_000,
    );
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('--- screen:')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function readRssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** In-process sessions: tap → greeting frame, and last ok → printer.print called. */
async function measureSessions(config: string): Promise<Record<string, number>> {
  const daemon = await startQuietDaemon(config);
  const { display, printer } = daemon.adapters;
  const reader = daemon.adapters.sim.reader!;
  const buttons = daemon.adapters.sim.buttons!;
  let greetingAt = 0;
  let printAt = 0;
  const show = display.show.bind(display);
  display.show = (model) => {
    if (model.id === 'greeting' && greetingAt === 0) greetingAt = performance.now();
    return show(model);
  };
  const print = printer.print.bind(printer);
  printer.print = (job) => {
    if (printAt === 0) printAt = performance.now();
    return print(job);
  };
  const toGreeting: number[] = [];
  const toPrinter: number[] = [];
  try {
    for (let i = 0, n = 0; n < SESSIONS; i++) {
      const uid = uidOf(i * 37 + 11);
      const resident = daemon.store.findByCard(uid);
      if (resident?.nik !== nikOf(i * 37 + 11)) throw new Error('bench data: card not bound');
      // The data set repeats the demo residents, some of them incomplete or moved away on purpose.
      if (resident.status_dasar !== 'HIDUP' || Object.values(resident).some((v) => v === '')) continue;
      n++;
      greetingAt = 0;
      const t0 = performance.now();
      reader.tap(uid);
      await waitUntil(() => greetingAt !== 0);
      toGreeting.push(greetingAt - t0);
      for (let k = 0; k < 3; k++) {
        buttons.press('ok');
        await daemon.runner.idle();
      }
      printAt = 0;
      const t1 = performance.now();
      buttons.press('ok');
      await waitUntil(() => printAt !== 0);
      toPrinter.push(printAt - t1);
      await waitUntil(() => daemon.runner.state.screen.name === 'done');
      buttons.press('ok');
      await daemon.runner.idle();
    }
  } finally {
    await daemon.stop();
  }
  return {
    tap_to_greeting_p50_ms: round(percentile(toGreeting, 50), 2),
    tap_to_greeting_p99_ms: round(percentile(toGreeting, 99), 2),
    ok_to_printer_p50_ms: round(percentile(toPrinter, 50), 2),
    ok_to_printer_p99_ms: round(percentile(toPrinter, 99), 2),
    sessions: SESSIONS,
  };
}

async function waitUntil(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await new Promise((r) => setImmediate(r));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchDaemon();
  console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
}
