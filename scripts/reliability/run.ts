/**
 * `npm run reliability [-- <campaign>…] [--seed N] [--budget-s S] [--runs N]`: the campaigns
 * that turn the kiosk's promises into figures (docs/reliability.md). Prints one table and writes
 * each campaign's figures, with the machine, seed and duration of its run, into
 * docs/reliability-results.json, keeping the figures of campaigns not run this time. Not part
 * of `npm test` (it takes long); each campaign's small version is in the test suite.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineInfo } from '../bench-stats.ts';
import type { CampaignRow } from './campaign.ts';
import { CAMPAIGNS } from './campaigns.ts';

const RESULTS = 'docs/reliability-results.json';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string' }, 'budget-s': { type: 'string' }, runs: { type: 'string' } },
});
const names = CAMPAIGNS.map((c) => c.name);
for (const p of positionals)
  if (!names.includes(p)) {
    console.error(`unknown campaign ${p}; campaigns: ${names.join(', ')}`);
    process.exit(2);
  }
const chosen = positionals.length ? CAMPAIGNS.filter((c) => positionals.includes(c.name)) : CAMPAIGNS;
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const budgetMs = Number(values['budget-s'] ?? 1800) * 1000;
const runs = values.runs ? Number(values.runs) : undefined;
console.log(
  `reliability: seed ${seed} (rerun with --seed ${seed}), budget ${budgetMs / 1000} s per campaign`,
);

const machine = machineInfo();
const saved = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
const campaigns: Record<string, unknown> = { ...(saved.campaigns ?? {}) };
const rows: CampaignRow[] = [];
const started = Date.now();
for (const campaign of chosen) {
  const t0 = Date.now();
  const r = await campaign.run({ seed, budgetMs, runs });
  const seconds = Math.round((Date.now() - t0) / 1000);
  campaigns[campaign.name] = { machine, seed, seconds, ...r.figures };
  rows.push(...r.rows);
  writeFileSync(RESULTS, `${JSON.stringify({ campaigns }, null, 2)}\n`);
}

console.table(rows);
const totalS = Math.round((Date.now() - started) / 1000);
console.log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GiB, Node ${machine.node}; ${totalS} s`,
);
console.log(`figures written to ${RESULTS}`);
process.exit(rows.some((r) => r.failures > 0) ? 1 : 0);
