import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO_CARDS, demoResidents, seedDemo } from '../../src/store/demo-data.ts';
import { DurableJsonFile } from '../../src/store/durable-file.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { capturingLogger, throwsCode, tmpDir } from '../support/store-helpers.ts';

type Doc = { version: number; items: string[] };

/** Writes version 1 then version 2, so that the .bak holds v1 and the main file v2. */
async function twoGenerations(dir: string) {
  const { logger } = capturingLogger();
  const file = path.join(dir, 'data.json');
  const a = new DurableJsonFile<Doc>(file, { logger });
  await a.write({ version: 1, items: ['satu'] });
  await a.write({ version: 2, items: ['satu', 'dua'] });
  return file;
}

test('first start: no file and no backup reads as null (default data), and nothing is created', async () => {
  const dir = tmpDir();
  const { logger, warnings } = capturingLogger();
  const a = new DurableJsonFile<Doc>(path.join(dir, 'data.json'), { logger });
  assert.is(await a.read(), null);
  assert.equal(fs.readdirSync(dir), []);
  assert.is(warnings().length, 0);
  fs.rmSync(dir, { recursive: true });
});

test('write replaces the file, keeps the previous version as .bak, leaves no temp file, mode 0600', async () => {
  const dir = tmpDir();
  const file = await twoGenerations(dir);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).version, 2);
  assert.equal(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8')).version, 1);
  assert.equal(fs.readdirSync(dir).sort(), ['data.json', 'data.json.bak']);
  assert.is(fs.statSync(file).mode & 0o777, 0o600);
  fs.rmSync(dir, { recursive: true });
});

const damages: [string, (file: string) => void][] = [
  ['truncated mid-write', (f) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').slice(0, 12))],
  ['garbage', (f) => fs.writeFileSync(f, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00]))],
  ['empty (the lowdb #549 symptom)', (f) => fs.writeFileSync(f, '')],
  ['valid JSON of the wrong shape', (f) => fs.writeFileSync(f, 'null')],
];

for (const [what, damage] of damages) {
  test(`main file ${what} → the backup's data is used, with a warning naming the file`, async () => {
    const dir = tmpDir();
    const file = await twoGenerations(dir);
    damage(file);
    const { logger, warnings } = capturingLogger();
    const validate = (d: unknown) => {
      if (typeof (d as Doc | null)?.version !== 'number') throw new Error('no version');
      return d as Doc;
    };
    const a = new DurableJsonFile<Doc>(file, { logger, validate });
    const data = await a.read();
    assert.equal(data, { version: 1, items: ['satu'] });
    assert.is(warnings().length, 1);
    assert.is(warnings()[0]!.file, file);
    fs.rmSync(dir, { recursive: true });
  });

  test(`main file ${what} and no backup → refuses, naming the file; never starts empty`, async () => {
    const dir = tmpDir();
    const file = await twoGenerations(dir);
    damage(file);
    fs.rmSync(`${file}.bak`);
    const { logger } = capturingLogger();
    const validate = (d: unknown) => {
      if (typeof (d as Doc | null)?.version !== 'number') throw new Error('no version');
      return d as Doc;
    };
    const err = await throwsCode(
      () => new DurableJsonFile<Doc>(file, { logger, validate }).read(),
      'data_corrupt',
    );
    assert.match(err.message, file);
    assert.match(err.message, /restore/);
    fs.rmSync(dir, { recursive: true });
  });
}

test('both main file and backup broken → refuses, naming both files', async () => {
  const dir = tmpDir();
  const file = await twoGenerations(dir);
  fs.writeFileSync(file, '{"version": 2, "ite');
  fs.writeFileSync(`${file}.bak`, '');
  const { logger } = capturingLogger();
  const err = await throwsCode(() => new DurableJsonFile<Doc>(file, { logger }).read(), 'data_corrupt');
  assert.match(err.message, file);
  assert.match(err.message, `${file}.bak`);
  fs.rmSync(dir, { recursive: true });
});

test('main file missing but a backup exists → the backup is used (not a silent first start)', async () => {
  const dir = tmpDir();
  const file = await twoGenerations(dir);
  fs.rmSync(file);
  const { logger, warnings } = capturingLogger();
  assert.equal(await new DurableJsonFile<Doc>(file, { logger }).read(), { version: 1, items: ['satu'] });
  assert.is(warnings().length, 1);
  fs.rmSync(dir, { recursive: true });
});

