import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isKioskError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { demoResidents } from '../../src/store/demo-data.ts';
import { cardKey, residentRef } from '../../src/store/keys.ts';
import type { Resident } from '../../src/store/resident.ts';
import { ResidentStore, residentsInDocument } from '../../src/store/resident-store.ts';
import { tmpDir } from '../support/store-helpers.ts';

const KEY = Buffer.from('0f'.repeat(32), 'hex');
const log = silentLogger();
const people = demoResidents();
const budi = people.find((r) => r.nama === 'BUDI SANTOSO')!;
const UID = Buffer.from('04A1B2C3D4E5F6', 'hex');

/** residents.json as the first release wrote it: residents as objects keyed by NIK. */
function writeFormat1(dir: string): string {
  const file = path.join(dir, 'residents.json');
  const residents = Object.fromEntries(people.map((r) => [r.nik, r]));
  const cards = { [cardKey(KEY, UID)]: { nik: budi.nik, bound_at: '2024-10-01T08:00:00.000Z' } };
  fs.writeFileSync(file, JSON.stringify({ version: 1, residents, cards }), { mode: 0o600 });
  return file;
}

test('a format-1 file opens as it is; the first change writes format 2 with the same residents', async () => {
  const dir = tmpDir();
  const file = writeFormat1(dir);
  const before = fs.readFileSync(file, 'utf8');
  const store = await ResidentStore.open(dir, KEY, log);
  assert.is(store.count(), people.length);
  assert.equal(store.get(budi.nik), budi);
  assert.is(store.findByCard(UID)?.nik, budi.nik);
  assert.is(store.byRef(residentRef(KEY, budi.nik))?.nama, budi.nama);
  assert.is(fs.readFileSync(file, 'utf8'), before, 'opening does not rewrite the file');

  await store.upsertMany([{ ...budi, rt: '009' }]);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.is(doc.version, 2);
  assert.type(doc.residents, 'string');
  assert.is(residentsInDocument(doc)[budi.nik]?.rt, '009', 'tools can read either format');
  assert.is(Object.keys(residentsInDocument(JSON.parse(before))).length, people.length);
  assert.is(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8')).version, 1, 'the format-1 file is the backup');

  const reopened = await ResidentStore.open(dir, KEY, log);
  assert.is(reopened.count(), people.length);
  assert.is(reopened.get(budi.nik)?.rt, '009');
  assert.is(reopened.findByCard(UID)?.nik, budi.nik);
  const sorted = (list: Resident[]) => [...list].sort((a, b) => a.nik.localeCompare(b.nik));
  assert.equal(
    sorted(reopened.all()).filter((r) => r.nik !== budi.nik),
    sorted(people).filter((r) => r.nik !== budi.nik),
  );
  fs.rmSync(dir, { recursive: true });
});

test('any text survives the compact rows: tabs and newlines become spaces, other characters stay', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  const odd: Resident = {
    ...budi,
    nama: 'NGURAH GDE ’AYU’ Ñ \\ 😀',
    alamat: 'JL. MERDEKA\tNO. 5\nBLOK C',
    tempat_lahir: 'TANJUNG KARANG\\u0041',
  };
  await store.upsertMany([odd, people[1]!]);
  const reopened = await ResidentStore.open(dir, KEY, log);
  const got = reopened.get(budi.nik)!;
  assert.is(got.nama, odd.nama);
  assert.is(got.alamat, 'JL. MERDEKA NO. 5 BLOK C');
  assert.is(got.tempat_lahir, 'TANJUNG KARANG\\u0041');
  assert.equal(reopened.get(people[1]!.nik), people[1]);
  assert.equal(await reopened.upsertMany([odd]), { added: 0, updated: 0, unchanged: 1, removed: 0 });
  fs.rmSync(dir, { recursive: true });
});

test('rows put out of order by a hand edit are sorted on open; a NIK twice is refused, never half-read', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  const file = path.join(dir, 'residents.json');
  // A hand edit drops the checksum field (the file is then read as one written without it).
  const { crc: _crc, ...doc } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const rows = (doc.residents as string).split('\n');
  fs.writeFileSync(file, JSON.stringify({ ...doc, residents: [...rows].reverse().join('\n') }));
  const reopened = await ResidentStore.open(dir, KEY, log);
  for (const r of people) assert.is(reopened.get(r.nik)?.nama, r.nama);

  fs.rmSync(`${file}.bak`, { force: true });
  fs.writeFileSync(file, JSON.stringify({ ...doc, residents: [...rows, rows[3]].join('\n') }));
  let caught: unknown;
  try {
    await ResidentStore.open(dir, KEY, log);
  } catch (err) {
    caught = err;
  }
  assert.ok(isKioskError(caught, 'data_corrupt'), String(caught));
  assert.match((caught as Error).message, 'twice');
  fs.rmSync(dir, { recursive: true });
});

test('NIK lookups find every resident and only them (binary search over the rows)', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  for (const r of people) assert.is(store.get(r.nik)?.nik, r.nik);
  for (const nik of ['', '0', '9999999999999999', `${budi.nik.slice(0, 15)}`, `${budi.nik}0`]) {
    assert.is(store.get(nik), undefined, nik);
  }
  fs.rmSync(dir, { recursive: true });
});

test.run();
