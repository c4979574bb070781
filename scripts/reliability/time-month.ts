/**
 * The time campaign's month: `days` simulated days at `lettersPerDay` letters through the whole
 * in-process daemon on a fake clock (07:00–17:00 WIB, random gaps from the seed), measuring at
 * the end of each day, after a forced garbage collection:
 *
 *   - RSS, heap in use and open file descriptors (flat after warm-up: the slope is reported);
 *   - the data directory's size by part (register, letter archive, outbox, the rest);
 *
 * and, after day 1 and after the last day, a power cut: the data directory copied as it stands
 * (no clean stop, so no checkpoint on close) and a second daemon started on the copy, which
 * says how many register lines it replayed. The register is checked at the end (time-checks.ts).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FakeClock } from '../../src/flows/clock.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { seededRandom } from './seeded-random.ts';
import { checkRegister, countLines } from './time-checks.ts';
import { clearSimulatedPaper, completeCards, HOUR_MS, session, startTimeKiosk } from './time-kiosk.ts';

export interface DaySample {
  day: number;
  letters: number;
  rss_mb: number;
  heap_used_mb: number;
  open_fds: number;
  disk_bytes: { register: number; letters: number; outbox: number; other: number; total: number };
}

export interface StartupCount {
  /** Lines in register.jsonl when the power was cut. */
  register_lines: number;
  /** Lines the checkpoint on disk held (from the daemon: what it did not need to read). */
  checkpoint_lines: number;
  /** Lines the starting daemon read. */
  replayed_lines: number;
}

export interface MonthResult {
  days: number;
  letters: number;
  not_printed: number;
  /** The screens the sessions that did not print ended on. */
  not_printed_screens: Record<string, number>;
  samples: DaySample[];
  startup_day1: StartupCount | null;
  startup_last: StartupCount | null;
  problems: string[];
  stopped_at_budget: boolean;
}

/** 07:00 local (the process runs in WIB) of the day after `ms`. */
export function nextMorning(ms: number): number {
  const d = new Date(ms);
  d.setHours(24 + 7, 0, 0, 0);
  return d.getTime();
}

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function dirBytes(p: string): number {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((sum, f) => sum + dirBytes(path.join(p, f)), 0);
}

function sample(day: number, letters: number, dataDir: string): DaySample {
  gc();
  const mem = process.memoryUsage();
  const register = dirBytes(path.join(dataDir, 'register.jsonl'));
  const archive = dirBytes(path.join(dataDir, 'letters'));
  const outbox = dirBytes(path.join(dataDir, 'outbox'));
  // The simulated printer's paper is not the kiosk's storage (and is cleared every day).
  const total = dirBytes(dataDir) - dirBytes(path.join(dataDir, 'sim', 'prints'));
  return {
    day,
    letters,
    rss_mb: mem.rss / 2 ** 20,
    heap_used_mb: mem.heapUsed / 2 ** 20,
    open_fds: readdirSync('/proc/self/fd').length,
    disk_bytes: { register, letters: archive, outbox, other: total - register - archive - outbox, total },
  };
}

/** A power cut now: start a daemon on a copy of the data directory; what did it replay? */
async function startAfterPowerCut(dataDir: string, clock: FakeClock): Promise<StartupCount> {
  const copy = mkdtempSync(path.join(tmpdir(), 'anj-time-cut-'));
  try {
    cpSync(dataDir, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}prints`) });
    const registerLines = countLines(path.join(copy, 'register.jsonl'));
    const daemon = await startTimeKiosk(copy, new FakeClock(clock.now()));
    const { replayedLines, checkpointLines } = daemon.register.startup;
    await daemon.stop();
    return {
      register_lines: registerLines,
      checkpoint_lines: checkpointLines,
      replayed_lines: replayedLines,
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export async function runMonth(opts: {
  days: number;
  lettersPerDay: number;
  seed: number;
  deadline: number;
}): Promise<MonthResult> {
  const random = seededRandom(opts.seed);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-time-'));
  const clock = new FakeClock(nextMorning(Date.now()));
  const daemon = await startTimeKiosk(dataDir, clock);
  let stopped = false;
  const cards = completeCards(daemon);
  const result: MonthResult = {
    days: 0,
    letters: 0,
    not_printed: 0,
    not_printed_screens: {},
    samples: [],
    startup_day1: null,
    startup_last: null,
    problems: [],
    stopped_at_budget: false,
  };
  try {
    // Working hours 07:00–17:00: the mean gap spreads the day's letters over them.
    const meanGap = (10 * HOUR_MS) / opts.lettersPerDay;
    for (let day = 1; day <= opts.days; day++) {
      if (Date.now() > opts.deadline) {
        result.stopped_at_budget = true;
        break;
      }
      const morning = clock.now();
      // The caretaker puts in a new roll every morning: the simulated roll (1,000,000 lines, as
      // the first run of this campaign found) ends after about 11,600 letters.
      daemon.adapters.sim.printer?.loadPaper();
      for (let i = 0; i < opts.lettersPerDay; i++) {
        clock.advance(Math.floor(meanGap * 2 * random()));
        const card = cards[Math.floor(random() * cards.length)] as Buffer;
        const ended = await session(daemon, clock, card, Math.floor(random() * 3));
        if (ended === 'done') result.letters++;
        else {
          result.not_printed++;
          result.not_printed_screens[ended] = (result.not_printed_screens[ended] ?? 0) + 1;
        }
      }
      result.days = day;
      clearSimulatedPaper(dataDir);
      result.samples.push(sample(day, result.letters, dataDir));
      if (day === 1) result.startup_day1 = await startAfterPowerCut(dataDir, clock);
      clock.advance(Math.max(0, nextMorning(morning) - clock.now()));
    }
    if (result.days > 0) result.startup_last = await startAfterPowerCut(dataDir, clock);
    await daemon.stop();
    stopped = true;
    // The register as the next start reads it: every promise checked over the whole month.
    const reg = await LetterRegister.open(dataDir, {
      numbering: daemon.config.letters.numbering,
      villageCode: daemon.config.village.code,
      logger: silentLogger(),
      readOnly: true,
    });
    const verdict = checkRegister(reg.list(), daemon.config.letters.numbering.counter === 'shared');
    await reg.close();
    result.problems.push(...verdict.problems.slice(0, 20));
    if (verdict.letters !== result.letters + result.not_printed && result.not_printed === 0)
      result.problems.push(`${result.letters} letters printed, ${verdict.letters} in the register`);
  } finally {
    if (!stopped) await daemon.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}
