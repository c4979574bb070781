/**
 * The PC/SC adapter against a REAL pcscd with vsmartcard's vpcd reader and a virtual card that
 * speaks the vpcd protocol. pcscd polls: tap→UID takes ~0.5 s, removal ~0.4 s; waits are seconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPcscCardReader, readerMatches } from '../../src/hardware/card-reader.pcsc.ts';
import { silentLogger } from '../../src/log.ts';
import { type PcscdInstance, skipWithoutPcscd, startPcscd } from '../support/pcscd.ts';
import { type ReaderChild, spawnPcscReader, stopOnPresence } from '../support/pcscd-reader.ts';
import { ATR_ISO14443_4, ATR_MIFARE, VirtualCard } from '../support/virtual-card.ts';

const skip = skipWithoutPcscd('tests/integration/pcsc-reader.test.ts');
let pcscd: PcscdInstance | null = null;
let reader: ReaderChild | null = null;

const card = (uidHex: string, atr: Buffer = ATR_MIFARE) =>
  new VirtualCard({ port: pcscd!.vpcdPort, uid: Buffer.from(uidHex, 'hex'), atr });

test.before(async () => {
  if (skip) return;
  pcscd = await startPcscd();
  reader = await spawnPcscReader(pcscd);
});

test.after(async () => {
  try {
    if (reader) await reader.stop();
  } finally {
    await pcscd?.stop();
  }
});

test('nfc-pcsc missing: the kiosk stops with a message saying what to install', async () => {
  const cfg = { driver: 'pcsc' as const, name: null, hid_device: null, hid_reverse: false };
  const err = await createPcscCardReader(cfg, silentLogger(), {
    load: () => Promise.reject(new Error("Cannot find package 'nfc-pcsc'")),
  }).catch((e: unknown) => e);
  assert.instance(err, Error);
  assert.is((err as { code?: string }).code, 'dependency_missing');
  assert.match((err as Error).message, /libpcsclite-dev/);
});

test('reader selection: by name substring, and never a SAM slot by default', () => {
  assert.ok(readerMatches('ACS ACR1252 1S CL Reader PICC 00 00', null));
  assert.not.ok(readerMatches('ACS ACR1252 1S CL Reader SAM 00 01', null));
  assert.ok(readerMatches('Virtual PCD 00 01', 'pcd 00 01'));
  assert.not.ok(readerMatches('Virtual PCD 00 00', 'PCD 00 01'));
});

test('the virtual reader is found at start', () => {
  if (skip) return;
  const started = reader!.events.find((e) => e.ev === 'started');
  assert.is(started?.present, true);
  assert.match(String(started?.describe), /Virtual PCD 00 00/);
});

test('MIFARE-like card (ISO 14443-3): tap gives its 4-byte UID and ATR; removal is reported', async () => {
  if (skip) return;
  const c = card('a1b2c3d4');
  await c.insert();
  await reader!.next('detected');
  const { event } = await reader!.next('tap');
  assert.is(event.uid, 'a1b2c3d4');
  assert.is(event.atr, ATR_MIFARE.toString('hex'));
  assert.equal(c.apdus[0]?.toString('hex'), 'ffca000000');
  await c.remove();
  await reader!.next('removed');
});

test('ISO 14443-4 card (like the e-KTP) with a 7-byte UID: read, not "AID was not set"', async () => {
  if (skip) return;
  const c = card('04a1b2c3d4e5f6', ATR_ISO14443_4);
  await c.insert();
  const { event, skipped } = await reader!.next('tap');
  assert.is(event.uid, '04a1b2c3d4e5f6');
  assert.is(event.atr, ATR_ISO14443_4.toString('hex'));
  assert.not.ok(skipped.some((e) => e.ev === 'read_error'));
  await c.remove();
  await reader!.next('removed');
});

test('an error status word is a read error (card_error), not a tap', async () => {
  if (skip) return;
  const c = card('a1b2c3d4');
  c.statusWord = Buffer.from('6a81', 'hex');
  await c.insert();
  const { event } = await reader!.next('read_error');
  assert.is(event.code, 'card_error');
  assert.match(String(event.message), /6a81/);
  await c.remove();
  const { skipped } = await reader!.next('removed');
  assert.not.ok(skipped.some((e) => e.ev === 'tap'));
});

test('a random UID (first byte 08) is refused: card_random_uid', async () => {
  if (skip) return;
  const c = card('08123456');
  await c.insert();
  const { event, skipped } = await reader!.next('read_error');
  assert.is(event.code, 'card_random_uid');
  assert.not.ok(skipped.some((e) => e.ev === 'tap'));
  await c.remove();
  await reader!.next('removed');
});

test('a card pulled mid-read is card_removed, and the reader keeps working', async () => {
  if (skip) return;
  const c = card('a1b2c3d4', ATR_ISO14443_4);
  c.vanishOnCommand = true;
  await c.insert();
  const { event } = await reader!.next('read_error');
  assert.is(event.code, 'card_removed');
  await reader!.next('removed');
  const again = card('c0ffee01');
  await again.insert();
  assert.is((await reader!.next('tap')).event.uid, 'c0ffee01');
  await again.remove();
  await reader!.next('removed');
});

test('pcscd dies: reader absent; pcscd back: reader present again and taps work', async () => {
  if (skip) return;
  await pcscd!.kill();
  assert.is((await reader!.next('presence')).event.present, false);
  await new Promise((r) => setTimeout(r, 1500)); // the adapter retries while pcscd is down
  await pcscd!.revive();
  assert.is((await reader!.next('presence', 15_000)).event.present, true);
  const c = card('11223344');
  await c.insert();
  assert.is((await reader!.next('tap')).event.uid, '11223344');
  await c.remove();
  await reader!.next('removed');
});

test('pcscd restarted (systemd restart): survived without a crash', async () => {
  if (skip) return;
  await pcscd!.restart();
  assert.is((await reader!.next('presence')).event.present, false);
  assert.is((await reader!.next('presence', 15_000)).event.present, true);
  const c = card('55667788');
  await c.insert();
  assert.is((await reader!.next('tap')).event.uid, '55667788');
  await c.remove();
});

test('stop() releases the reader and the process exits by itself (no hang)', async () => {
  if (skip) return;
  const code = await reader!.stop();
  reader = null;
  assert.is(code, 0);
});

test('stopped the moment the reader appears (selftest does): every process still exits by itself', async () => {
  if (skip) return;
  // Several at once load the machine, which widens the window the native status thread needs
  // to start: closing a reader inside it once left a libuv handle open and the process hung.
  const runs = await Promise.all(Array.from({ length: 6 }, () => stopOnPresence(pcscd!)));
  for (const r of runs) {
    assert.ok(r.stopped, r.output);
    assert.ok(r.exitedByItself, `the process did not exit within 15 s after stop()\n${r.output}`);
  }
});

test.run();
