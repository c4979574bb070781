import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { DEMO_CARDS, demoResidents, seedDemo } from '../../src/store/demo-data.ts';
import { cardKey, residentRef } from '../../src/store/keys.ts';
import type { Resident } from '../../src/store/resident.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { throwsCode, tmpDir } from '../support/store-helpers.ts';

const KEY = Buffer.from('0f'.repeat(32), 'hex');
const log = silentLogger();

const people = demoResidents();
const budi = people.find((r) => r.nama === 'BUDI SANTOSO')!;
const siti = people.find((r) => r.nama === 'SITI AMINAH')!;
const UID_A = Buffer.from('04A1B2C3D4E5F6', 'hex');
const UID_B = Buffer.from('C3D2E1F0', 'hex');

test('upsertMany adds, updates, leaves unchanged and (with replace) removes; survives reopening', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  assert.is(store.count(), 0);
  assert.equal(await store.upsertMany(people), {
    added: people.length,
    updated: 0,
    unchanged: 0,
    removed: 0,
  });
  const moved: Resident = { ...budi, rt: '009', alamat: 'JL. BARU' };
  assert.equal(await store.upsertMany([moved, siti]), { added: 0, updated: 1, unchanged: 1, removed: 0 });
  assert.is(store.get(budi.nik)?.rt, '009');
  assert.is(store.count(), people.length);

  const reopened = await ResidentStore.open(dir, KEY, log);
  assert.is(reopened.count(), people.length);
  assert.equal(reopened.get(budi.nik), moved);

  assert.equal(await reopened.upsertMany([moved, siti], { replace: true }), {
    added: 0,
    updated: 0,
    unchanged: 2,
    removed: people.length - 2,
  });
  assert.equal(
    reopened
      .all()
      .map((r) => r.nama)
      .sort(),
    ['BUDI SANTOSO', 'SITI AMINAH'],
  );
  assert.is(reopened.get(people[5]!.nik), undefined);
  fs.rmSync(dir, { recursive: true });
});

test('upsertMany refuses a NIK that is not 16 digits and saves nothing', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await throwsCode(() => store.upsertMany([budi, { ...siti, nik: '0' }]), 'import_invalid');
  assert.is(store.count(), 0);
  assert.not.ok(fs.existsSync(path.join(dir, 'residents.json')));
  fs.rmSync(dir, { recursive: true });
});

test('bindCard: the card finds its resident, across a restart; an unknown card finds nobody', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await store.bindCard(UID_A, budi.nik);
  assert.is(store.findByCard(UID_A)?.nama, 'BUDI SANTOSO');
  assert.is(store.findByCard(Buffer.from('DEADBEEF', 'hex')), undefined);
  const reopened = await ResidentStore.open(dir, KEY, log);
  assert.is(reopened.findByCard(UID_A)?.nama, 'BUDI SANTOSO');
  assert.equal(
    reopened.bindings().map((b) => [b.card_key, b.nik]),
    [[cardKey(KEY, UID_A), budi.nik]],
  );
  fs.rmSync(dir, { recursive: true });
});

test('residents.json holds the HMAC of the UID, never the UID itself', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await store.bindCard(UID_A, budi.nik);
  await store.bindCard(UID_B, siti.nik);
  const text = fs.readFileSync(path.join(dir, 'residents.json'), 'utf8').toLowerCase();
  for (const uid of [UID_A, UID_B]) {
    assert.not.ok(text.includes(uid.toString('hex')), 'raw UID hex found in residents.json');
    assert.not.ok(text.includes(BigInt(`0x${uid.toString('hex')}`).toString()), 'UID as decimal found');
    assert.ok(text.includes(cardKey(KEY, uid)));
  }
  fs.rmSync(dir, { recursive: true });
});

test('binding a card bound to someone else needs force; the same NIK again is a no-op', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await store.bindCard(UID_A, budi.nik);
  const err = await throwsCode(() => store.bindCard(UID_A, siti.nik), 'card_already_bound');
  assert.match(err.message, budi.nik.slice(-4));
  assert.not.match(err.message, budi.nik, 'full NIK in an error message');
  assert.is(store.findByCard(UID_A)?.nik, budi.nik);
  await store.bindCard(UID_A, budi.nik);
  await store.bindCard(UID_A, siti.nik, { force: true });
  assert.is(store.findByCard(UID_A)?.nik, siti.nik);
  assert.is(store.bindings().length, 1);
  fs.rmSync(dir, { recursive: true });
});

