/**
 * Regressions from the torn-write campaign (issue 9 §2): damage that used to pass silently, end
 * the process, or be taken for a torn write is now caught and named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/mqtt/outbox.ts';
import { DurableJsonFile } from '../../src/store/durable-file.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { sktmRequest } from '../support/register-request.ts';
import { capturingLogger, throwsCode, tmpDir } from '../support/store-helpers.ts';

const NUMBERING: Config['letters']['numbering'] = defaultConfig().letters.numbering;
const openRegister = (dir: string) =>
  LetterRegister.open(dir, { numbering: NUMBERING, villageCode: '1809102004', logger: silentLogger() });

test('register: a whole last line whose newline was damaged is refused, not cut off as torn (its number would come again)', async () => {
  const dir = tmpDir();
  const reg = await openRegister(dir);
  await reg.reserve(sktmRequest(new Date(2024, 9, 15, 9)));
  await reg.close();
  const file = path.join(dir, 'register.jsonl');
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 1] = 0x0a ^ 0x20; // the newline, one bit flipped: '*'
  fs.writeFileSync(file, bytes);
  const err = await throwsCode(() => openRegister(dir), 'register_corrupt');
  assert.ok(err.message.includes(`${file} line 1`), err.message);
  assert.equal(fs.readFileSync(file), bytes, 'nothing cut off');
  fs.rmSync(dir, { recursive: true });
});

test('outbox: a line whose bit flipped still parses but is not delivered; the segment file is named', async () => {
  const dir = path.join(tmpDir(), 'outbox');
  const box = await Outbox.open(dir, { maxMessages: 100, logger: silentLogger() });
  await box.append({ topic: 't/e', payload: '{"number":"S-11/001/1809102004/X/2024"}', cls: 'event' });
  await box.append({ topic: 't/e', payload: '{"number":"S-11/002/1809102004/X/2024"}', cls: 'event' });
  await box.close();
  const seg = fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!;
  const file = path.join(dir, seg);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('/002/', '/003/'));
  const { logger, warnings } = capturingLogger();
  const again = await Outbox.open(dir, { maxMessages: 100, logger });
  assert.equal(
    [...again.records()].map((r) => r.payload),
    ['{"number":"S-11/001/1809102004/X/2024"}'],
    'never a number that was not written',
  );
  assert.ok(
    warnings().some((w) => JSON.stringify(w).includes(file)),
    JSON.stringify(warnings()),
  );
  await again.close();
});

test('residents file: a flipped digit that still parses is caught by its checksum; the backup is used, with a warning', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'residents.json');
  const a = new DurableJsonFile<{ nik: string }>(file, { logger: silentLogger() });
  await a.write({ nik: '1809104506880001' });
  await a.write({ nik: '1809104506880002' });
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('0002', '0003'));
  const { logger, warnings } = capturingLogger();
  assert.equal(await new DurableJsonFile<{ nik: string }>(file, { logger }).read(), {
    nik: '1809104506880001',
  });
  assert.match(JSON.stringify(warnings()), /checksum mismatch/);
  fs.rmSync(dir, { recursive: true });
});

function configIn(dir: string): Config {
  const c = defaultConfig();
  c.data_dir = dir;
  return c;
}

test('keys: a private key changed into another valid key is refused (the public key file tells), not used to sign', async () => {
  const dir = tmpDir();
  await loadOrCreateKeys(configIn(dir));
  const pem = path.join(dir, 'keys', 'letter-signing.pem');
  // Another valid Ed25519 key in the private key's place: what a flipped bit in its seed gives.
  const other = tmpDir();
  await loadOrCreateKeys(configIn(other));
  fs.copyFileSync(path.join(other, 'keys', 'letter-signing.pem'), pem);
  const err = await throwsCode(() => loadOrCreateKeys(configIn(dir)), 'data_corrupt');
  assert.match(err.message, /hold different keys/);
  fs.rmSync(dir, { recursive: true });
  fs.rmSync(other, { recursive: true });
});

test('keys: a damaged public key file is written again from the private key, with a warning naming it', async () => {
  const dir = tmpDir();
  const keys = await loadOrCreateKeys(configIn(dir));
  const pub = path.join(dir, 'keys', 'letter-signing.pub.pem');
  fs.writeFileSync(pub, keys.publicKeyPem.slice(0, 40));
  const { logger, warnings } = capturingLogger();
  await loadOrCreateKeys(configIn(dir), { logger });
  assert.is(fs.readFileSync(pub, 'utf8'), keys.publicKeyPem);
  assert.ok(JSON.stringify(warnings()).includes(pub));
  fs.rmSync(dir, { recursive: true });
});

test('keys: a key file that still reads but is not as the kiosk wrote it (letter case, lost newline) is named', async () => {
  const dir = tmpDir();
  const keys = await loadOrCreateKeys(configIn(dir));
  const uid = path.join(dir, 'keys', 'uid-hmac.key');
  const pem = path.join(dir, 'keys', 'letter-signing.pem');
  fs.writeFileSync(uid, fs.readFileSync(uid, 'utf8').toUpperCase());
  fs.writeFileSync(pem, fs.readFileSync(pem, 'utf8').trimEnd());
  const { logger, warnings } = capturingLogger();
  const again = await loadOrCreateKeys(configIn(dir), { logger });
  assert.ok(again.uidKey.equals(keys.uidKey), 'the same key is used');
  const said = JSON.stringify(warnings());
  assert.ok(said.includes(uid) && said.includes(pem), said);
  fs.rmSync(dir, { recursive: true });
});

test.run();
