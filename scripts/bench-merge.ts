/**
 * Re-measuring one part of the benchmark without running all of it: merges a script's figures
 * into the results file (docs/bench-results.json), replacing only the keys it measured, and
 * records how and where they were taken in `<section>_note`. The other sections' figures, and
 * the file's machine, stay as they were.
 *
 *   BENCH_MERGE=docs/bench-results.json node --import tsx scripts/bench-frame.ts
 *   BENCH_MERGE=docs/bench-results.json BENCH_PI=1 ../shared/tools/pi-budget -- node --import tsx scripts/bench-touch.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { machineInfo } from './bench-stats.ts';

/** `_pi` when run under pi-budget (BENCH_PI=1): the suffix of Pi-class figures' keys. */
export function piSuffix(): string {
  return process.env.BENCH_PI === '1' ? '_pi' : '';
}

/** Merges `figures` into section `section` of the results file named by BENCH_MERGE, if set. */
export function mergeFigures(section: string, figures: Record<string, number>): void {
  const file = process.env.BENCH_MERGE;
  if (!file) return;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    results: Record<string, Record<string, number>>;
    [note: string]: unknown;
  };
  doc.results[section] = { ...doc.results[section], ...figures };
  const m = machineInfo();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const how = `${process.argv
    .slice(1)
    .join(' ')
    .replace(/^.*?scripts\//, 'scripts/')}${piSuffix() ? ' under ../shared/tools/pi-budget' : ''}`;
  const line = `${m.date.slice(0, 16).replace('T', ' ')} UTC, ${how}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${load} (1/5/15 min) at the end`;
  const key = `${section}${piSuffix()}_note`;
  doc[key] = line;
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.error(`figures merged into ${file} (results.${section}; ${key})`);
}
