/**
 * LiveResidents: the daemon's resident data follows the file a CLI writes, through a real
 * fs.watch on a real directory, and a broken file never replaces good data.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoResidents } from '../../src/store/demo-data.ts';
import { fileVersion } from '../../src/store/durable-file.ts';
import { LiveResidents } from '../../src/store/live-residents.ts';
import { UnavailableResidents } from '../../src/store/resident-lookup.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { ROOT } from '../support/daemon-process.ts';
import { capturingLogger, throwsCode, tmpDir } from '../support/store-helpers.ts';
import { waitFor } from '../support/wait.ts';

const KEY = Buffer.from('0f'.repeat(32), 'hex');
const people = demoResidents();
const UID = Buffer.from('04AABBCCDDEEFF', 'hex');

async function live(
  dir: string,
  initial?: { store: ResidentStore | UnavailableResidents; ok: boolean },
  timing: { debounceMs?: number; pollMs?: number } = { debounceMs: 50 },
) {
  const { logger, lines } = capturingLogger();
  const file = path.join(dir, 'residents.json');
  const version = await fileVersion(file);
  const start = initial ?? { store: await ResidentStore.open(dir, KEY, logger), ok: true };
  let available = 0;
  const reloads: { residents: number; cards: number }[] = [];
  const residents = new LiveResidents(
    {
      file,
      open: () => ResidentStore.open(dir, KEY, logger),
      onAvailable: () => available++,
      onReloaded: (counts) => reloads.push(counts),
      logger,
      ...timing,
    },
    start.store,
    start.ok,
    version,
  );
  residents.start();
  return { residents, lines, reloads, availableCalls: () => available };
}

test('a card bound and residents imported by another process are used without a restart', async () => {
  const dir = tmpDir();
  const { residents, lines, reloads } = await live(dir);
  try {
    assert.is(residents.count(), 0);
    const cli = await ResidentStore.open(dir, KEY, capturingLogger().logger); // as `anjungan` would
    await cli.upsertMany(people);
    await cli.bindCard(UID, people[0]!.nik);
    await waitFor('the bound card to be found', () => residents.findByCard(UID)?.nik === people[0]!.nik);
    assert.is(residents.count(), people.length);
    assert.ok(lines.some((l) => l.msg === 'resident data changed on disk: reloaded'));
    assert.equal(reloads.at(-1), { residents: people.length, cards: 1 }, 'what the district is told');

    await cli.unbindCard(UID);
    await waitFor('the unbound card to be gone', () => residents.findByCard(UID) === undefined);
  } finally {
    await residents.stop();
  }
});

test('an unreadable new file keeps the data loaded, and says so', async () => {
  const dir = tmpDir();
  const first = await ResidentStore.open(dir, KEY, capturingLogger().logger);
  await first.upsertMany(people);
  await first.bindCard(UID, people[1]!.nik);
  const { residents, lines } = await live(dir);
  try {
    const file = path.join(dir, 'residents.json');
    // A copy gone wrong: both the file and its backup are garbage.
    fs.writeFileSync(`${file}.bak`, '{"version": 2, "resid');
    fs.writeFileSync(`${file}.new`, 'not json at all');
    fs.renameSync(`${file}.new`, file);
    await throwsCode(() => ResidentStore.open(dir, KEY, capturingLogger().logger), 'data_corrupt');
    await waitFor('the error to be logged', () =>
      lines.some((l) => l.level === 50 && /cannot be read: keeping the data loaded/.test(l.msg)),
    );
    assert.is(residents.count(), people.length);
    assert.is(residents.findByCard(UID)?.nik, people[1]!.nik);
  } finally {
    await residents.stop();
  }
});

test('a kiosk started without readable data comes back when the file is restored', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'residents.json');
  fs.writeFileSync(file, 'garbage');
  const { residents, availableCalls } = await live(dir, { store: new UnavailableResidents(KEY), ok: false });
  try {
    assert.is(residents.available, false);
    const good = tmpDir();
    const store = await ResidentStore.open(good, KEY, capturingLogger().logger);
    await store.upsertMany(people);
    fs.copyFileSync(path.join(good, 'residents.json'), `${file}.restore`);
    fs.renameSync(`${file}.restore`, file); // what `cp` + `mv` from a backup stick does
    await waitFor('the data to become available', () => residents.available);
    assert.is(availableCalls(), 1);
    assert.is(residents.count(), people.length);
  } finally {
    await residents.stop();
  }
});

test('without change notices (some file systems send none) the periodic check still reloads', async () => {
  const dir = tmpDir();
  // A debounce longer than the test: only the periodic check can see the change.
  const { residents } = await live(dir, undefined, { debounceMs: 600_000, pollMs: 50 });
  try {
    const cli = await ResidentStore.open(dir, KEY, capturingLogger().logger);
    await cli.upsertMany(people);
    await waitFor('the periodic check to reload', () => residents.count() === people.length);
  } finally {
    await residents.stop();
  }
});

test('a new owner alone is a new version (sudo import, then the file is handed to the service user)', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'residents.json');
  fs.writeFileSync(file, '{}');
  const before = await fileVersion(file);
  const stat = fs.statSync(file);
  await new Promise((r) => setTimeout(r, 20)); // a later change time
  fs.chmodSync(file, 0o640); // what chown does to the inode's change time, without needing root
  assert.is.not(await fileVersion(file), before);
  assert.is(fs.statSync(file).mtimeMs, stat.mtimeMs, 'content untouched');
});

test('sudo import while the kiosk runs as its own user: it waits for the hand-over, then reloads', async () => {
  const why =
    process.getuid?.() !== 0
      ? 'needs root (to take file permissions away from the kiosk side)'
      : fs.existsSync('/usr/bin/setpriv')
        ? null
        : '/usr/bin/setpriv is missing (apt-get install util-linux)';
  if (why) {
    if (process.env.CI === 'true') throw new Error(`store-live.test.ts: ${why}`);
    console.log(`  skipped: ${why}`);
    return;
  }
  const dir = tmpDir();
  const seed = await ResidentStore.open(dir, KEY, capturingLogger().logger);
  await seed.upsertMany(people.slice(0, 3));

  // The kiosk side: uid 0 without the capabilities that bypass file permissions, so it reads
  // only what its user owns (like the service user), wherever this checkout lives.
  const noBypass = '-dac_override,-dac_read_search';
  const child = spawn(
    '/usr/bin/setpriv',
    [
      `--inh-caps=${noBypass}`,
      `--bounding-set=${noBypass}`,
      process.execPath,
      '--import',
      'tsx',
      'tests/support/live-residents-child.ts',
      dir,
      KEY.toString('hex'),
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, TMPDIR: os.tmpdir() }, stdio: 'pipe' },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitFor('the kiosk side to start', () => out.includes('"ready":3'), 30_000);
    // `sudo anjungan residents import`: the new file lands (atomic rename) owned by another
    // user than the kiosk's, mode 0600; the previous version stays as the readable backup.
    const staging = tmpDir();
    const technician = await ResidentStore.open(staging, KEY, capturingLogger().logger);
    await technician.upsertMany(people);
    fs.chownSync(path.join(staging, 'residents.json'), 65534, 65534);
    fs.renameSync(path.join(staging, 'residents.json'), path.join(dir, 'residents.json'));
    await waitFor('the kiosk to notice it may not read it', () => out.includes('may not read it'));
    assert.ok(out.includes('"ready":3') && !out.includes('"reloaded"'), 'nothing reloaded yet');
    fs.chownSync(path.join(dir, 'residents.json'), 0, 0); // the hand-over to the kiosk's user
    await waitFor('the reload after the hand-over', () =>
      out.includes(`"reloaded":{"residents":${people.length}`),
    );
    assert.not.match(out, 'using the backup', 'no false fall-back to the old backup');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- kiosk side ---\n${out}`);
  } finally {
    child.stdin.end();
    await exited;
  }
});

test('an unchanged file is not reopened (touching the directory costs nothing)', async () => {
  const dir = tmpDir();
  const first = await ResidentStore.open(dir, KEY, capturingLogger().logger);
  await first.upsertMany(people);
  const { residents, lines } = await live(dir);
  try {
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
    await residents.check();
    assert.not.ok(lines.some((l) => l.msg === 'resident data changed on disk: reloaded'));
  } finally {
    await residents.stop();
  }
});

test.run();