test('after falling back, the next write keeps the good backup instead of backing up the broken file', async () => {
  const dir = tmpDir();
  const file = await twoGenerations(dir);
  fs.writeFileSync(file, '');
  const { logger } = capturingLogger();
  const a = new DurableJsonFile<Doc>(file, { logger });
  const data = (await a.read())!;
  await a.write({ version: 3, items: [...data.items, 'tiga'] });
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).version, 3);
  assert.equal(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8')).version, 1);
  fs.rmSync(dir, { recursive: true });
});

test('a leftover temp file from a crash before the rename is ignored and overwritten', async () => {
  const dir = tmpDir();
  const file = await twoGenerations(dir);
  fs.writeFileSync(`${file}.tmp`, '{"version": 9, "items": ["hal');
  const { logger, warnings } = capturingLogger();
  const a = new DurableJsonFile<Doc>(file, { logger });
  assert.equal((await a.read())?.version, 2);
  await a.write({ version: 3, items: [] });
  assert.not.ok(fs.existsSync(`${file}.tmp`));
  assert.is(warnings().length, 0);
  fs.rmSync(dir, { recursive: true });
});

test('resident store: a residents.json emptied by a power cut opens from the backup with its residents', async () => {
  const dir = tmpDir();
  const key = Buffer.alloc(32, 7);
  const { logger, warnings } = capturingLogger();
  const store = await ResidentStore.open(dir, key, logger);
  const people = demoResidents();
  await store.upsertMany(people.slice(0, 10));
  await store.upsertMany(people.slice(10, 12));
  fs.writeFileSync(path.join(dir, 'residents.json'), '');
  const reopened = await ResidentStore.open(dir, key, logger);
  assert.is(reopened.count(), 10);
  assert.ok(warnings().some((w) => w.file === path.join(dir, 'residents.json')));
  fs.rmSync(path.join(dir, 'residents.json.bak'));
  fs.writeFileSync(path.join(dir, 'residents.json'), '{"version":1,"residents":{"18');
  const err = await throwsCode(() => ResidentStore.open(dir, key, logger), 'data_corrupt');
  assert.match(err.message, 'residents.json');
  fs.rmSync(dir, { recursive: true });
});

test('an import is one write: a torn file falls back to the state before it, never residents without cards', async () => {
  const dir = tmpDir();
  const key = Buffer.alloc(32, 7);
  const { logger } = capturingLogger();
  const store = await ResidentStore.open(dir, key, logger);
  const people = demoResidents();
  await store.upsertMany(people.slice(0, 2));
  const card = Buffer.from('04A1B2C3D4E5F6', 'hex');
  await store.importResidents(people.slice(2, 5), [{ uid: card, nik: people[3]!.nik }]);
  fs.writeFileSync(path.join(dir, 'residents.json'), '{"version":2,"resid');
  const reopened = await ResidentStore.open(dir, key, logger);
  assert.is(reopened.count(), 2, 'the backup is the state before the import: none of it');
  assert.is(reopened.cardCount(), 0);
  fs.rmSync(dir, { recursive: true });
});

test('an import whose card is refused changes nothing', async () => {
  const dir = tmpDir();
  const key = Buffer.alloc(32, 7);
  const { logger } = capturingLogger();
  const store = await ResidentStore.open(dir, key, logger);
  const people = demoResidents();
  await throwsCode(
    () =>
      store.importResidents(people.slice(0, 3), [
        { uid: Buffer.from('08123456', 'hex'), nik: people[0]!.nik },
      ]),
    'card_random_uid',
  );
  assert.is(store.count(), 0);
  assert.not.ok(fs.existsSync(path.join(dir, 'residents.json')));
  fs.rmSync(dir, { recursive: true });
});

test('demo seeding is one write: a torn residents.json falls back to a backup that keeps the demo cards', async () => {
  const dir = tmpDir();
  const key = Buffer.alloc(32, 7);
  const { logger, warnings } = capturingLogger();
  assert.ok(await seedDemo(await ResidentStore.open(dir, key, logger)));
  fs.writeFileSync(path.join(dir, 'residents.json'), '{"version":2,"resid');
  const reopened = await ResidentStore.open(dir, key, logger);
  assert.ok(
    warnings().some((w) => w.file === path.join(dir, 'residents.json')),
    'fell back to the backup',
  );
  assert.is(reopened.count(), demoResidents().length);
  for (const c of DEMO_CARDS) assert.is(reopened.findByCard(Buffer.from(c.uid, 'hex'))?.nik, c.nik, c.note);
  fs.rmSync(dir, { recursive: true });
});

test.run();
