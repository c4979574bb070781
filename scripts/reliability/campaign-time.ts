/**
 * The time campaign (issue 9 §4): a simulated month through the real daemon on a fake clock
 * (time-month.ts), the year end and clock jumps (time-calendar.ts). The process runs in the
 * village's zone (WIB), as the kiosk's systemd unit and image do.
 *
 * Rows and their invariants:
 *   month      every letter printed; register promises (time-checks.ts) over the month
 *   memory     after warm-up, heap slope ≤ 0.25 MB/day, RSS slope ≤ 1 MB/day, fds not rising
 *   disk       growth per letter ≤ 8 KiB (register, letter archive, outbox, logs)
 *   startup    a power cut after the last day replays no more lines than after day 1 plus the
 *              lines since the last checkpoint, and less than a checkpoint interval
 *   year_end   old year up to 23:59:59.999 WIB, 001 of the new year from 00:00 WIB
 *   clock_jumps nothing printed while the clock is behind the newest letter
 */
import type { Campaign, CampaignRow } from './campaign.ts';
import { runClockJumps, runYearEnd } from './time-calendar.ts';
import { slope } from './time-checks.ts';
import { VILLAGE_TZ } from './time-kiosk.ts';
import { runMonth } from './time-month.ts';

/** Days before the memory is expected to be flat (caches, JIT, the first checkpoints). */
export const WARM_UP_DAYS = 3;
export const MAX_HEAP_MB_PER_DAY = 0.25;
export const MAX_RSS_MB_PER_DAY = 1;
export const MAX_DISK_BYTES_PER_LETTER = 8192;
/** Open descriptors: no upward trend, and at most this many in flight at a sample. */
export const MAX_FDS_PER_DAY = 0.05;
export const MAX_FD_SPREAD = 2;
/** The register writes a checkpoint every 500 lines (register.ts). */
const CHECKPOINT_EVERY = 500;

export interface TimeOptions {
  days: number;
  lettersPerDay: number;
  seed: number;
  budgetMs: number;
}

