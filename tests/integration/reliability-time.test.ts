/**
 * The time campaign's small version (issue 9 §4): two simulated days at 50 letters through the
 * in-process daemon on a fake clock, the year end at midnight WIB and the clock jumps
 * (`npm run reliability -- time` runs 30 days at 500). Plus the regression it found: the register
 * compared its checkpoint with the host's date instead of the daemon's clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTime } from '../../scripts/reliability/campaign-time.ts';
import { FakeClock } from '../../src/flows/clock.ts';
import { completeCard, issueFirstLetter, screen, startKiosk } from '../support/daemon-kiosk.ts';

const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`  reliability time: seed ${seed}`);

test('two simulated days, the year end and clock jumps: every promise kept', async () => {
  const r = await runTime({ days: 2, lettersPerDay: 50, seed, budgetMs: 600_000 });
  for (const row of r.rows) assert.is(row.failures, 0, `${row.target}: ${row.note}`);
  assert.is(r.figures.days, 2);
  assert.is(r.figures.letters, 100, 'every session printed its letter');
  const jumps = r.figures.clock_jumps as { refused_while_behind: number; printed: number };
  assert.is(jumps.refused_while_behind, 12, 'three tries in each of four clock-behind spells, all refused');
  assert.is(jumps.printed, 6);
  const yearEnd = r.figures.year_end as { printed: number };
  assert.is(yearEnd.printed, 5);
});

test('a month ahead of the host: the start uses the checkpoint the daemon left, it does not replay the register', async () => {
  // The daemon's clock, not the host's, decides which daily counts the checkpoint must hold.
  const clock = new FakeClock(Date.now() + 30 * 86_400_000);
  const first = await startKiosk(undefined, { clock });
  try {
    await issueFirstLetter(first, completeCard(first.daemon).uid);
    await screen(first, 'done');
  } finally {
    await first.daemon.stop();
  }
  const again = await startKiosk(undefined, { clock, dataDir: first.dataDir });
  try {
    assert.equal(again.daemon.register.startup, { replayedLines: 0, checkpointLines: 2 });
    assert.is(again.daemon.register.list().length, 1);
  } finally {
    await again.daemon.stop();
  }
});

test.run();
