/**
 * Dashboard benchmark (part of `npm run bench`, section `dashboard`): 2,435 simulated kiosks
 * (scripts/fleet-load.ts) on one Mosquitto, telemetry every 60 s and letters at 500 per
 * village per month, against `anjungan dashboard` (built, its own process) whose store holds
 * 30 days of history for every kiosk, watched by Debian's Chromium.
 *
 *   seed 30 days → fleet online → dashboard has all N → page loads (navigation until the first
 *   rows and the right total) → state changes (kiosk publishes → the cell shows it) → a steady
 *   minute: the dashboard's RSS and CPU.
 *
 * Bounded: N ≤ 5,000, every wait has a deadline; everything it starts it stops.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/dashboard/sqlite.ts';
import { HistoryStore } from '../src/dashboard/store.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { freePort, startMosquitto } from '../tests/support/mosquitto.ts';
import { percentile } from './bench-stats.ts';
import { MAX_KIOSKS, simVillage, startFleet } from './fleet-load.ts';

const DAY_MS = 86_400_000;
const LETTERS_PER_VILLAGE_MONTH = 500;
const TYPES = ['domisili', 'sktm', 'usaha', 'pengantar_skck', 'keterangan_penduduk'];

export function kioskKey(i: number): string {
  return `${simVillage(i)}/kiosk-${String(i).padStart(4, '0')}`;
}

/** 30 days of letters (500 per kiosk), their daily counts and 15-minute telemetry, in SQL. */
export function seedHistory(dataDir: string, n: number, days: number, now: number): void {
  new HistoryStore(dataDir).close(); // creates the schema
  const db = openDatabase(join(dataDir, 'dashboard.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('CREATE TEMP TABLE k(key TEXT PRIMARY KEY)');
  const put = db.prepare('INSERT INTO k VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) put.run(kioskKey(i));
  });
  const t0 = now - days * DAY_MS;
  const perKiosk = Math.round((LETTERS_PER_VILLAGE_MONTH * days) / 30);
  const step = Math.floor((days * DAY_MS) / perKiosk);
  const types = `CASE x % ${TYPES.length} ${TYPES.map((t, i) => `WHEN ${i} THEN '${t}'`).join(' ')} END`;
  db.transaction(() => {
    db.exec(`WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < ${perKiosk - 1})
      INSERT INTO events(id, kiosk, type, time, day, sub, detail)
      SELECT k.key || '-' || x, k.key, 'letter_issued', ${t0} + x * ${step},
             date((${t0} + x * ${step}) / 1000 + 25200, 'unixepoch'), ${types}, NULL FROM k, s`);
    db.exec('INSERT INTO seen(id, time) SELECT id, time FROM events');
    db.exec(`INSERT INTO daily(day, kiosk, type, sub, n)
      SELECT day, kiosk, type, sub, count(*) FROM events GROUP BY day, kiosk, type, sub`);
    const slots = (days * DAY_MS) / (15 * 60_000);
    db.exec(`WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < ${slots - 1})
      INSERT INTO telemetry(kiosk, slot, cpu_temp_c, memory_used_pct, disk_free_mb, outbox_depth)
      SELECT k.key, ${Math.floor(t0 / 900_000) * 900_000} + x * 900000, 45 + x % 10, 40 + x % 7, 20000, 0 FROM k, s`);
  });
  db.close();
}

/** The page's document, typed for the two calls made here (the project has no DOM typings). */
interface MiniDocument {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
}

function procStat(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: ticks / 100, rssMb: Number(rss?.[1] ?? 0) / 1024 };
}