test('binding refuses unknown residents, random UIDs and impossible UID lengths', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await throwsCode(() => store.bindCard(UID_A, '1809100101990001'), 'resident_not_found');
  await throwsCode(() => store.bindCard(Buffer.from('08123456', 'hex'), budi.nik), 'card_random_uid');
  await throwsCode(() => store.bindCard(Buffer.from('0102', 'hex'), budi.nik), 'card_error');
  assert.is(store.bindings().length, 0);
  fs.rmSync(dir, { recursive: true });
});

test('bindCards is all or nothing and one write; unbindCard / unbindNik remove bindings', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  const cards = DEMO_CARDS.map((c) => ({ uid: Buffer.from(c.uid, 'hex'), nik: c.nik }));
  await throwsCode(
    () => store.bindCards([...cards, { uid: UID_B, nik: '1809100101990001' }]),
    'resident_not_found',
  );
  assert.is(store.bindings().length, 0);
  const writes = countRenames(dir);
  assert.is(await store.bindCards(cards), cards.length);
  assert.is(writes.stop(), 1);
  assert.is(await store.bindCards(cards), 0);

  const extra = Buffer.from('11223344', 'hex');
  await store.bindCard(extra, budi.nik);
  assert.is(await store.unbindNik(budi.nik), 2);
  assert.is(store.findByCard(UID_A), undefined);
  assert.is(await store.unbindCard(UID_B), true);
  assert.is(await store.unbindCard(UID_B), false);
  assert.is(store.findByCard(UID_B), undefined);
  const reopened = await ResidentStore.open(dir, KEY, log);
  assert.is(reopened.bindings().length, cards.length - 2);
  fs.rmSync(dir, { recursive: true });
});

test('replacing the resident list drops the card bindings of removed residents', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await store.bindCard(UID_A, budi.nik);
  await store.bindCard(UID_B, siti.nik);
  await store.upsertMany([budi], { replace: true });
  assert.is(store.findByCard(UID_B), undefined);
  assert.is(store.findByCard(UID_A)?.nik, budi.nik);
  assert.equal(
    store.bindings().map((b) => b.nik),
    [budi.nik],
  );
  fs.rmSync(dir, { recursive: true });
});

test('resident refs: stable keyed references, resolvable with byRef, different under another key', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  const ref = store.refOf(budi.nik);
  assert.match(ref, /^r_[0-9a-f]{20}$/);
  assert.is(ref, residentRef(KEY, budi.nik));
  assert.not.ok(ref.includes(budi.nik.slice(-4)) && ref.includes(budi.nik));
  assert.is(store.byRef(ref)?.nama, 'BUDI SANTOSO');
  assert.is(store.byRef('r_00000000000000000000'), undefined);
  assert.is.not(residentRef(Buffer.alloc(32, 1), budi.nik), ref);
  fs.rmSync(dir, { recursive: true });
});

test('100,000 residents import in one write; card and ref lookups use the indexes with them and 20,000 cards (no scans; not timed)', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  const many: Resident[] = [];
  for (let i = 0; i < 100_000; i++) many.push({ ...budi, nik: `180910${String(i).padStart(10, '0')}` });
  const writes = countRenames(dir);
  await store.upsertMany(many);
  assert.is(writes.stop(), 1, 'a bulk import of 100,000 residents must be one durable write');
  assert.is(store.count(), 100_000);
  const pairs = [];
  for (let i = 0; i < 20_000; i++) {
    const uid = Buffer.alloc(7);
    uid.writeUInt32BE(i, 3);
    uid[0] = 0x04;
    pairs.push({ uid, nik: many[i * 5]!.nik });
  }
  await store.bindCards(pairs);
  // A lookup must not walk the data: count the calls that a scan would need while looking up.
  const scans = countScans();
  for (let i = 0; i < 1000; i++) {
    assert.is(store.findByCard(pairs[(i * 19) % 20_000]!.uid)?.nik, many[((i * 19) % 20_000) * 5]!.nik);
    assert.is(store.byRef(store.refOf(many[i * 97]!.nik))?.nik, many[i * 97]!.nik);
  }
  assert.is(scans.stop(), 0);
  fs.rmSync(dir, { recursive: true });
});

