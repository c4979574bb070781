/**
 * The garbage campaign's small version (issue 9 §3): each target's property over a few hundred
 * generated inputs from a printed seed (`npm run reliability -- garbage` runs 10,000 each).
 * Rerun a failure with ANJUNGAN_SEED=<seed> npm test -- tests/unit garbage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GARBAGE_TARGETS, runGarbage } from '../../scripts/reliability/campaign-garbage.ts';

const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`  garbage properties: seed ${seed}`);

for (const target of Object.keys(GARBAGE_TARGETS)) {
  test(`garbage: ${target} keeps its promises over 300 generated inputs`, async () => {
    const r = (await runGarbage({ runs: 300, seed, budgetMs: 120_000, targets: [target] }))[target];
    assert.ok(r);
    assert.is(r.failures, 0, r.counterexample);
    assert.is(r.runs, 300, 'every input was tried');
  });
}

test.run();
