/**
 * The download throttle on a virtual clock: the bytes let through never run ahead of the cap at
 * any moment of the transfer, and 0 means no cap.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kbpsToBytesPerSecond, Throttle } from '../../src/update/throttle.ts';

function virtualClock() {
  const clock = { t: 1_000_000, slept: 0 };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
      clock.slept += ms;
    },
  };
}

async function transfer(kbps: number, total: number, chunk: number) {
  const { clock, now, sleep } = virtualClock();
  const start = clock.t;
  const marks: { at: number; bytes: number }[] = [];
  let received = 0;
  const chunks = Array.from({ length: Math.ceil(total / chunk) }, (_, i) =>
    Buffer.alloc(Math.min(chunk, total - i * chunk)),
  );
  await pipeline(
    Readable.from(chunks),
    new Throttle(kbps, now, sleep),
    new Writable({
      write(c: Buffer, _e, done) {
        received += c.length;
        marks.push({ at: clock.t - start, bytes: received });
        done();
      },
    }),
  );
  return { received, marks, elapsedMs: clock.t - start, slept: clock.slept };
}

test('kbit/s are thousands of bits: 64 kbps is 8000 bytes a second', () => {
  assert.is(kbpsToBytesPerSecond(64), 8000);
  assert.is(kbpsToBytesPerSecond(1000), 125_000);
});

test('never ahead of the cap at any moment, and the whole file arrives', async () => {
  for (const [kbps, chunk] of [
    [64, 65_536],
    [256, 1000],
    [1000, 16_384],
  ] as const) {
    const perSecond = kbpsToBytesPerSecond(kbps);
    const total = perSecond * 5;
    const { received, marks, elapsedMs } = await transfer(kbps, total, chunk);
    assert.is(received, total);
    for (const m of marks) {
      // By time t, at most rate × t bytes (plus one slice let through at t).
      const allowed = (perSecond * m.at) / 1000 + Math.max(1024, perSecond / 8);
      assert.ok(m.bytes <= allowed, `${kbps} kbps: ${m.bytes} bytes by ${m.at} ms (allowed ${allowed})`);
    }
    assert.ok(elapsedMs >= 4900, `${kbps} kbps: 5 s of data took ${elapsedMs} virtual ms`);
  }
});

test('0 kbps is unlimited: nothing waits', async () => {
  const { received, slept } = await transfer(0, 1_000_000, 65_536);
  assert.is(received, 1_000_000);
  assert.is(slept, 0);
});

test.run();