export async function runTime(
  opts: TimeOptions,
): Promise<{ figures: Record<string, unknown>; rows: CampaignRow[] }> {
  // Node reads TZ when it changes: from here on the process's local time is the village's.
  const previousTz = process.env.TZ;
  process.env.TZ = VILLAGE_TZ;
  try {
    const rows: CampaignRow[] = [];
    const row = (target: string, inputs: number, problems: string[], ms: number, note: string) => {
      for (const p of problems) console.error(`time/${target}: ${p}`);
      rows.push({
        campaign: 'time',
        target,
        inputs,
        failures: problems.length,
        seconds: Math.round(ms / 100) / 10,
        note: problems[0] ?? note,
      });
    };

    let started = Date.now();
    const yearEnd = await runYearEnd();
    row('year_end', yearEnd.attempts, yearEnd.problems, Date.now() - started, `${yearEnd.printed} letters`);
    started = Date.now();
    const jumps = await runClockJumps();
    row(
      'clock_jumps',
      jumps.attempts,
      jumps.problems,
      Date.now() - started,
      `${jumps.refused_while_behind} refused while behind, ${jumps.printed} printed`,
    );

    started = Date.now();
    const month = await runMonth({
      days: opts.days,
      lettersPerDay: opts.lettersPerDay,
      seed: opts.seed,
      deadline: started + opts.budgetMs,
    });
    const monthMs = Date.now() - started;
    const monthProblems = [...month.problems];
    if (month.not_printed > 0)
      monthProblems.push(
        `${month.not_printed} sessions did not print: ${JSON.stringify(month.not_printed_screens)}`,
      );
    row(
      'month',
      month.days,
      monthProblems,
      monthMs,
      `${month.letters} letters in ${month.days} days${month.stopped_at_budget ? ' (stopped at budget)' : ''}`,
    );

    const flat = month.samples.filter((s) => s.day > WARM_UP_DAYS);
    const days = flat.map((s) => s.day);
    const heapSlope = slope(
      days,
      flat.map((s) => s.heap_used_mb),
    );
    const rssSlope = slope(
      days,
      flat.map((s) => s.rss_mb),
    );
    const fds = flat.map((s) => s.open_fds);
    const fdSlope = slope(days, fds);
    const memoryProblems: string[] = [];
    if (flat.length >= 2) {
      if (heapSlope > MAX_HEAP_MB_PER_DAY) memoryProblems.push(`heap grows ${heapSlope.toFixed(3)} MB/day`);
      if (rssSlope > MAX_RSS_MB_PER_DAY) memoryProblems.push(`RSS grows ${rssSlope.toFixed(3)} MB/day`);
      // A file the kiosk is writing in the background when the sample is taken (a checkpoint, an
      // outbox segment) is one more descriptor for a moment; a leak is a count that keeps rising.
      if (fdSlope > MAX_FDS_PER_DAY || Math.max(...fds) - Math.min(...fds) > MAX_FD_SPREAD)
        memoryProblems.push(`open fds ${Math.min(...fds)}–${Math.max(...fds)}, ${fdSlope.toFixed(3)} a day`);
    }
    row(
      'memory',
      flat.length,
      memoryProblems,
      0,
      `heap ${heapSlope.toFixed(3)} MB/day, RSS ${rssSlope.toFixed(3)} MB/day, fds ${fds[0] ?? '-'}…${fds.at(-1) ?? '-'}, ${fdSlope.toFixed(3)} a day`,
    );

    const first = month.samples[0];
    const last = month.samples.at(-1);
    const perLetter =
      first && last && last.letters > first.letters
        ? (last.disk_bytes.total - first.disk_bytes.total) / (last.letters - first.letters)
        : 0;
    const diskProblems =
      perLetter > MAX_DISK_BYTES_PER_LETTER ? [`${Math.round(perLetter)} bytes per letter`] : [];
    row('disk', month.letters, diskProblems, 0, `${Math.round(perLetter)} bytes per letter`);

    const startupProblems: string[] = [];
    const d1 = month.startup_day1;
    const dn = month.startup_last;
    if (d1 && dn) {
      const sinceCheckpoint = dn.register_lines - dn.checkpoint_lines;
      if (dn.replayed_lines > d1.replayed_lines + sinceCheckpoint)
        startupProblems.push(
          `replayed ${dn.replayed_lines} lines after ${month.days} days, ${d1.replayed_lines} after day 1 + ${sinceCheckpoint} since the checkpoint`,
        );
      if (dn.replayed_lines > CHECKPOINT_EVERY)
        startupProblems.push(
          `replayed ${dn.replayed_lines} of ${dn.register_lines} lines: the checkpoint was not used`,
        );
    }
    row(
      'startup_replay',
      dn?.register_lines ?? 0,
      startupProblems,
      0,
      dn && d1
        ? `day 1: ${d1.replayed_lines} lines replayed, day ${month.days}: ${dn.replayed_lines} of ${dn.register_lines}`
        : '',
    );

    const figures = {
      days_requested: opts.days,
      letters_per_day: opts.lettersPerDay,
      days: month.days,
      letters: month.letters,
      month_seconds: Math.round(monthMs / 1000),
      warm_up_days: WARM_UP_DAYS,
      heap_slope_mb_per_day: round(heapSlope, 4),
      rss_slope_mb_per_day: round(rssSlope, 4),
      open_fds_slope_per_day: round(fdSlope, 4),
      disk_bytes_per_letter: Math.round(perLetter),
      startup_day1: d1,
      startup_last: dn,
      samples: month.samples.map((s) => ({
        ...s,
        rss_mb: round(s.rss_mb, 1),
        heap_used_mb: round(s.heap_used_mb, 2),
      })),
      year_end: yearEnd,
      clock_jumps: jumps,
      ...(month.stopped_at_budget ? { stopped_at_budget: true } : {}),
    };
    return { figures, rows };
  } finally {
    if (previousTz === undefined) delete process.env.TZ;
    else process.env.TZ = previousTz;
  }
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

export const timeCampaign: Campaign = {
  name: 'time',
  run: ({ seed, budgetMs, runs = 30 }) => runTime({ days: runs, lettersPerDay: 500, seed, budgetMs }),
};
