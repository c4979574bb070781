/**
 * `npm run reliability [-- <campaign>…] [--seed N] [--budget-s S]`: the campaigns that turn the
 * kiosk's promises into figures (docs/reliability.md). Prints one table and writes
 * docs/reliability-results.json with the machine. Not part of `npm test` (it takes long); each
 * campaign's small version is in the test suite.
 *
 * Campaigns so far: garbage (property-based, 10,000 inputs per target).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineInfo } from '../bench-stats.ts';
import { GARBAGE_TARGETS, runGarbage } from './campaign-garbage.ts';

const CAMPAIGNS = ['garbage'] as const;
type Campaign = (typeof CAMPAIGNS)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string' }, 'budget-s': { type: 'string' }, runs: { type: 'string' } },
});
for (const p of positionals)
  if (!(CAMPAIGNS as readonly string[]).includes(p)) {
    console.error(`unknown campaign ${p}; campaigns: ${CAMPAIGNS.join(', ')}`);
    process.exit(2);
  }
const chosen = (positionals.length ? positionals : CAMPAIGNS) as Campaign[];
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const budgetMs = Number(values['budget-s'] ?? 1800) * 1000;
const runs = Number(values.runs ?? 10_000);
console.log(
  `reliability: seed ${seed} (rerun with --seed ${seed}), budget ${budgetMs / 1000} s per campaign`,
);

const results: Record<string, unknown> = {};
const rows: {
  campaign: string;
  target: string;
  inputs: number;
  failures: number;
  seconds: number;
  note: string;
}[] = [];
const started = Date.now();
for (const campaign of chosen) {
  if (campaign === 'garbage') {
    const r = runGarbage({ runs, seed, budgetMs, targets: Object.keys(GARBAGE_TARGETS) });
    results.garbage = { runs_per_target: runs, targets: r };
    for (const [target, t] of Object.entries(r)) {
      rows.push({
        campaign,
        target,
        inputs: t.runs,
        failures: t.failures,
        seconds: Math.round(t.ms / 100) / 10,
        note: t.stopped_at_budget ? 'stopped at budget' : (t.counterexample?.split('\n')[1] ?? ''),
      });
      if (t.counterexample) console.error(`\n${campaign}/${target} FAILED:\n${t.counterexample}\n`);
    }
  }
}

const machine = machineInfo();
console.table(rows);
const totalS = Math.round((Date.now() - started) / 1000);
console.log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GiB, Node ${machine.node}; ${totalS} s`,
);
writeFileSync(
  'docs/reliability-results.json',
  `${JSON.stringify({ machine, seed, total_s: totalS, campaigns: results }, null, 2)}\n`,
);
console.log('figures written to docs/reliability-results.json');
process.exit(rows.some((r) => r.failures > 0) ? 1 : 0);
