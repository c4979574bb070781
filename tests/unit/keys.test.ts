import { sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { cardKey, loadOrCreateKeys, residentRef } from '../../src/store/keys.ts';
import { throwsCode, tmpDir } from '../support/store-helpers.ts';

function configIn(dir: string, device: Partial<Config['device']> = {}): Config {
  const c = defaultConfig();
  c.data_dir = dir;
  c.device = { ...c.device, ...device };
  return c;
}

test('first start creates both keys with private modes, and later starts load the same keys', async () => {
  const dir = tmpDir();
  const keys = await loadOrCreateKeys(configIn(dir));
  const keysDir = path.join(dir, 'keys');
  assert.is(fs.statSync(keysDir).mode & 0o777, 0o700);
  assert.is(fs.statSync(path.join(keysDir, 'uid-hmac.key')).mode & 0o777, 0o600);
  assert.is(fs.statSync(path.join(keysDir, 'letter-signing.pem')).mode & 0o777, 0o600);
  assert.is(keys.uidKey.length, 32);
  assert.is(keys.signingKey.asymmetricKeyType, 'ed25519');
  assert.match(fs.readFileSync(path.join(keysDir, 'letter-signing.pem'), 'utf8'), /BEGIN PRIVATE KEY/);
  assert.is(fs.readFileSync(path.join(keysDir, 'letter-signing.pub.pem'), 'utf8'), keys.publicKeyPem);

  const again = await loadOrCreateKeys(configIn(dir), { create: false });
  assert.ok(again.uidKey.equals(keys.uidKey));
  const sig = sign(null, Buffer.from('S-11/001/1809102004/X/2024'), again.signingKey);
  assert.ok(verify(null, Buffer.from('S-11/001/1809102004/X/2024'), keys.publicKey, sig));
  fs.rmSync(dir, { recursive: true });
});

test('two kiosks get different keys', async () => {
  const a = tmpDir();
  const b = tmpDir();
  const ka = await loadOrCreateKeys(configIn(a));
  const kb = await loadOrCreateKeys(configIn(b));
  assert.not.ok(ka.uidKey.equals(kb.uidKey));
  assert.is.not(ka.publicKeyPem, kb.publicKeyPem);
  fs.rmSync(a, { recursive: true });
  fs.rmSync(b, { recursive: true });
});

test('create:false with no keys says to run `anjungan provision`; a configured path names its key', async () => {
  const dir = tmpDir();
  const err = await throwsCode(() => loadOrCreateKeys(configIn(dir), { create: false }), 'data_corrupt');
  assert.match(err.message, 'anjungan provision');
  const cfg = configIn(dir, { uid_key_file: path.join(dir, 'elsewhere.key') });
  const err2 = await throwsCode(() => loadOrCreateKeys(cfg, { create: false }), 'config_invalid');
  assert.match(err2.message, 'device.uid_key_file');
  assert.equal(fs.readdirSync(dir), []);
  fs.rmSync(dir, { recursive: true });
});

test('configured key files are used, and a missing public key is rewritten from the private one', async () => {
  const dir = tmpDir();
  const cfg = configIn(dir, {
    uid_key_file: path.join(dir, 'etc', 'uid.key'),
    signing_key_file: path.join(dir, 'etc', 'sign.pem'),
  });
  const keys = await loadOrCreateKeys(cfg);
  assert.ok(fs.existsSync(path.join(dir, 'etc', 'uid.key')));
  assert.ok(fs.existsSync(path.join(dir, 'etc', 'sign.pub.pem')));
  assert.not.ok(fs.existsSync(path.join(dir, 'keys')));
  fs.rmSync(path.join(dir, 'etc', 'sign.pub.pem'));
  const again = await loadOrCreateKeys(cfg, { create: false });
  assert.is(again.publicKeyPem, keys.publicKeyPem);
  assert.is(fs.readFileSync(path.join(dir, 'etc', 'sign.pub.pem'), 'utf8'), keys.publicKeyPem);
  fs.rmSync(dir, { recursive: true });
});

test('a damaged key file is refused, never silently replaced', async () => {
  const dir = tmpDir();
  await loadOrCreateKeys(configIn(dir));
  const uidFile = path.join(dir, 'keys', 'uid-hmac.key');
  fs.writeFileSync(uidFile, 'abc');
  const err = await throwsCode(() => loadOrCreateKeys(configIn(dir)), 'data_corrupt');
  assert.match(err.message, uidFile);
  assert.is(fs.readFileSync(uidFile, 'utf8'), 'abc');
  fs.writeFileSync(uidFile, 'ab'.repeat(32));
  const pemFile = path.join(dir, 'keys', 'letter-signing.pem');
  fs.writeFileSync(pemFile, '-----BEGIN PRIVATE KEY-----\ngarbage\n');
  const err2 = await throwsCode(() => loadOrCreateKeys(configIn(dir)), 'data_corrupt');
  assert.match(err2.message, pemFile);
  fs.rmSync(dir, { recursive: true });
});

test('cardKey is HMAC-SHA256 of the UID bytes; residentRef is r_ + 20 hex, keyed', () => {
  const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
  const uid = Buffer.from('04A1B2C3D4E5F6', 'hex');
  const k = cardKey(key, uid);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.is(k, cardKey(key, Buffer.from(uid)));
  assert.is.not(k, cardKey(key, Buffer.from('04A1B2C3D4E5F7', 'hex')));
  assert.is.not(k, cardKey(Buffer.alloc(32), uid));
  assert.not.ok(k.includes('04a1b2c3d4e5f6'));
  const ref = residentRef(key, '1809101708850001');
  assert.match(ref, /^r_[0-9a-f]{20}$/);
  assert.is.not(ref, residentRef(Buffer.alloc(32), '1809101708850001'));
  assert.is.not(ref, `r_${cardKey(key, Buffer.from('1809101708850001')).slice(0, 20)}`);
});

test.run();