test('a replaced device key is detected instead of silently unbinding every card', async () => {
  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  await store.upsertMany(people);
  await store.bindCard(UID_A, budi.nik);
  const err = await throwsCode(() => ResidentStore.open(dir, Buffer.alloc(32, 9), log), 'data_corrupt');
  assert.match(err.message, 'uid-hmac.key');
  fs.rmSync(dir, { recursive: true });
});

test('demo data: valid NIKs (region 180910, women day+40), unhappy-path residents, cards seed once', async () => {
  const residents = demoResidents();
  assert.ok(residents.length >= 20);
  assert.is(new Set(residents.map((r) => r.nik)).size, residents.length);
  for (const r of residents) {
    assert.match(r.nik, /^180910\d{10}$/);
    const day = Number(r.nik.slice(6, 8));
    const [y, m, d] = r.tanggal_lahir.split('-');
    assert.is(day, Number(d) + (r.jenis_kelamin === 'PEREMPUAN' ? 40 : 0), r.nama);
    assert.is(r.nik.slice(8, 12), `${m}${y!.slice(2)}`);
  }
  assert.ok(residents.some((r) => r.nama.length > 40));
  assert.ok(residents.some((r) => r.nama.includes("'")));
  assert.ok(residents.some((r) => r.pekerjaan === '' && r.tempat_lahir === ''));
  assert.ok(residents.some((r) => r.status_dasar === 'PINDAH'));
  for (const c of DEMO_CARDS) {
    assert.ok([8, 14].includes(c.uid.length), c.uid);
    assert.ok(
      residents.some((r) => r.nik === c.nik),
      c.note,
    );
  }

  const dir = tmpDir();
  const store = await ResidentStore.open(dir, KEY, log);
  assert.is(await seedDemo(store), true);
  const incomplete = DEMO_CARDS.find((c) => c.note.includes('tidak lengkap'))!;
  assert.is(store.findByCard(Buffer.from(incomplete.uid, 'hex'))?.pekerjaan, '');
  const moved = DEMO_CARDS.find((c) => c.note.includes('PINDAH'))!;
  assert.is(store.findByCard(Buffer.from(moved.uid, 'hex'))?.status_dasar, 'PINDAH');
  assert.is(await seedDemo(store), false);
  assert.is(store.bindings().length, DEMO_CARDS.length);
  fs.rmSync(dir, { recursive: true });
});

/** Counts how often residents.json is replaced (one durable write = one rename onto it). */
function countRenames(dir: string): { stop(): number } {
  let n = 0;
  const original = fs.promises.rename;
  fs.promises.rename = (async (from: fs.PathLike, to: fs.PathLike) => {
    if (String(to) === path.join(dir, 'residents.json')) n++;
    return original(from, to);
  }) as typeof original;
  return {
    stop() {
      fs.promises.rename = original;
      return n;
    },
  };
}

/** Counts calls of the functions a linear scan over records would use. */
function countScans(): { stop(): number } {
  let n = 0;
  const saved = {
    keys: Object.keys,
    values: Object.values,
    entries: Object.entries,
    find: Array.prototype.find,
  };
  const count = <F extends (...a: never[]) => unknown>(f: F): F =>
    ((...a: Parameters<F>) => {
      n++;
      return f(...a);
    }) as F;
  Object.keys = count(saved.keys);
  Object.values = count(saved.values);
  Object.entries = count(saved.entries);
  Array.prototype.find = function (this: unknown[], ...a: Parameters<typeof saved.find>) {
    n++;
    return saved.find.apply(this, a);
  } as typeof saved.find;
  return {
    stop() {
      Object.assign(Object, { keys: saved.keys, values: saved.values, entries: saved.entries });
      Array.prototype.find = saved.find;
      return n;
    },
  };
}

test('two commands at once (two stores on one file): the later write builds on the earlier', async () => {
  const dir = tmpDir();
  const importer = await ResidentStore.open(dir, KEY, log);
  await importer.upsertMany([budi]);
  const binder = await ResidentStore.open(dir, KEY, log); // a second technician's `cards bind`
  await importer.upsertMany([siti]); // the import finishes first…
  await binder.bindCard(UID_B, siti.nik); // …and the bind, which read before it, sees Siti anyway
  await importer.bindCard(UID_A, budi.nik); // and the importer keeps the binder's card

  const after = await ResidentStore.open(dir, KEY, log);
  assert.is(after.count(), 2);
  assert.is(after.findByCard(UID_A)?.nik, budi.nik);
  assert.is(after.findByCard(UID_B)?.nik, siti.nik);
});

test.run();
