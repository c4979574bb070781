/**
 * The simulated reader, buttons and indicator behave like the devices: events in the order a
 * reader reports them, failures a resident can cause (pulled card, random UID, unplugged
 * reader), nothing before start().
 */
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isKioskError } from '../../src/errors.ts';
import { SimButtons } from '../../src/hardware/buttons.sim.ts';
import { SimCardReader } from '../../src/hardware/card-reader.sim.ts';
import { SimIndicator } from '../../src/hardware/indicator.sim.ts';
import { createLogger } from '../../src/log.ts';

const UID = Buffer.from('04a1b2c3d4e5f6', 'hex');

function record(reader: SimCardReader): string[] {
  const seen: string[] = [];
  reader.on('detected', () => seen.push('detected'));
  reader.on('tap', (t) => seen.push(`tap:${t.uid.toString('hex')}`));
  reader.on('read_error', (e) => seen.push(`error:${isKioskError(e) ? e.code : '?'}`));
  reader.on('removed', () => seen.push('removed'));
  reader.on('presence', (p) => seen.push(`presence:${p}`));
  return seen;
}

function capture() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('debug', out), lines };
}

test('reader: tap, a second card, removal, pulled mid-read, random UID', async () => {
  const reader = new SimCardReader();
  const seen = record(reader);
  await reader.start();
  reader.tap(UID);
  assert.ok(reader.cardInField?.equals(UID));
  reader.tap(Buffer.from('04000000000001', 'hex'));
  reader.remove();
  reader.remove();
  reader.pullMidRead(UID);
  reader.tap(Buffer.from('08a1b2c3', 'hex'));
  assert.equal(seen, [
    'presence:true',
    'detected',
    'tap:04a1b2c3d4e5f6',
    'removed',
    'detected',
    'tap:04000000000001',
    'removed',
    'detected',
    'error:card_removed',
    'removed',
    'detected',
    'error:card_random_uid',
  ]);
  await reader.stop();
});

test('reader: unplugged it is absent, taps are ignored with a warning, plugged it serves again', async () => {
  const { logger, lines } = capture();
  const reader = new SimCardReader(logger);
  const seen = record(reader);
  await reader.start();
  reader.tap(UID);
  reader.unplug();
  assert.is(reader.present, false);
  assert.is(reader.cardInField, null, 'the card went with the reader');
  reader.tap(UID);
  reader.pullMidRead(UID);
  assert.ok(
    lines.some((l) => l.startsWith('<4>') && l.includes('unplugged')),
    'a warning says why',
  );
  reader.plug();
  reader.tap(UID);
  assert.equal(seen, [
    'presence:true',
    'detected',
    'tap:04a1b2c3d4e5f6',
    'presence:false',
    'presence:true',
    'detected',
    'tap:04a1b2c3d4e5f6',
  ]);
  assert.match(reader.describe(), /simulated/);
});

test('buttons: presses after start only; unknown names are a usage error', async () => {
  const buttons = new SimButtons();
  const seen: string[] = [];
  buttons.on('press', (b) => seen.push(b));
  buttons.on('long_press', (b) => seen.push(`long:${b}`));
  buttons.press('ok');
  await buttons.start();
  buttons.press('up');
  buttons.longPress('back');
  assert.throws(
    () => buttons.press('left' as 'up'),
    (e: unknown) => isKioskError(e, 'usage'),
  );
  await buttons.stop();
  buttons.press('down');
  assert.equal(seen, ['up', 'long:back']);
});

test('indicator: records every signal in order', () => {
  const indicator = new SimIndicator();
  indicator.signal('ok');
  indicator.signal('error');
  indicator.signal('attention');
  assert.equal(indicator.signals, ['ok', 'error', 'attention']);
});

test.run();
