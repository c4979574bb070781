/**
 * The time campaign's calendar scenarios, each on a fresh in-process daemon and fake clock:
 *
 *   year end   letters at 23:59:59.999 WIB on 31 December carry the old year; the letter at
 *              00:00:00.000 on 1 January is 001 of the new year (and a letter at 17:00 UTC on
 *              31 December, which is already the new year in the village, is too);
 *   clock jumps the clock set back one hour, one day and one year, and forward one year: while
 *              it is behind the newest letter the kiosk prints nothing (it refuses, then goes out
 *              of service, also across a restart); once it is right again it prints, and no
 *              letter in the register is ever dated before one already there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../src/flows/clock.ts';
import type { Daemon } from '../../src/main.ts';
import { checkRegister } from './time-checks.ts';
import { completeCards, DAY_MS, HOUR_MS, session, startTimeKiosk } from './time-kiosk.ts';
import { nextMorning } from './time-month.ts';

export interface CalendarResult {
  /** Sessions tried. */
  attempts: number;
  /** Letters printed. */
  printed: number;
  /** Sessions refused while the clock was behind the register (expected: all of them). */
  refused_while_behind: number;
  problems: string[];
}

/** A fresh kiosk on a fake clock at `start`; `body` drives it; the register is checked after. */
async function withKiosk(
  start: number,
  body: (k: {
    daemon: Daemon;
    clock: FakeClock;
    r: CalendarResult;
    letter(): Promise<string>;
  }) => Promise<void>,
): Promise<CalendarResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-time-cal-'));
  const clock = new FakeClock(start);
  const r: CalendarResult = { attempts: 0, printed: 0, refused_while_behind: 0, problems: [] };
  let daemon = await startTimeKiosk(dataDir, clock);
  const card = completeCards(daemon)[0] as Buffer;
  const letter = async () => {
    r.attempts++;
    const ended = await session(daemon, clock, card, 0);
    if (ended === 'done') r.printed++;
    return ended;
  };
  const k = {
    get daemon() {
      return daemon;
    },
    set daemon(d: Daemon) {
      daemon = d;
    },
    clock,
    r,
    letter,
  };
  try {
    await body(k);
    r.problems.push(...checkRegister(daemon.register.list()).problems);
    const inRegister = daemon.register.list().length;
    if (inRegister !== r.printed)
      r.problems.push(`${r.printed} letters printed, ${inRegister} in the register`);
  } finally {
    await daemon.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return r;
}

/**
 * Waits (on the event loop, not on the fake clock) until `check` holds, at most 10 s of real
 * time: a verdict that never comes is then reported by the letter that follows.
 */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** 31 December 23:59:59.999 WIB of the year of `ms` (the process runs in WIB). */
function lastMsOfYear(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear() + 1, 0, 1, 0, 0, 0, 0).getTime() - 1;
}

export function runYearEnd(): Promise<CalendarResult> {
  const end = lastMsOfYear(Date.now());
  return withKiosk(end - 10 * 60_000, async ({ daemon, clock, r, letter }) => {
    const expect = async (year: number, seq: number | null, what: string) => {
      const ended = await letter();
      const last = daemon.register.list().at(-1);
      if (ended !== 'done' || !last) return void r.problems.push(`${what}: no letter (${ended})`);
      if (last.year !== year || (seq !== null && last.seq !== seq))
        r.problems.push(
          `${what}: ${last.number} (year ${last.year}, seq ${last.seq}), expected ${year}/${seq ?? 'any'}`,
        );
    };
    const oldYear = new Date(end).getFullYear();
    await expect(oldYear, 1, 'ten minutes before midnight');
    // 17:00 UTC is midnight in WIB: a kiosk counting in UTC would still say the old year here.
    clock.advance(end - 60_000 - clock.now());
    await expect(oldYear, 2, 'one minute before midnight');
    clock.advance(end - clock.now());
    await expect(oldYear, 3, '23:59:59.999 WIB');
    clock.advance(1);
    await expect(oldYear + 1, 1, '00:00:00.000 WIB on 1 January');
    clock.advance(HOUR_MS);
    await expect(oldYear + 1, 2, '01:00 WIB on 1 January');
  });
}

export function runClockJumps(): Promise<CalendarResult> {
  const jumps: [string, number][] = [
    ['one hour back', -HOUR_MS],
    ['one day back', -DAY_MS],
    ['one year back', -365 * DAY_MS],
  ];
  return withKiosk(nextMorning(Date.now()) + 3 * HOUR_MS, async (k) => {
    const { clock, r } = k;
    /** The guard's poll falls due; its check is asynchronous: wait until its verdict is `trusted`. */
    const guardPoll = async (trusted: boolean) => {
      clock.advance(k.daemon.config.clock.check_interval_s * 1000 + 1);
      await until(() => k.daemon.runner.state.health.clock_trusted === trusted);
    };
    /** While the clock is behind the register: a letter now, after the guard looked, and after a restart. */
    const tryBehind = async (what: string) => {
      for (const moment of ['before the guard looks', 'after the guard looked', 'after a restart']) {
        if (moment === 'after the guard looked') await guardPoll(false);
        if (moment === 'after a restart') {
          await k.daemon.stop();
          k.daemon = await startTimeKiosk(k.daemon.config.data_dir, clock);
        }
        const ended = await k.letter();
        if (ended === 'done') r.problems.push(`${what}, ${moment}: a letter printed`);
        else r.refused_while_behind++;
      }
      if (k.daemon.runner.state.screen.name !== 'out_of_service')
        r.problems.push(`${what}: not out of service (${k.daemon.runner.state.screen.name})`);
    };
    const printsNow = async (what: string) => {
      await guardPoll(true);
      const ended = await k.letter();
      if (ended !== 'done') r.problems.push(`${what}: no letter once the clock was right (${ended})`);
    };
    await printsNow('first letter');
    for (const [what, by] of jumps) {
      const right = clock.now();
      clock.set(right + by);
      await tryBehind(what);
      clock.set(right + 60_000);
      await printsNow(`${what}, clock set right`);
    }
    // Forward a year (a wrong time server): the kiosk cannot know, and prints. When the clock is
    // put right it is behind that letter, so nothing prints until time catches up with it.
    const right = clock.now();
    clock.set(right + 365 * DAY_MS);
    await printsNow('one year forward');
    clock.set(right + 60_000);
    await tryBehind('one year forward, then set right');
    clock.set(right + 365 * DAY_MS + HOUR_MS);
    await printsNow('one year forward, then time caught up');
  });
}
