import { generateKeyPairSync } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signedMessage, signPayload, verifyPayload } from '../../src/crypto/signed-payload.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const payload = { z: 1, a: { reason: 'perbaikan—é', list: [true, null, 2] } };

test('the signed bytes are the prefix, a newline and the RFC 8785 form (sorted keys, UTF-8 as is)', () => {
  assert.is(
    signedMessage('anjungan-cmd-v2', payload).toString('utf8'),
    'anjungan-cmd-v2\n{"a":{"list":[true,null,2],"reason":"perbaikan—é"},"z":1}',
  );
  // RFC 8785 §3.2.2.2: control characters as short escapes or lower-case \u00XX; nothing else escaped.
  assert.is(
    signedMessage('p', { s: '\u0007\n"\\\u007f/' }).toString('utf8'),
    'p\n{"s":"\\u0007\\n\\"\\\\\u007f/"}',
  );
  assert.is(signedMessage('p', { n: 1e21, f: 0.1 }).toString('utf8'), 'p\n{"f":0.1,"n":1e+21}');
});

test('a signature verifies for its purpose and key only, whatever the key order', () => {
  const sig = signPayload('anjungan-keylist-v1', payload, privateKey);
  assert.ok(
    verifyPayload(
      'anjungan-keylist-v1',
      { a: { list: [true, null, 2], reason: 'perbaikan—é' }, z: 1 },
      sig,
      publicKey,
    ),
  );
  assert.not.ok(verifyPayload('anjungan-release-v1', payload, sig, publicKey), 'another purpose');
  assert.not.ok(verifyPayload('anjungan-cmd-v2', payload, sig, publicKey), 'another purpose');
  assert.not.ok(verifyPayload('anjungan-keylist-v1', { ...payload, z: 2 }, sig, publicKey), 'altered');
  assert.not.ok(verifyPayload('anjungan-keylist-v1', payload, sig, other.publicKey), 'another key');
});

test('only the canonical base64 of 64 bytes is a signature; junk never throws', () => {
  const sig = signPayload('anjungan-cmd-v2', payload, privateKey);
  assert.is(sig.length, 88);
  // 64 bytes in base64: the last character before "==" carries 4 unused bits.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const c = sig.at(-3)!;
  const twin = `${sig.slice(0, -3)}${alphabet[alphabet.indexOf(c) ^ 1]}==`;
  assert.ok(Buffer.from(twin, 'base64').equals(Buffer.from(sig, 'base64')), 'decodes alike');
  assert.not.ok(verifyPayload('anjungan-cmd-v2', payload, twin, publicKey));
  for (const junk of ['', 'abc', sig.slice(0, -2), `${sig}AA`])
    assert.not.ok(verifyPayload('anjungan-cmd-v2', payload, junk, publicKey), junk);
  assert.not.ok(verifyPayload('anjungan-cmd-v2', undefined, sig, publicKey));
  assert.throws(() => signedMessage('bad prefix\n', payload), /prefix/);
});

test.run();
