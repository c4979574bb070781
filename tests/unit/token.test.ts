import { generateKeyPairSync } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signToken, type TokenClaims, verifyToken } from '../../src/letters/verification-token.ts';

const village = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const claims: TokenClaims = {
  n: '470/001/1809102004/XI/2026',
  t: 'domisili',
  d: '2026-11-23',
  v: '1809102004',
  r: 'r_0123456789abcdef0123',
};

test('round trip: a signed token verifies and gives back its claims', () => {
  const token = signToken(claims, village.privateKey);
  assert.match(token, /^AJ1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(verifyToken(token, village.publicKey), { ok: true, claims });
});

test('compact: a realistic token stays small enough for a small QR', () => {
  const token = signToken(claims, village.privateKey);
  assert.ok(token.length <= 230, `token is ${token.length} characters`);
});

test('tampered claims fail with bad_signature', () => {
  const token = signToken(claims, village.privateKey);
  const [v, , sig] = token.split('.');
  const forged = Buffer.from(
    JSON.stringify([claims.n.replace('001', '002'), claims.t, claims.d, claims.v, claims.r]),
  ).toString('base64url');
  assert.equal(verifyToken(`${v}.${forged}.${sig}`, village.publicKey), {
    ok: false,
    reason: 'bad_signature',
  });
  const sigBytes = Buffer.from(sig ?? '', 'base64url');
  sigBytes[10] = (sigBytes[10] ?? 0) ^ 0x01;
  const flipped = `${token.split('.').slice(0, 2).join('.')}.${sigBytes.toString('base64url')}`;
  assert.equal(verifyToken(flipped, village.publicKey), { ok: false, reason: 'bad_signature' });
});

test('a changed last character is refused although Node decodes it to the same bytes', () => {
  const token = signToken(claims, village.privateKey);
  const [v, body, sig] = token.split('.') as [string, string, string];
  // 64 signature bytes in 86 characters: the last one carries 4 unused bits, so 16 spellings
  // decode alike; only the canonical one is the signed code.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const variants = [...alphabet]
    .map((c) => `${sig.slice(0, -1)}${c}`)
    .filter((s) => s !== sig && Buffer.from(s, 'base64url').equals(Buffer.from(sig, 'base64url')));
  assert.ok(variants.length > 0, 'the decoder ignores the unused bits');
  for (const s of variants)
    assert.equal(
      verifyToken(`${v}.${body}.${s}`, village.publicKey),
      { ok: false, reason: 'bad_signature' },
      s,
    );
  const bodyVariants = [...alphabet]
    .map((c) => `${body.slice(0, -1)}${c}`)
    .filter((b) => b !== body && Buffer.from(b, 'base64url').equals(Buffer.from(body, 'base64url')));
  for (const b of bodyVariants)
    assert.equal(
      verifyToken(`${v}.${b}.${sig}`, village.publicKey),
      { ok: false, reason: 'bad_signature' },
      b,
    );
});

test('any changed character inside the claims reads as altered, never as "not a letter code"', () => {
  const token = signToken(claims, village.privateKey);
  const [v, body, sig] = token.split('.') as [string, string, string];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] === 'A' ? 'B' : 'A';
    const changed = `${body.slice(0, i)}${c}${body.slice(i + 1)}`;
    assert.equal(
      verifyToken(`${v}.${changed}.${sig}`, village.publicKey),
      { ok: false, reason: 'bad_signature' },
      `at ${i}`,
    );
  }
});

test('a token signed by another village key fails with bad_signature', () => {
  const token = signToken(claims, other.privateKey);
  assert.equal(verifyToken(token, village.publicKey), { ok: false, reason: 'bad_signature' });
});

test('another version fails with wrong_version', () => {
  const token = signToken(claims, village.privateKey).replace(/^AJ1/, 'AJ2');
  assert.equal(verifyToken(token, village.publicKey), { ok: false, reason: 'wrong_version' });
});

test('garbage fails with malformed', () => {
  const notAnArray = Buffer.from('{"n":"x"}').toString('base64url');
  const badDate = Buffer.from(JSON.stringify(['a', 'b', '23-11-2026', 'c', 'd'])).toString('base64url');
  for (const junk of [
    '',
    'hello',
    'AJ1.',
    'AJ1..',
    'AJ1.!!!.abc',
    `AJ1.${notAnArray}.abc`,
    `AJ1.${badDate}.abc`,
    'https://example.org/verify?x=1',
    'AJ1.a.b.c',
  ]) {
    const result = verifyToken(junk, village.publicKey);
    assert.equal(result, { ok: false, reason: 'malformed' }, junk);
  }
});

test.run();
