/**
 * Disk full (issue 9 §6) on a real small file system (tmpfs): below storage.min_free_mb the kiosk
 * is out of service (storage_full) before a number is taken, and back by itself when space
 * returns; a full disk that races the threshold ends the letter failed, never torn, never printed.
 */
import { existsSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import {
  completeCard,
  issueFirstLetter,
  type Kiosk,
  SCREEN_MS,
  screen,
  startKiosk,
  toConfirm,
} from '../support/daemon-kiosk.ts';
import { mountSmallDisk } from '../support/tmpfs.ts';
import { waitFor } from '../support/wait.ts';

const env = (minFreeMb: number) => ({
  ANJUNGAN_STORAGE_MIN_FREE_MB: String(minFreeMb),
  // Measured every second, so that the test's waits (on the screen, never on time) end soon.
  ANJUNGAN_STORAGE_CHECK_INTERVAL_S: '1',
  ANJUNGAN_TIMEOUTS_MESSAGE_S: '2',
});

/** The register as the next start would read it: throws when any line is torn or damaged. */
async function registerOnDisk(dataDir: string) {
  const reg = await LetterRegister.open(dataDir, {
    numbering: defaultConfig().letters.numbering,
    villageCode: '1809102004',
    logger: silentLogger(),
    readOnly: true,
  });
  const entries = reg.list();
  await reg.close();
  return entries;
}

const prints = (k: Kiosk) => {
  const dir = join(k.dataDir, 'sim', 'prints');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')).length : 0;
};

async function outOfServiceForStorage(k: Kiosk) {
  await waitFor(
    'storage_full in the state',
    () => k.daemon.status().out_of_service.includes('storage_full'),
    SCREEN_MS,
  );
  await screen(k, 'out_of_service');
}

test('below storage.min_free_mb: out of service before a number is taken; back by itself when space returns', async () => {
  const disk = mountSmallDisk(24);
  if (!disk) return;
  const k = await startKiosk(undefined, { dataDir: disk.dir, env: env(8) });
  try {
    const { uid } = completeCard(k.daemon);
    await issueFirstLetter(k, uid);
    await screen(k, 'done');
    assert.ok((k.daemon.status().storage_free_mb ?? 0) >= 8, 'the state carries the free space');

    // Leave about 4 MB: below the threshold, yet every write would still succeed.
    const filler = disk.fill();
    truncateSync(filler, statSync(filler).size - 4 * 2 ** 20);
    await outOfServiceForStorage(k);
    assert.ok((k.daemon.status().storage_free_mb ?? 99) < 8);
    k.daemon.adapters.sim.reader!.remove();
    k.daemon.adapters.sim.reader!.tap(uid);
    await k.daemon.runner.idle();
    assert.is(k.daemon.runner.state.screen.name, 'out_of_service', 'a tap starts no session');
    const before = await registerOnDisk(k.dataDir);
    assert.equal(
      before.map((e) => [e.seq, e.status]),
      [[1, 'printed']],
    );

    rmSync(filler);
    await screen(k, 'idle');
    assert.equal(k.daemon.status().out_of_service, []);
    k.daemon.adapters.sim.reader!.remove();
    await issueFirstLetter(k, uid);
    await screen(k, 'done');
    const after = await registerOnDisk(k.dataDir);
    assert.equal(
      after.map((e) => [e.seq, e.status]),
      [
        [1, 'printed'],
        [2, 'printed'],
      ],
    );
  } finally {
    await k.daemon.stop();
    disk.unmount();
  }
});

test('a full disk that races the threshold: the letter ends failed (never torn, never printed), no number reused', async () => {
  const disk = mountSmallDisk(24);
  if (!disk) return;
  // 0: no threshold, so the disk itself refuses (what a race between the check and a write does).
  const k = await startKiosk(undefined, { dataDir: disk.dir, env: env(0) });
  try {
    const { uid } = completeCard(k.daemon);
    await issueFirstLetter(k, uid);
    await screen(k, 'done');
    k.daemon.adapters.sim.reader!.remove();
    await screen(k, 'idle');
    await toConfirm(k, uid);
    const printed = prints(k);

    const filler = disk.fill();
    k.daemon.adapters.sim.buttons!.press('ok');
    await screen(k, 'print_failed');
    const failed = k.daemon.runner.state.screen;
    assert.ok(failed.name === 'print_failed' && failed.reason === 'storage_full', JSON.stringify(failed));
    assert.is(prints(k), printed, 'nothing reached the printer');
    await outOfServiceForStorage(k);

    // Whatever the disk let through, the register reads whole and nothing new is `printed`.
    const during = await registerOnDisk(k.dataDir);
    assert.equal(during[0]!.status, 'printed');
    for (const e of during.slice(1)) assert.ok(e.status !== 'printed', JSON.stringify(e));

    rmSync(filler);
    await screen(k, 'idle');
    await issueFirstLetter(k, uid);
    await screen(k, 'done');
    const after = await registerOnDisk(k.dataDir);
    const last = after.at(-1)!;
    assert.is(last.status, 'printed');
    assert.is(last.seq, Math.max(...during.map((e) => e.seq)) + 1, 'the next number, none reused');
    assert.is(new Set(after.map((e) => e.number)).size, after.length);
  } finally {
    await k.daemon.stop();
    disk.unmount();
  }
});

test.run();
