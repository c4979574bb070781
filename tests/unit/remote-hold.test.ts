import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { liftRemoteHoldOnSite, RemoteHold, readRemoteHold } from '../../src/store/remote-hold.ts';
import { waitFor } from '../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'anj-hold-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function daemon() {
  const applied: (string | null)[] = [];
  const lifted: string[] = [];
  const hold = new RemoteHold({
    dataDir: dir,
    logger: silentLogger(),
    apply: (r) => applied.push(r),
    onLiftedOnSite: (r) => lifted.push(r),
  });
  return { hold, applied, lifted };
}

test('kept across restarts until lifted; a lift made while the daemon was stopped is reported once, at its next start', async () => {
  const first = daemon();
  assert.is(await first.hold.load(), null);
  await first.hold.set('DIRETAS');
  assert.equal(first.applied, ['DIRETAS']);
  assert.is((await readRemoteHold(dir, silentLogger())).reason, 'DIRETAS');

  const second = daemon();
  assert.is(await second.hold.load(), 'DIRETAS', 'after a restart');
  // The technician, with the daemon stopped.
  assert.is(await liftRemoteHoldOnSite(dir, silentLogger(), new Date()), 'DIRETAS');
  assert.is(await liftRemoteHoldOnSite(dir, silentLogger(), new Date()), null, 'nothing left to lift');

  const third = daemon();
  assert.is(await third.hold.load(), null);
  third.hold.start();
  try {
    await waitFor('the lift reported', () => third.lifted.length === 1);
    assert.equal(third.lifted, ['DIRETAS']);
    await waitFor(
      'marker cleared',
      async () => (await readRemoteHold(dir, silentLogger())).lifted_on_site === null,
    );
  } finally {
    third.hold.stop();
  }
  const fourth = daemon();
  await fourth.hold.load();
  fourth.hold.start();
  await fourth.hold.set(null); // goes through the same queue as the start-up check
  fourth.hold.stop();
  assert.equal(fourth.lifted, [], 'never reported twice');
});

test.run();
