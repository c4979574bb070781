/**
 * The district's key list from end to end through the CLI: kiosks export their key records,
 * the district adds them, withdraws a letter, revokes a key, builds the site; every list is
 * signed with anjungan-keylist-v1 + JCS and a rising serial, and build refuses to lose keys.
 */

import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildVerifyPage } from '../../scripts/build-verify.ts';
import { verifyPayload } from '../../src/crypto/signed-payload.ts';
import type { KeyRecord, SignedKeyList } from '../../src/keylist/keylist.ts';
import { EMBED_ID } from '../../src/keylist/verify-site.ts';
import { provisionedKiosk, runCli, tempDir } from '../support/cli-process.ts';

const dir = tempDir();
const list = path.join(dir, 'keylist.json');
const key = path.join(dir, 'district-command.key');
const readList = () => JSON.parse(fs.readFileSync(list, 'utf8')) as SignedKeyList;
const keyArgs = ['--list', list, '--key', key];

test.before(async () => {
  assert.is((await runCli(['command', 'keygen', '--out', dir])).code, 0);
  await buildVerifyPage();
});

test('keys export prints a public record, nothing secret; add signs the list with a rising serial', async () => {
  const hanura = await provisionedKiosk(['--verify-url', 'https://anjungan.pesawarankab.go.id/v/']);
  const written = JSON.parse(fs.readFileSync(hanura.config, 'utf8'));
  assert.is(written.letters?.verify_url, 'https://anjungan.pesawarankab.go.id/v/', 'provision --verify-url');
  const other = await provisionedKiosk(['--device-id', 'kiosk-02']);
  const records: string[] = [];
  for (const k of [hanura, other]) {
    const r = await runCli(['keys', 'export', '--config', k.config]);
    assert.is(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout) as KeyRecord;
    assert.is(record.village_code, '1809102004');
    assert.is(record.kecamatan, 'Teluk Pandan');
    assert.match(record.key_id, /^[0-9a-f]{12}$/);
    assert.is(Buffer.from(record.public_key, 'base64').length, 32);
    assert.is(record.letter_types?.domisili, 'SURAT KETERANGAN DOMISILI');
    assert.not.match(r.stdout, /PRIVATE KEY|\b[0-9]{16}\b/, 'no secret, no NIK');
    const file = path.join(dir, `${record.device_id}.json`);
    fs.writeFileSync(file, r.stdout);
    records.push(file);
  }
  const first = await runCli(['district', 'keylist', 'add', records[0]!, ...keyArgs]);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /added 1809102004\/kiosk-01 key [0-9a-f]{12}; .* serial 1/);
  fs.copyFileSync(list, path.join(dir, 'serial-1-backup.json'));
  const second = await runCli(['district', 'keylist', 'add', records[1]!, ...keyArgs]);
  assert.is(second.code, 0, second.stderr);
  const signed = readList();
  assert.is(signed.payload.serial, 2);
  assert.equal(
    signed.payload.keys.map((k) => k.device_id),
    ['kiosk-01', 'kiosk-02'],
  );
  const district = createPublicKey(createPrivateKey(fs.readFileSync(key, 'utf8')));
  assert.ok(verifyPayload('anjungan-keylist-v1', signed.payload, signed.signature, district));
  assert.not.ok(
    verifyPayload('anjungan-cmd-v2', signed.payload, signed.signature, district),
    'a key list signature never verifies for another purpose',
  );
});

test('revoke-letter and revoke-key go into the next signed list; the revoked key stays listed', async () => {
  const letter = await runCli([
    'district',
    'keylist',
    'revoke-letter',
    '1809102004/kiosk-01',
    '470/003/1809102004/XII/2026',
    '--reason',
    'salah_data',
    ...keyArgs,
  ]);
  assert.is(letter.code, 0, letter.stderr);
  const revokeKey = await runCli(['district', 'keylist', 'revoke-key', '1809102004/kiosk-02', ...keyArgs]);
  assert.is(revokeKey.code, 0, revokeKey.stderr);
  const { payload } = readList();
  assert.is(payload.serial, 4);
  assert.equal(
    payload.revoked_letters.map((r) => [r.number, r.reason]),
    [['470/003/1809102004/XII/2026', 'salah_data']],
  );
  assert.is(payload.keys.length, 2);
  assert.ok(payload.keys.find((k) => k.device_id === 'kiosk-02')?.revoked_at);
  assert.not.ok(payload.keys.find((k) => k.device_id === 'kiosk-01')?.revoked_at);
  const unknown = await runCli(['district', 'keylist', 'revoke-key', '1809102004/kiosk-99', ...keyArgs]);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /no kiosk 1809102004\/kiosk-99/);
});

test('build writes the site with the list embedded; it refuses a list that lost keys', async () => {
  const site = path.join(dir, 'site');
  const b = await runCli(['district', 'keylist', 'build', '--out', site, ...keyArgs]);
  assert.is(b.code, 0, b.stderr);
  assert.match(b.stdout, /serial 4, 2 key\(s\), 1 withdrawn letter/);
  const html = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
  const embedded = new RegExp(`<script id="${EMBED_ID}" type="application/json">([^<]*)</script>`).exec(
    html,
  )?.[1];
  const parsed = JSON.parse(embedded ?? 'null') as { district_key: string; list: SignedKeyList };
  assert.equal(parsed.list, readList());
  assert.equal(JSON.parse(fs.readFileSync(path.join(site, 'keys.json'), 'utf8')), readList());
  assert.ok(fs.statSync(path.join(site, 'sw.js')).size > 100);
  assert.not.match(
    html,
    /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/,
    'no outside resource',
  );

  // A district that restores an old backup of its list (serial 1, one key) would drop kiosk-02.
  fs.copyFileSync(path.join(dir, 'serial-1-backup.json'), list);
  const lost = await runCli(['district', 'keylist', 'build', '--out', site, ...keyArgs]);
  assert.is(lost.code, 1, lost.stdout);
  assert.match(lost.stderr, /refusing to replace .*keys\.json: the new list lost 1 key\(s\).*kiosk-02/);
  assert.equal(
    JSON.parse(fs.readFileSync(path.join(site, 'keys.json'), 'utf8')).payload.serial,
    4,
    'site untouched',
  );
});

test('a tampered list file is never re-signed', async () => {
  const signed = readList();
  signed.payload.keys[0]!.village_name = 'Palsu';
  fs.writeFileSync(list, JSON.stringify(signed));
  const r = await runCli(['district', 'keylist', 'revoke-key', '1809102004/kiosk-01', ...keyArgs]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /is not a key list signed by this district key \(the signature does not match/);
});

test.run();
