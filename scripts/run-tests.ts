/**
 * The test runner behind `npm test`: uvu over tests/ (files named *.test.ts), in one process,
 * colour off so CI can read the summary. Unlike uvu's own bin it exits when the suite is done,
 * so a test that leaks a handle cannot hang CI; such a leak is reported instead of hidden.
 *
 *   npm test                         every test
 *   npm test -- tests/unit flow      tests under tests/unit whose path matches /flow/
 */
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const SUITE_LIMIT_MS = 40 * 60_000;

const [dir = 'tests', filter] = process.argv.slice(2);
const pattern = filter ? `${filter}.*\\.test\\.ts$` : '\\.test\\.ts$';
const ctx = await parse(dir, pattern, { ignore: ['support', 'snapshots', 'fixtures'] });
if (ctx.suites.length === 0) {
  console.error(`no test files match ${pattern} under ${dir}`);
  process.exit(1);
}

const guard = setTimeout(() => {
  console.error(`\ntest suite still running after ${SUITE_LIMIT_MS / 60_000} minutes: aborting`);
  console.log('\n  Total:     1\n  Passed:    0\n  Skipped:   0\n');
  process.exit(1);
}, SUITE_LIMIT_MS);
guard.unref();

await run(ctx.suites, { bail: false });
clearTimeout(guard);
// Let pending stdout writes drain, then leave even if a test leaked a handle.
setTimeout(() => process.exit(process.exitCode ?? 0), 200);
