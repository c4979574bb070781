/**
 * The crash campaign's small version (issue 9 §1): 20 SIGKILLs of the built kiosk over the
 * campaign's scenarios, every invariant checked after each clean restart (`npm run reliability
 * -- crash` runs 1,000). Needs `npm run build` and Mosquitto; rerun one with ANJUNGAN_SEED=<seed>.
 */
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCrash } from '../../scripts/reliability/campaign-crash.ts';
import { ROOT } from '../support/daemon-process.ts';
import { mosquittoAvailable } from '../support/mosquitto.ts';

const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));

function builtKioskAvailable(): boolean {
  if (existsSync(`${ROOT}/dist/cli.js`)) return true;
  if (process.env.CI === 'true') throw new Error('dist/cli.js is missing: CI builds before npm test');
  console.warn('SKIP: the crash campaign runs the built kiosk: npm run build first');
  return false;
}

test('crash: 20 SIGKILLs at random moments lose no number, no letter, no resident file and no event', async () => {
  if (!mosquittoAvailable() || !builtKioskAvailable()) return;
  console.log(`  crash campaign: seed ${seed}`);
  const { counts, stoppedAtBudget } = await runCrash({
    seed,
    budgetMs: 600_000,
    kills: 20,
    lanes: 1,
    importRows: 5000,
    outboxEvents: 500,
  });
  assert.equal(counts.violations, [], `seed ${seed}`);
  assert.not.ok(stoppedAtBudget, 'all 20 kills within the budget');
  assert.ok(counts.kills >= 20, `${counts.kills} kills`);
  assert.is(counts.events_lost, 0);
});

test.run();
