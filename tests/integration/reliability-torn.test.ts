/**
 * The torn-write campaign's small version (docs/reliability.md): every durable file cut at a
 * few offsets of its last write and a few bits flipped, then the kiosk started through
 * startDaemon. Every case must end recovered (naming the file) or out of service (naming it).
 * The seed is printed; ANJUNGAN_SEED=<seed> reruns one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTorn } from '../../scripts/reliability/campaign-torn.ts';

test('torn writes: every durable file, cut and bit-flipped, ends recovered or out of service, naming the file', async () => {
  const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`  torn campaign seed ${seed} (rerun with ANJUNGAN_SEED=${seed})`);
  const failures: string[] = [];
  const r = await runTorn({ seed, budgetMs: 10 * 60_000, flips: 4, cuts: 6, log: (l) => failures.push(l) });
  assert.not.ok(r.stopped_at_budget);
  const names = Object.keys(r.targets);
  for (const file of [
    'register.jsonl',
    'register.checkpoint',
    'residents.json',
    'residents.json.bak',
    'uid-hmac.key',
  ])
    assert.ok(
      Object.values(r.targets).some((t) => t.file.endsWith(file)),
      `${file} is among the targets: ${names}`,
    );
  assert.ok(Object.values(r.targets).some((t) => t.file.startsWith('outbox/')));
  for (const [name, t] of Object.entries(r.targets)) assert.is(t.cases, 10, name);
  assert.equal(failures, []);
});

test.run();
