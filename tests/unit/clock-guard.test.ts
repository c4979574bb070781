/**
 * The clock check that keeps the kiosk from printing wrongly dated letters: build date, newest
 * register entry, `clock.require_sync`, the periodic re-check, and how the system is asked.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import { ClockGuard, type ClockGuardOptions, systemClockSynced } from '../../src/flows/clock-guard.ts';
import { silentLogger } from '../../src/log.ts';

const BUILD = new Date('2026-11-01T00:00:00Z');
const AFTER_BUILD = Date.UTC(2027, 0, 10, 3, 0);

function guard(clock: FakeClock, opts: Partial<ClockGuardOptions> = {}): ClockGuard {
  return new ClockGuard({
    clock,
    buildDate: BUILD,
    newestRegisterTime: () => null,
    requireSync: false,
    intervalMs: 10_000,
    logger: silentLogger(),
    ...opts,
  });
}

test('a clock earlier than the build date is not trusted (Pi after a power cut: 1970)', async () => {
  const clock = new FakeClock(Date.UTC(1970, 0, 1, 0, 0, 42));
  const g = guard(clock);
  const verdict = await g.check();
  assert.is(verdict.trusted, false);
  assert.match(verdict.reason ?? '', /build date 2026-11-01/);
  clock.set(BUILD.getTime());
  assert.equal(await g.check(), { trusted: true, reason: null }, 'the build instant itself is fine');
});

test('a clock earlier than the newest register entry is not trusted; later is', async () => {
  const clock = new FakeClock(AFTER_BUILD);
  let newest: Date | null = new Date(AFTER_BUILD + 3_600_000);
  const g = guard(clock, { newestRegisterTime: () => newest });
  const verdict = await g.check();
  assert.is(verdict.trusted, false);
  assert.match(verdict.reason ?? '', /newest letter in the register/);
  clock.set(AFTER_BUILD + 3_600_001);
  assert.is((await g.check()).trusted, true);
  newest = null;
  clock.set(AFTER_BUILD);
  assert.is((await g.check()).trusted, true, 'an empty register has nothing to contradict');
});

test('require_sync: trusted only while the system reports sync; a failing query counts as unsynchronised', async () => {
  const clock = new FakeClock(AFTER_BUILD);
  let synced: boolean | Error = false;
  let asked = 0;
  const isSynced = async () => {
    asked++;
    if (synced instanceof Error) throw synced;
    return synced;
  };
  const strict = guard(clock, { requireSync: true, isSynced });
  const verdict = await strict.check();
  assert.is(verdict.trusted, false);
  assert.match(verdict.reason ?? '', /not synchronised/);
  synced = true;
  assert.is((await strict.check()).trusted, true);
  synced = new Error('dbus gone');
  assert.is((await strict.check()).trusted, false);
  const lax = guard(clock, { requireSync: false, isSynced });
  const before = asked;
  synced = false;
  assert.is((await lax.check()).trusted, true, 'without require_sync an unsynchronised clock is fine');
  assert.is(asked, before, 'and the system is not even asked');
});

test('start(): first verdict at once, re-checked every interval, onChange only on transitions', async () => {
  const clock = new FakeClock(Date.UTC(1970, 0, 1));
  const g = guard(clock);
  const changes: boolean[] = [];
  g.start((trusted) => changes.push(trusted));
  await flush();
  assert.equal(changes, [false]);
  assert.is(g.trusted, false);
  clock.advance(10_000);
  await flush();
  assert.equal(changes, [false], 'still wrong: no repeat');
  clock.set(AFTER_BUILD);
  clock.advance(9_999);
  await flush();
  assert.equal(changes, [false], 'not re-checked before the interval');
  clock.advance(1);
  await flush();
  assert.equal(changes, [false, true]);
  clock.set(Date.UTC(2020, 0, 1));
  clock.advance(10_000);
  await flush();
  assert.equal(changes, [false, true, false], 'a clock that jumps back is caught again');
  g.stop();
  assert.is(clock.pending(), 0, 'stop() leaves no timer');
  clock.set(AFTER_BUILD);
  clock.advance(60_000);
  await flush();
  assert.equal(changes, [false, true, false]);
});

test('checkNow(): a verdict at once between polls, and the poll goes on from there', async () => {
  const clock = new FakeClock(AFTER_BUILD);
  let newest: Date | null = null;
  const g = guard(clock, { newestRegisterTime: () => newest });
  const changes: boolean[] = [];
  g.start((trusted) => changes.push(trusted));
  await flush();
  assert.equal(changes, [true]);
  clock.advance(3_000);
  newest = new Date(clock.now());
  clock.set(clock.now() - 60_000);
  await g.checkNow();
  assert.equal(changes, [true, false], 'no wait for the next poll');
  assert.is(clock.pending(), 1, 'one poll armed, not two');
  clock.set(newest.getTime() + 1);
  clock.advance(10_000);
  await flush();
  assert.equal(changes, [true, false, true], 'the clock set right is trusted again at the next poll');
  g.stop();
});

test('systemClockSynced: timedatectl yes/no decides; otherwise the timesyncd flag file; otherwise false', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-'));
  try {
    const script = (name: string, body: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    };
    const flag = join(dir, 'synchronized');
    const yes = script('yes', 'echo yes');
    const no = script('no', 'echo no');
    const broken = script('broken', 'echo "Failed to connect to bus" >&2; exit 1');
    const missing = join(dir, 'no-such-timedatectl');
    assert.is(await systemClockSynced({ command: yes, flagFile: flag }), true);
    assert.is(await systemClockSynced({ command: no, flagFile: flag }), false);
    assert.is(await systemClockSynced({ command: broken, flagFile: flag }), false, 'no answer, no flag file');
    assert.is(await systemClockSynced({ command: missing, flagFile: flag }), false);
    writeFileSync(flag, '');
    assert.is(await systemClockSynced({ command: broken, flagFile: flag }), true, 'the flag file answers');
    assert.is(
      await systemClockSynced({ command: no, flagFile: flag }),
      false,
      'timedatectl wins when it answers',
    );
    const hang = script('hang', 'exec sleep 5');
    assert.is(await systemClockSynced({ command: hang, flagFile: join(dir, 'none'), timeoutMs: 200 }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

test.run();
