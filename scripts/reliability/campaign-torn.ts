/**
 * The torn-write campaign (issue 9 §2): for each durable file, cut it at EVERY byte offset of its
 * last write, and flip random bits in it (`--runs` flips per file, default 100, from the seed);
 * then start the kiosk and judge the outcome (torn-case.ts). Stops at the wall-clock budget and
 * says how far it got.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Campaign, CampaignRow } from './campaign.ts';
import { seededRandom } from './seeded-random.ts';
import { buildBaseline, type TornTarget } from './torn-baseline.ts';
import { type Damage, FAILURES, runTornCase, type TornOutcome } from './torn-case.ts';

export interface TornOptions {
  seed: number;
  budgetMs: number;
  /** Random bit flips per file. */
  flips: number;
  /** Cut offsets per file: all of them (null), or this many spread evenly (the small version). */
  cuts: number | null;
  /** Print each failing case as it happens. */
  log?: (line: string) => void;
}

export interface TargetFigures {
  file: string;
  last_write_bytes: number;
  cases: number;
  outcomes: Partial<Record<TornOutcome, number>>;
  failures: number;
  /** The first few failing cases, to rerun. */
  examples: string[];
  ms: number;
}

export async function runTorn(opts: TornOptions): Promise<{
  targets: Record<string, TargetFigures>;
  stopped_at_budget: boolean;
}> {
  const deadline = Date.now() + opts.budgetMs;
  const baseline = await buildBaseline();
  const caseDir = path.join(path.dirname(baseline.dirs.printed), 'case');
  const random = seededRandom(opts.seed);
  const targets: Record<string, TargetFigures> = {};
  let stopped = false;
  try {
    for (const target of baseline.targets) {
      const started = Date.now();
      const fig: TargetFigures = {
        file: target.file,
        last_write_bytes: target.end - target.start,
        cases: 0,
        outcomes: {},
        failures: 0,
        examples: [],
        ms: 0,
      };
      targets[target.name] = fig;
      for (const damage of damages(target, opts, random)) {
        if (Date.now() > deadline) {
          stopped = true;
          break;
        }
        const r = await runTornCase(baseline, target, damage, caseDir);
        fig.cases++;
        fig.outcomes[r.outcome] = (fig.outcomes[r.outcome] ?? 0) + 1;
        if (FAILURES.has(r.outcome)) {
          fig.failures++;
          const what = `${target.name} ${describe(damage)}: ${r.outcome} ${r.detail}`;
          if (fig.examples.length < 5) fig.examples.push(what);
          opts.log?.(what);
        }
      }
      fig.ms = Date.now() - started;
      if (stopped) break;
    }
  } finally {
    rmSync(path.dirname(caseDir), { recursive: true, force: true });
  }
  return { targets, stopped_at_budget: stopped };
}

function* damages(target: TornTarget, opts: TornOptions, random: () => number): Generator<Damage> {
  const len = target.end - target.start;
  const every = opts.cuts === null || opts.cuts >= len;
  const cuts = every ? len : opts.cuts!;
  for (let i = 0; i < cuts; i++) yield { kind: 'cut', keep: every ? i : Math.floor((i * len) / cuts) };
  for (let i = 0; i < opts.flips; i++) {
    // Within the last write for appends (what a bad write or sector would hit), anywhere otherwise.
    yield { kind: 'flip', byte: target.start + Math.floor(random() * len), bit: Math.floor(random() * 8) };
  }
}

function describe(d: Damage): string {
  return d.kind === 'cut'
    ? `cut keeping ${d.keep} bytes of the last write`
    : `bit ${d.bit} of byte ${d.byte} flipped`;
}

export const tornCampaign: Campaign = {
  name: 'torn',
  async run({ seed, budgetMs, runs = 100 }) {
    const r = await runTorn({
      seed,
      budgetMs,
      flips: runs,
      cuts: null,
      log: (l) => console.error(`torn: ${l}`),
    });
    const rows: CampaignRow[] = Object.entries(r.targets).map(([name, t]) => ({
      campaign: 'torn',
      target: name,
      inputs: t.cases,
      failures: t.failures,
      seconds: Math.round(t.ms / 100) / 10,
      note: Object.entries(t.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    }));
    if (r.stopped_at_budget)
      rows.push({
        campaign: 'torn',
        target: '(budget)',
        inputs: 0,
        failures: 0,
        seconds: 0,
        note: 'stopped at budget',
      });
    const cases = Object.values(r.targets).reduce((n, t) => n + t.cases, 0);
    return { figures: { flips_per_file: runs, cases, ...r }, rows };
  },
};
