import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractToken, parseToken } from '../../src/letters/token-format.ts';
import { peekClaims, signToken, verifyToken } from '../../src/letters/verification-token.ts';
import { keyIdOf } from '../../src/store/keys.ts';
import { sampleClaims } from '../support/letter-fixtures.ts';

const village = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const claims = sampleClaims();

/** An AJ1 token as kiosks before AJ2 printed it (positional claims, same signature scheme). */
function legacyToken(array: string[]): string {
  const signed = `AJ1.${Buffer.from(JSON.stringify(array)).toString('base64url')}`;
  return `${signed}.${sign(null, Buffer.from(signed), village.privateKey).toString('base64url')}`;
}

test('round trip: an AJ2 token verifies and gives back every claim', () => {
  const token = signToken(claims, village.privateKey);
  assert.match(token, /^AJ2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(verifyToken(token, village.publicKey), { ok: true, claims: { version: 'AJ2', ...claims } });
});

test('a pengantar without validity round-trips its policy and the missing date', () => {
  const p = sampleClaims({ policy: 'pengantar', valid_until: null, type: 'sktm' });
  const result = verifyToken(signToken(p, village.privateKey), village.publicKey);
  assert.equal(result, { ok: true, claims: { version: 'AJ2', ...p } });
});

test('AJ1 tokens already printed still verify, showing what they carry', () => {
  const token = legacyToken(['470/001/1809102004/XI/2026', 'domisili', '2026-11-23', '1809102004', 'r_0a']);
  assert.equal(verifyToken(token, village.publicKey), {
    ok: true,
    claims: {
      version: 'AJ1',
      number: '470/001/1809102004/XI/2026',
      type: 'domisili',
      policy: null,
      issued: '2026-11-23',
      valid_until: null,
      village: '1809102004',
      device: null,
      key_id: null,
      resident_ref: 'r_0a',
    },
  });
});

test('compact: a realistic AJ2 token stays small enough for the 58 mm QR', () => {
  const token = signToken(claims, village.privateKey);
  assert.ok(token.length <= 290, `token is ${token.length} characters`);
});

test('the token is found inside the verification URL, percent-encoded or not', () => {
  const token = signToken(claims, village.privateKey);
  assert.is(extractToken(`https://anjungan.example.go.id/v/#${token}`), token);
  assert.is(extractToken(` https://x.test/v/index.html#${encodeURIComponent(token)}\n`), token);
  assert.equal(verifyToken(`https://x.test/v/#${token}`, village.publicKey).ok, true);
});

test('tampered claims fail with bad_signature', () => {
  const token = signToken(claims, village.privateKey);
  const [v, , sig] = token.split('.');
  const forged = signToken(sampleClaims({ number: '470/002/1809102004/XI/2026' }), other.privateKey).split(
    '.',
  )[1];
  assert.equal(verifyToken(`${v}.${forged}.${sig}`, village.publicKey), {
    ok: false,
    reason: 'bad_signature',
  });
  const sigBytes = Buffer.from(sig ?? '', 'base64url');
  sigBytes[10] = (sigBytes[10] ?? 0) ^ 0x01;
  const flipped = `${token.split('.').slice(0, 2).join('.')}.${sigBytes.toString('base64url')}`;
  assert.equal(verifyToken(flipped, village.publicKey), { ok: false, reason: 'bad_signature' });
});

test('the version is signed: an AJ2 body relabelled AJ1 does not verify', () => {
  const token = signToken(claims, village.privateKey);
  assert.equal(verifyToken(token.replace(/^AJ2/, 'AJ1'), village.publicKey).ok, false);
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

test('a token signed by another key fails with bad_signature', () => {
  const token = signToken(claims, other.privateKey);
  assert.equal(verifyToken(token, village.publicKey), { ok: false, reason: 'bad_signature' });
});

test('a newer version fails with wrong_version', () => {
  const token = signToken(claims, village.privateKey).replace(/^AJ2/, 'AJ3');
  assert.equal(verifyToken(token, village.publicKey), { ok: false, reason: 'wrong_version' });
});

test('garbage fails with malformed', () => {
  const b = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const wrongPolicy = b(['n', 't', 'x', '2026-11-23', '', 'v', 'd', 'k', 'r']);
  const badUntil = b(['n', 't', 'f', '2026-11-23', '23-12-2026', 'v', 'd', 'k', 'r']);
  for (const junk of [
    '',
    'hello',
    'AJ2.',
    'AJ2..',
    'AJ2.!!!.abc',
    `AJ2.${b({ n: 'x' })}.abc`,
    `AJ2.${wrongPolicy}.abc`,
    `AJ2.${badUntil}.abc`,
    `AJ1.${b(['a', 'b', '23-11-2026', 'c', 'd'])}.abc`,
    `AJ2.${b(['a', 'b', '2026-11-23', 'c', 'd'])}.abc`,
    'https://example.org/verify?x=1',
    'AJ2.a.b.c',
  ]) {
    assert.equal(verifyToken(junk, village.publicKey), { ok: false, reason: 'malformed' }, junk);
  }
});

test('peekClaims shows what a bad token claims; parseToken hands out the signed text', () => {
  const token = signToken(claims, village.privateKey);
  assert.is(peekClaims(token)?.number, claims.number);
  const parsed = parseToken(token);
  assert.ok(parsed.ok && parsed.token.signedText === token.split('.').slice(0, 2).join('.'));
});

test('key ids: 12 hex digits, stable for a key, different between keys', () => {
  assert.match(keyIdOf(village.publicKey), /^[0-9a-f]{12}$/);
  assert.is(keyIdOf(village.publicKey), keyIdOf(village.publicKey));
  assert.is.not(keyIdOf(village.publicKey), keyIdOf(other.publicKey));
});

test.run();
