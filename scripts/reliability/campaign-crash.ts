/**
 * The crash campaign (issue 9 §1): SIGKILLs of the real, built kiosk (`node dist/cli.js run`) at
 * random moments while it prints to a slow ESC/POS printer, stops cleanly, has residents imported
 * or a card bound beside it, or drains a full outbox to a real Mosquitto; after every kill the
 * kiosk is started again and the invariants are checked (crash-lane.ts, crash-checks.ts). Lanes
 * (separate data dirs) run concurrently to keep 1,000 kills within minutes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquittoAvailable, startMosquitto } from '../../tests/support/mosquitto.ts';
import type { Campaign, CampaignResult } from './campaign.ts';
import { type CrashCounts, emptyCounts, SCENARIOS } from './crash-counts.ts';
import { CrashLane } from './crash-lane.ts';
import { seededRandom } from './seeded-random.ts';

export interface CrashOptions {
  seed: number;
  budgetMs: number;
  kills: number;
  lanes: number;
  importRows: number;
  outboxEvents: number;
}

export async function runCrash(o: CrashOptions): Promise<{ counts: CrashCounts; stoppedAtBudget: boolean }> {
  if (!existsSync('dist/cli.js'))
    throw new Error('the crash campaign runs the built kiosk: npm run build first');
  if (!mosquittoAvailable())
    throw new Error('the crash campaign needs mosquitto (apt-get install mosquitto)');
  const counts = emptyCounts();
  const root = mkdtempSync(join(tmpdir(), 'anj-crash-'));
  // The campaign's subscriber must see every delivery: Mosquitto's default per-client queue (1,000
  // QoS 1 messages) would drop some of a fast drain on the broker's side, which is not the kiosk's loss.
  const broker = await startMosquitto({ extraConf: 'max_queued_messages 0' });
  const deadline = Date.now() + o.budgetMs;
  let stoppedAtBudget = false;
  let progressAt = 100;
  const lanes = Array.from(
    { length: o.lanes },
    (_, i) =>
      new CrashLane({
        index: i + 1,
        dir: join(root, `lane-${i + 1}`),
        broker,
        rng: seededRandom(o.seed + i),
        counts,
        importRows: o.importRows,
        outboxEvents: o.outboxEvents,
      }),
  );
  try {
    await Promise.all(lanes.map((l) => l.setup()));
    await Promise.all(
      lanes.map(async (lane, i) => {
        const pick = seededRandom(o.seed * 31 + i);
        while (counts.kills < o.kills) {
          if (Date.now() > deadline) {
            stoppedAtBudget = true;
            break;
          }
          await lane.cycle(SCENARIOS[Math.floor(pick() * SCENARIOS.length)]!);
          if (counts.kills >= progressAt) {
            console.log(`crash: ${counts.kills} kills, ${counts.violations.length} violations`);
            progressAt += 100;
          }
        }
        await lane.finish();
      }),
    );
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
    await broker.close();
    if (counts.violations.length === 0) rmSync(root, { recursive: true, force: true });
    else console.error(`crash: data dirs kept for inspection in ${root}`);
  }
  return { counts, stoppedAtBudget };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

export function crashFigures(counts: CrashCounts, o: CrashOptions, stoppedAtBudget: boolean): CampaignResult {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const figures = {
    kills: counts.kills,
    lanes: o.lanes,
    cycles_per_scenario: counts.cycles,
    exited_before_kill: counts.exited_before_kill,
    startup_to_idle_p50_ms: percentile(counts.startup_ms, 50),
    startup_to_idle_p95_ms: percentile(counts.startup_ms, 95),
    starts: counts.startup_ms.length,
    failed_starts_retried: counts.failed_starts.length,
    ...(counts.failed_starts.length ? { failed_starts: counts.failed_starts.slice(0, 10) } : {}),
    letters_completed: counts.letters_done,
    cli_runs_completed_before_kill: counts.cli_completed,
    register_entries: sum(counts.register_entries),
    interrupted_entries: sum(counts.interrupted),
    printer_jobs_checked: counts.printer_jobs,
    printer_jobs_cut_before_number: counts.printer_jobs_without_number,
    import_rows: o.importRows,
    outbox_events_queued: counts.events_queued,
    outbox_events_lost: counts.events_lost,
    outbox_duplicate_deliveries: counts.duplicates,
    violations: counts.violations.length,
    ...(counts.violations.length ? { first_violations: counts.violations.slice(0, 20) } : {}),
    ...(stoppedAtBudget ? { stopped_at_budget: true } : {}),
  };
  for (const v of counts.violations.slice(0, 20)) console.error(`crash: ${v}`);
  console.log(`crash: ${JSON.stringify({ ...figures, first_violations: undefined })}`);
  const row = {
    campaign: 'crash',
    target: 'sigkill',
    inputs: counts.kills,
    failures: counts.violations.length,
    seconds: 0,
    note: `${figures.register_entries} letters in the registers (${figures.interrupted_entries} interrupted), ${counts.duplicates} duplicate deliveries${stoppedAtBudget ? ', stopped at budget' : ''}`,
  };
  return { figures, rows: [row] };
}

export const crashCampaign: Campaign = {
  name: 'crash',
  async run({ seed, budgetMs, runs = 1000 }) {
    const opts: CrashOptions = {
      seed,
      budgetMs,
      kills: runs,
      lanes: 8,
      importRows: 20_000,
      outboxEvents: 2000,
    };
    const t0 = Date.now();
    const { counts, stoppedAtBudget } = await runCrash(opts);
    const result = crashFigures(counts, opts, stoppedAtBudget);
    for (const r of result.rows) r.seconds = Math.round((Date.now() - t0) / 1000);
    return result;
  },
};
