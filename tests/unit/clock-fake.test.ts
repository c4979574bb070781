/** FakeClock: the time machine every flow test stands on, so it gets tests of its own. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, systemClock } from '../../src/flows/clock.ts';

test('advance fires due timers in due order, each at its own time, ties in the order set', () => {
  const clock = new FakeClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 300);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
  clock.setTimeout(() => fired.push(`c@${clock.now()}`), 300);
  clock.setTimeout(() => fired.push(`late@${clock.now()}`), 301);
  clock.advance(300);
  assert.equal(fired, ['a@1100', 'b@1300', 'c@1300']);
  assert.is(clock.now(), 1300);
  assert.is(clock.pending(), 1);
});

test('timers set by timers fire within the same advance when they fall due', () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  const tick = () => {
    fired.push(clock.now());
    if (fired.length < 10) clock.setTimeout(tick, 100);
  };
  clock.setTimeout(tick, 100);
  clock.advance(350);
  assert.equal(fired, [100, 200, 300]);
  clock.advance(1000);
  assert.is(fired.length, 10);
  assert.is(clock.pending(), 0);
});

test('clearTimeout cancels; set() jumps the wall clock without firing or moving timers', () => {
  const clock = new FakeClock(5000);
  let fired = 0;
  const h = clock.setTimeout(() => fired++, 50);
  clock.clearTimeout(h);
  clock.setTimeout(() => fired++, 100);
  clock.set(0);
  assert.is(fired, 0);
  assert.is(clock.now(), 0);
  clock.advance(99);
  assert.is(fired, 0);
  clock.advance(1);
  assert.is(fired, 1, 'a wall-clock jump does not change when a timer fires');
  assert.throws(() => clock.advance(-1));
});

test('monotonic() moves with advance() only: a wall-clock jump is not time passing', () => {
  const clock = new FakeClock(1_000_000);
  const m0 = clock.monotonic();
  clock.set(5_000_000);
  clock.set(10);
  assert.is(clock.monotonic(), m0);
  clock.advance(250);
  assert.is(clock.monotonic(), m0 + 250);
  assert.is(clock.now(), 260);
  const s0 = systemClock.monotonic();
  assert.ok(systemClock.monotonic() >= s0);
});

test('systemClock runs real timers and can cancel them', async () => {
  let fired = false;
  const h = systemClock.setTimeout(() => {
    fired = true;
  }, 1);
  systemClock.clearTimeout(h);
  await new Promise((r) => setTimeout(r, 10));
  assert.is(fired, false);
  assert.ok(Math.abs(systemClock.now() - Date.now()) < 1000);
});

test.run();