async function until(what: string, pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`bench-dashboard: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function benchDashboard(
  opts: { n?: number; loads?: number; changes?: number; steadyS?: number } = {},
): Promise<Record<string, number>> {
  const n = Math.min(MAX_KIOSKS, opts.n ?? 2435);
  const root = new URL('..', import.meta.url).pathname;
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('bench-dashboard: the build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-bench-dash-'));
  const s0 = Date.now();
  seedHistory(dataDir, n, 30, Date.now());
  const seedMs = Date.now() - s0;
  const storeMb = statSync(join(dataDir, 'dashboard.sqlite')).size / 2 ** 20;
  const broker = await startMosquitto();
  const fleet = await startFleet({ url: broker.url, n, telemetryIntervalS: 60 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dash = spawn(
    process.execPath,
    [
      join(root, 'dist/cli.js'),
      'dashboard',
      '--url',
      broker.url,
      '--no-auth',
      '--listen',
      `127.0.0.1:${port}`,
      '--data',
      dataDir,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MALLOC_ARENA_MAX: '2', ANJUNGAN_LOG_LEVEL: 'warn' },
    },
  );
  // Letters at the realistic rate: 500 per village per month over the whole fleet.
  const letterEveryMs = (30 * DAY_MS) / (LETTERS_PER_VILLAGE_MONTH * n);
  let seq = 0;
  const letters = setInterval(() => {
    const i = seq++ % n;
    fleet.emit(i, {
      type: 'letter_issued',
      number: `B/${seq}`,
      letter_type: TYPES[seq % TYPES.length]!,
      policy: 'final',
      resident_ref: 'bench',
    });
  }, letterEveryMs);
  const browser = await launchChromium();
  if (!browser) throw new Error('Chromium is needed: apt-get install chromium');
  try {
    const total = async () => {
      try {
        const r = (await (await fetch(`${base}/api/fleet`)).json()) as { counts: { total: number } };
        return r.counts.total;
      } catch {
        return 0;
      }
    };
    await until('the dashboard has every kiosk', async () => (await total()) >= n, 180_000);
    const page = await (await browser.newContext()).newPage();
    const firstRows: number[] = [];
    for (let k = 0; k < (opts.loads ?? 5); k++) {
      const t0 = performance.now();
      await page.goto(base, { waitUntil: 'commit' });
      await page.waitForFunction(
        // Runs in the page (a function, not a string: the page's CSP forbids evaluating strings).
        (total) => {
          const doc = (globalThis as unknown as { document: MiniDocument }).document;
          return (
            doc.getElementById('count-total')?.textContent === String(total) &&
            doc.querySelectorAll('#fleet tbody tr').length > 0
          );
        },
        n,
        { polling: 'raf', timeout: 60_000 },
      );
      firstRows.push(performance.now() - t0);
    }
    const changes: number[] = [];
    for (let k = 0; k < (opts.changes ?? 40); k++) {
      const i = (k * 7919) % n;
      const value = 10_000 + k;
      const t0 = performance.now();
      fleet.touch(i, { letters_today: value });
      await page.waitForFunction(
        ([key, v]) =>
          (globalThis as unknown as { document: MiniDocument }).document.querySelector(
            `tr[data-kiosk="${key}"] td:nth-child(15)`,
          )?.textContent === v,
        [kioskKey(i), String(value)] as const,
        { polling: 'raf', timeout: 30_000 },
      );
      changes.push(performance.now() - t0);
    }
    // A steady stretch with the page open: telemetry every 60 s from every kiosk, letters.
    const steadyS = opts.steadyS ?? 60;
    const a = procStat(dash.pid!);
    let peakRss = a.rssMb;
    const t0 = Date.now();
    while (Date.now() - t0 < steadyS * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      peakRss = Math.max(peakRss, procStat(dash.pid!).rssMb);
    }
    const b = procStat(dash.pid!);
    return {
      kiosks: n,
      seed_30_days_ms: seedMs,
      store_mb: Math.round(storeMb),
      first_rows_median_ms: Math.round(percentile(firstRows, 50)),
      first_rows_max_ms: Math.round(Math.max(...firstRows)),
      state_change_to_page_p95_ms: Math.round(percentile(changes, 95)),
      state_change_to_page_max_ms: Math.round(Math.max(...changes)),
      dashboard_rss_peak_mb: Math.round(peakRss),
      dashboard_cpu_pct_of_one_core: Math.round((1000 * (b.cpuS - a.cpuS)) / ((Date.now() - t0) / 1000)) / 10,
    };
  } finally {
    clearInterval(letters);
    await browser.close();
    if (dash.exitCode === null) {
      const exited = new Promise((r) => dash.once('exit', r));
      dash.kill('SIGTERM');
      await exited;
    }
    await fleet.stop();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
