/**
 * The disk-full campaign (issue 9 §6): the kiosk's data directory on a real tmpfs of a few MB,
 * started through startDaemon as `anjungan run --config` does, filled again and again:
 *
 *   below   fill to under storage.min_free_mb: out of service (storage_full) BEFORE a number is
 *           taken, a tap starts nothing; free the space: back by itself; the next letter prints
 *           with the next number
 *   race    (min_free_mb 0, so the disk itself refuses, as when a write races the threshold) fill
 *           it completely at the confirm screen and press ok: the letter ends failed, nothing is
 *           printed, the register reads whole; free the space: back by itself, the next number
 *
 * After every round: every register entry written before is still there, unchanged; no number
 * twice; the outbox dropped no event (telemetry goes first). `--runs` rounds (default 100), half
 * of each kind, in an order drawn from the seed.
 */
import { existsSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import type { Campaign, CampaignRow } from './campaign.ts';
import { seededRandom } from './seeded-random.ts';
import { mountSmallDisk } from './small-disk.ts';
import { leave, provisionResidents, session, startKioskOn, until } from './torn-baseline.ts';

type Kind = 'below' | 'race';
type Daemon = Awaited<ReturnType<typeof startKioskOn>>;

export interface DiskFigures {
  rounds: Record<Kind, number>;
  failures: Record<Kind, number>;
  examples: string[];
  letters_printed: number;
  letters_refused_before_number: number;
  letters_failed_by_full_disk: number;
  /** Race rounds where the "full" disk still took every write: the letter printed, whole. */
  letters_printed_on_full_disk: number;
  stopped_at_budget: boolean;
  skipped?: string;
}

const MIN_FREE_MB = 3;

export async function runDisk(opts: {
  seed: number;
  budgetMs: number;
  rounds: number;
}): Promise<DiskFigures> {
  const fig: DiskFigures = {
    rounds: { below: 0, race: 0 },
    failures: { below: 0, race: 0 },
    examples: [],
    letters_printed: 0,
    letters_refused_before_number: 0,
    letters_failed_by_full_disk: 0,
    letters_printed_on_full_disk: 0,
    stopped_at_budget: false,
  };
  const deadline = Date.now() + opts.budgetMs;
  const random = seededRandom(opts.seed);
  const kinds: Kind[] = Array.from({ length: opts.rounds }, (_, i) => (i % 2 === 0 ? 'below' : 'race'));
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  for (const kind of ['below', 'race'] as Kind[]) {
    const disk = mountSmallDisk(24);
    if (typeof disk === 'string') return { ...fig, skipped: disk };
    const fail = (what: string) => {
      fig.failures[kind]++;
      if (fig.examples.length < 5) fig.examples.push(`${kind}: ${what}`);
    };
    try {
      await provisionResidents(disk.dir);
      const storage = { min_free_mb: kind === 'below' ? MIN_FREE_MB : 0, check_interval_s: 1 };
      const daemon = await startKioskOn(disk.dir, undefined, {
        storage,
        // Many letters for two residents in a day; message screens that do not hold the rounds up.
        limits: { daily_per_type: 1_000_000 },
        timeouts: { message_s: 1, done_s: 1 },
      });
      try {
        for (const _ of kinds.filter((k) => k === kind)) {
          if (Date.now() > deadline) {
            fig.stopped_at_budget = true;
            break;
          }
          const before = daemon.register.list();
          const problem =
            kind === 'below' ? await belowRound(daemon, disk, fig) : await raceRound(daemon, disk, fig);
          if (problem) fail(problem);
          const after = daemon.register.list();
          for (const [i, e] of before.entries()) {
            const now = after[i];
            if (!now || now.number !== e.number || now.seq !== e.seq)
              fail(`entry ${e.number} lost or changed`);
          }
          if (new Set(after.map((e) => e.number)).size !== after.length) fail('a number given twice');
          fig.rounds[kind]++;
        }
        const events = daemon.status();
        if (events.out_of_service.length > 0) fail(`still out of service: ${events.out_of_service}`);
      } finally {
        await daemon.stop();
      }
    } catch (err) {
      fail(`crash: ${(err as Error).message}`);
    } finally {
      disk.unmount();
    }
  }
  return fig;
}

/** Below the threshold: out of service before any number; back by itself; the next number. */
async function belowRound(
  daemon: Daemon,
  disk: { fill(): string },
  fig: DiskFigures,
): Promise<string | null> {
  const count = daemon.register.size();
  const filler = disk.fill();
  truncateSync(filler, Math.max(0, statSync(filler).size - (MIN_FREE_MB - 1) * 2 ** 20));
  await until(() => daemon.status().out_of_service.includes('storage_full'));
  daemon.adapters.sim.reader!.tap(Buffer.from('04A1B2C3D4E5F6', 'hex'));
  await daemon.runner.idle();
  const screen = daemon.runner.state.screen.name;
  daemon.adapters.sim.reader!.remove();
  if (screen !== 'out_of_service') return `a tap below the threshold showed ${screen}`;
  if (daemon.register.size() !== count) return 'a number was taken below the threshold';
  fig.letters_refused_before_number++;
  rmSync(filler);
  await until(() => daemon.runner.state.screen.name === 'idle');
  return printNext(daemon, fig);
}

/** The disk refuses a write the threshold did not foresee: failed, never printed, never torn. */
async function raceRound(daemon: Daemon, disk: { fill(): string }, fig: DiskFigures): Promise<string | null> {
  const printedBefore = daemon.register.list().filter((e) => e.status === 'printed').length;
  await session(daemon, 0, 'confirm');
  const filler = disk.fill();
  daemon.adapters.sim.buttons!.press('ok');
  await until(() => ['print_failed', 'done', 'out_of_service'].includes(daemon.runner.state.screen.name));
  const screen = daemon.runner.state.screen;
  const torn = await registerOnDiskProblem(daemon);
  if (torn) return torn;
  if (screen.name === 'done') {
    // The disk found room after all (a filesystem's free-space accounting is not exact to the
    // page): then everything the letter needed was written, its copy included.
    const last = daemon.register.list().at(-1)!;
    if (
      last.status !== 'printed' ||
      !existsSync(path.join(daemon.config.data_dir, 'letters', `${last.id}.json`))
    )
      return `letter ${last.number} printed without its record on a full disk`;
    fig.letters_printed_on_full_disk++;
    rmSync(filler);
    await leave(daemon);
    return printNext(daemon, fig);
  }
  if (screen.name !== 'print_failed') return `a full disk ended the letter on ${screen.name}`;
  fig.letters_failed_by_full_disk++;
  if (daemon.register.list().filter((e) => e.status === 'printed').length !== printedBefore)
    return 'a letter counted as printed on a full disk';
  await until(() => daemon.status().out_of_service.includes('storage_full'));
  rmSync(filler);
  daemon.adapters.sim.reader!.remove();
  await until(() => daemon.runner.state.screen.name === 'idle');
  return printNext(daemon, fig);
}

/** The register as the next start would read it: null when it reads whole. */
async function registerOnDiskProblem(daemon: Daemon): Promise<string | null> {
  try {
    const reg = await LetterRegister.open(daemon.config.data_dir, {
      numbering: daemon.config.letters.numbering,
      villageCode: daemon.config.village.code,
      logger: silentLogger(),
      readOnly: true,
    });
    const n = reg.size();
    await reg.close();
    return n === daemon.register.size()
      ? null
      : `the register file holds ${n} entries, the kiosk ${daemon.register.size()}`;
  } catch (err) {
    return `the register does not read whole: ${(err as Error).message}`;
  }
}

async function printNext(daemon: Daemon, fig: DiskFigures): Promise<string | null> {
  const max = Math.max(0, ...daemon.register.list().map((e) => e.seq));
  await session(daemon, 1);
  await leave(daemon);
  const last = daemon.register.list().at(-1);
  if (last?.status !== 'printed') return 'the letter after space returned did not print';
  fig.letters_printed++;
  return last.seq === max + 1 ? null : `the next letter took seq ${last.seq}, not ${max + 1}`;
}

export const diskCampaign: Campaign = {
  name: 'disk',
  async run({ seed, budgetMs, runs = 100 }) {
    const t0 = Date.now();
    const r = await runDisk({ seed, budgetMs, rounds: runs });
    for (const e of r.examples) console.error(`disk: ${e}`);
    const rows: CampaignRow[] = (['below', 'race'] as Kind[]).map((kind) => ({
      campaign: 'disk',
      target: kind === 'below' ? 'below min_free_mb' : 'ENOSPC race',
      inputs: r.rounds[kind],
      failures: r.failures[kind],
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      note: r.skipped ?? (r.stopped_at_budget ? 'stopped at budget' : ''),
    }));
    return { figures: { ...r }, rows };
  },
};
