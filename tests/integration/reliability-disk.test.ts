/**
 * The disk-full campaign's small version (docs/reliability.md): four rounds on a real tmpfs, two
 * below storage.min_free_mb and two where the disk itself refuses a write. Skips where no tmpfs
 * can be mounted, except under CI=true. ANJUNGAN_SEED=<seed> reruns one order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runDisk } from '../../scripts/reliability/campaign-disk.ts';

test('disk full: out of service before a number, failed never torn, back by itself, no number lost or reused', async () => {
  const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`  disk campaign seed ${seed} (rerun with ANJUNGAN_SEED=${seed})`);
  const r = await runDisk({ seed, budgetMs: 10 * 60_000, rounds: 4 });
  if (r.skipped) {
    if (process.env.CI === 'true') throw new Error(`${r.skipped} and CI=true: CI runs as root`);
    console.log(`  skipped: ${r.skipped}`);
    return;
  }
  assert.equal(r.examples, []);
  assert.equal(r.rounds, { below: 2, race: 2 });
  assert.equal(r.failures, { below: 0, race: 0 });
  assert.is(r.letters_refused_before_number, 2);
  assert.is(r.letters_failed_by_full_disk, 2);
  assert.is(r.letters_printed, 4);
});

test.run();
