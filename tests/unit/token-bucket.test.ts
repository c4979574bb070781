import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import { TokenBucket } from '../../src/mqtt/token-bucket.ts';

test('a burst up to the capacity, then one token per refill period, for ever', () => {
  const clock = new FakeClock(0);
  const bucket = new TokenBucket(20, 1 / 30, () => clock.now());
  let taken = 0;
  for (let i = 0; i < 100; i++) if (bucket.take()) taken++;
  assert.is(taken, 20, 'the burst');
  assert.is(bucket.take(), false);
  assert.is(bucket.msUntilNext(), 30_000);
  // A thousand refusals later the budget still comes back with time, not with refusals.
  for (let round = 0; round < 1000; round++) {
    clock.advance(29_999);
    assert.is(bucket.take(), false, `round ${round}: not before 30 s`);
    clock.advance(1);
    assert.is(bucket.take(), true, `round ${round}: one token after 30 s`);
  }
  clock.advance(3_600_000);
  taken = 0;
  for (let i = 0; i < 100; i++) if (bucket.take()) taken++;
  assert.is(taken, 20, 'an hour later the full burst again, never more');
});

test('a clock stepped back refills nothing and does not go negative', () => {
  const clock = new FakeClock(1_000_000);
  const bucket = new TokenBucket(2, 1, () => clock.now(), 0);
  clock.set(0);
  assert.is(bucket.take(), false);
  clock.advance(1000);
  assert.is(bucket.take(), true);
});

test.run();
