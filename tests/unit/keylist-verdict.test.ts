import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rawKeyBase64 } from '../../src/keylist/keylist-store.ts';
import { chooseKeyList } from '../../src/keylist/list-choice.ts';
import { judgeToken } from '../../src/keylist/verdict.ts';
import { signToken } from '../../src/letters/verification-token.ts';
import { makeKiosk, nodeVerify, signedList } from '../support/keylist-fixtures.ts';
import { sampleClaims } from '../support/letter-fixtures.ts';

const hanura = makeKiosk();
const stranger = makeKiosk({ village_code: '1809102005', village_name: 'Sukajaya' });
const district = generateKeyPairSync('ed25519');
const list = signedList(district.privateKey, [hanura.record]).payload;
const claims = sampleClaims({ key_id: hanura.record.key_id, valid_until: '2026-12-23' });
const token = signToken(claims, hanura.privateKey);
const TODAY = '2026-11-30';

test('a genuine token: ASLI, with the village names from the key list', async () => {
  const j = await judgeToken(`https://x.test/v/#${token}`, list, TODAY, nodeVerify);
  assert.is(j.verdict, 'ASLI');
  assert.is(j.claims?.number, claims.number);
  assert.is(j.key?.kecamatan, 'Teluk Pandan');
  assert.match(j.detail, /anjungan Desa Hanura/);
});

test('one character changed: TIDAK SAH, and nothing it claims is shown', async () => {
  const i = token.indexOf('.') + 8;
  const altered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  const j = await judgeToken(altered, list, TODAY, nodeVerify);
  assert.is(j.verdict, 'TIDAK SAH');
  assert.is(j.claims, null);
  assert.is((await judgeToken('bukan kode', list, TODAY, nodeVerify)).verdict, 'TIDAK SAH');
});

test('signed by a kiosk not in the list: KUNCI TIDAK DIKENAL', async () => {
  const t = signToken(sampleClaims({ key_id: stranger.record.key_id }), stranger.privateKey);
  assert.is((await judgeToken(t, list, TODAY, nodeVerify)).verdict, 'KUNCI TIDAK DIKENAL');
});

test("a listed key's id with another key's signature: TIDAK SAH", async () => {
  const t = signToken(claims, stranger.privateKey);
  assert.is((await judgeToken(t, list, TODAY, nodeVerify)).verdict, 'TIDAK SAH');
});

test('a kiosk renamed in its config keeps its key: its earlier letters stay ASLI', async () => {
  const renamed = { ...list, keys: [{ ...hanura.record, device_id: 'kiosk-balai' }] };
  const j = await judgeToken(token, renamed, TODAY, nodeVerify);
  assert.is(j.verdict, 'ASLI');
  assert.is(j.claims?.device, 'kiosk-01', 'the page shows the kiosk the letter names');
});

test("a listed key signing another village's letter: TIDAK SAH", async () => {
  const t = signToken({ ...claims, village: '1809102005' }, hanura.privateKey);
  assert.is((await judgeToken(t, list, TODAY, nodeVerify)).verdict, 'TIDAK SAH');
});

test('a withdrawn letter: DICABUT; other letters of that kiosk stay ASLI', async () => {
  const revoked = {
    ...list,
    revoked_letters: [
      {
        village_code: '1809102004',
        device_id: 'kiosk-01',
        number: claims.number,
        revoked_at: '2026-11-25T03:00:00Z',
      },
    ],
  };
  const j = await judgeToken(token, revoked, TODAY, nodeVerify);
  assert.is(j.verdict, 'DICABUT');
  assert.match(j.detail, /dicabut oleh Kantor Desa Hanura pada 2026-11-25/);
  const other = signToken({ ...claims, number: '470/002/1809102004/XI/2026' }, hanura.privateKey);
  assert.is((await judgeToken(other, revoked, TODAY, nodeVerify)).verdict, 'ASLI');
});

test('a revoked key: letters before its revocation stay ASLI, from that day DICABUT', async () => {
  const keys = [{ ...hanura.record, revoked_at: '2026-11-23T00:00:00Z' }];
  const revokedKey = { ...list, keys };
  const before = signToken({ ...claims, issued: '2026-11-22' }, hanura.privateKey);
  assert.is((await judgeToken(before, revokedKey, TODAY, nodeVerify)).verdict, 'ASLI');
  assert.is((await judgeToken(token, revokedKey, TODAY, nodeVerify)).verdict, 'DICABUT');
});

test('validity over: KEDALUWARSA (still genuine, claims shown)', async () => {
  const j = await judgeToken(token, list, '2026-12-24', nodeVerify);
  assert.is(j.verdict, 'KEDALUWARSA');
  assert.is(j.claims?.number, claims.number);
  assert.is(
    (await judgeToken(token, list, '2026-12-23', nodeVerify)).verdict,
    'ASLI',
    'last day still valid',
  );
});

test('AJ1 tokens are matched by village and verify', async () => {
  const signed = `AJ1.${Buffer.from(JSON.stringify([claims.number, 'domisili', '2026-11-23', '1809102004', 'r_1'])).toString('base64url')}`;
  const aj1 = `${signed}.${sign(null, Buffer.from(signed), hanura.privateKey).toString('base64url')}`;
  const j = await judgeToken(aj1, list, TODAY, nodeVerify);
  assert.is(j.verdict, 'ASLI');
  assert.is(j.claims?.version, 'AJ1');
});

test('a pengantar is genuine and says so (policy in the claims)', async () => {
  const t = signToken({ ...claims, policy: 'pengantar', type: 'sktm' }, hanura.privateKey);
  const j = await judgeToken(t, list, TODAY, nodeVerify);
  assert.is(j.verdict, 'ASLI');
  assert.is(j.claims?.policy, 'pengantar');
});

test('a fetched list is taken only when signed by the district and newer', async () => {
  const key = rawKeyBase64(district.publicKey);
  const current = signedList(district.privateKey, [hanura.record], {}, 2);
  const newer = signedList(district.privateKey, [hanura.record, stranger.record], {}, 3);
  const older = signedList(district.privateKey, [], {}, 1);
  const forger = generateKeyPairSync('ed25519');
  const forged = signedList(forger.privateKey, [hanura.record, stranger.record], {}, 9);

  assert.equal(await chooseKeyList(current, newer, key, nodeVerify), { list: newer, notice: null });
  const same = await chooseKeyList(current, current, key, nodeVerify);
  assert.equal(same, { list: current, notice: null });
  const o = await chooseKeyList(current, older, key, nodeVerify);
  assert.is(o.list, current);
  assert.match(o.notice ?? '', /lebih lama \(nomor 1\).*\(nomor 2\) dan diabaikan/);
  const f = await chooseKeyList(current, forged, key, nodeVerify);
  assert.is(f.list, current);
  assert.match(f.notice ?? '', /tidak sah \(tanda tangan kabupaten tidak cocok\)/);
  const u = await chooseKeyList(current, { payload: newer.payload }, key, nodeVerify);
  assert.match(u.notice ?? '', /tidak bertanda tangan/);
  const tampered = { ...newer, payload: { ...newer.payload, serial: 7 } };
  assert.is((await chooseKeyList(current, tampered, key, nodeVerify)).list, current);
});

test.run();
