/**
 * `npm run bench`: every benchmark of the project, one table, figures written to
 * bench-results.json with the machine they were measured on. Not a test: nothing here passes or
 * fails, the figures are compared with the goals by a person (README, "Figures").
 *
 *   npm run bench                 all sections
 *   npm run bench -- store fleet  only those sections (import: residents import and reconcile)
 */
import { writeFileSync } from 'node:fs';
import { machineInfo } from './bench-stats.ts';

type Figures = Record<string, number>;

const SECTIONS: Record<string, { goal: string; run: () => Promise<Figures> }> = {
  store: {
    goal: 'letter_cost_ratio ≤ 1.5 (100k letters in the register vs none); card lookup; RSS',
    run: async () => (await import('./bench-store.ts')).benchStore(),
  },
  daemon: {
    goal: 'start_to_ready ≤ 1000 ms; ok_to_printer_p99 ≤ 100 ms; tap_to_greeting_p99 ≤ 50 ms; RSS ≤ 120 MB',
    run: async () => (await import('./bench-daemon.ts')).benchDaemon(),
  },
  frame: {
    goal: 'card tap → greeting frame written, 480×320 and 800×480; Pi-class budget (BENCH_PI=1 under pi-budget) at 800×480: p50 ≤ 50 ms, p99 ≤ 150 ms',
    run: async () => (await import('./bench-frame.ts')).benchFrame(),
  },
  display: {
    goal: 'render + convert median ≤ 10 ms at 480×320',
    run: async () => (await import('./bench-display.ts')).benchDisplay(),
  },
  import: {
    goal: 'residents import of 100,000 rows ≤ 10 s in every format (SIAK .xls too); reconcile of a 100,000-row pair',
    run: async () => (await import('./bench-import.ts')).benchImport(),
  },
  verify: {
    goal: 'verification page: one small file; open → verdict in Chromium well under a second',
    run: async () => (await import('./bench-verify.ts')).benchVerify(),
  },
  pdf: {
    goal: 'A4 letter PDF render well under a second, also on a Pi-class budget (scripts/bench-pdf.ts under pi-budget)',
    run: async () => (await import('./bench-pdf.ts')).benchPdf(),
  },
  touch: {
    goal: 'tap → greeting frame written and touch → frame written at 800×480: p50 ≤ 50 ms, p99 ≤ 150 ms on the Pi-class budget',
    run: async () => (await import('./bench-touch.ts')).benchTouch(),
  },
  fleet: {
    goal: '2,435 kiosks: time until all seen online, K killed seen offline, msg/s, monitor memory',
    run: async () => (await import('./bench-fleet.ts')).benchFleet({}),
  },
  dashboard: {
    goal: '2,435 kiosks, 30 days seeded: first rows + total ≤ 2000 ms; state change → page p95 ≤ 1000 ms; RSS ≤ 250 MB; CPU ≤ 10 %',
    run: async () => (await import('./bench-dashboard.ts')).benchDashboard(),
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = wanted.length > 0 ? wanted : Object.keys(SECTIONS);
const results: Record<string, Figures | { error: string }> = {};
const rows: { section: string; figure: string; value: number | string }[] = [];

for (const name of chosen) {
  const section = SECTIONS[name];
  if (!section) {
    console.error(`unknown section '${name}' (${Object.keys(SECTIONS).join(', ')})`);
    process.exit(2);
  }
  console.error(`bench: ${name} (goal: ${section.goal})`);
  try {
    const figures = await section.run();
    results[name] = figures;
    for (const [figure, value] of Object.entries(figures)) rows.push({ section: name, figure, value });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results[name] = { error: message };
    rows.push({ section: name, figure: 'error', value: message });
  }
}

const machine = machineInfo();
console.table(rows);
console.log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GiB, Node ${machine.node}`,
);
writeFileSync('bench-results.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);
console.log('figures written to bench-results.json');
process.exit(0);
