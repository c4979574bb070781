/**
 * Keyboard-mode card readers: decoding Linux input events into UIDs, and the adapter reading a
 * FIFO / regular file standing in for /dev/input/eventN.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KioskError } from '../../src/errors.ts';
import {
  createHidCardReader,
  decimalToUid,
  HidUidDecoder,
  inputEventSize,
} from '../../src/hardware/card-reader.hid.ts';
import type { CardTap } from '../../src/hardware/card-reader.ts';
import { silentLogger } from '../../src/log.ts';
import { ev } from '../support/input-events.ts';

const EV_SYN = 0;
const EV_KEY = 1;
const EV_MSC = 4;
const KEYS: Record<string, number> = {
  '1': 2,
  '2': 3,
  '3': 4,
  '4': 5,
  '5': 6,
  '6': 7,
  '7': 8,
  '8': 9,
  '9': 10,
  '0': 11,
};
const USAGE: Record<string, number> = {
  '1': 0x1e,
  '2': 0x1f,
  '3': 0x20,
  '4': 0x21,
  '5': 0x22,
  '6': 0x23,
  '7': 0x24,
  '8': 0x25,
  '9': 0x26,
  '0': 0x27,
};

/**
 * What a USB HID keyboard-mode reader produces for "digits⏎", event for event, the way `evtest`
 * shows it: MSC_SCAN + KEY down + SYN, then MSC_SCAN + KEY up + SYN, 8 ms per report.
 */
function typed(text: string, size: 16 | 24 = 24, { repeatFirst = false } = {}): Buffer {
  const parts: Buffer[] = [];
  let t = 1_732_000_000_000_000;
  const key = (code: number, usage: number, value: number) => {
    parts.push(
      ev(size, t, EV_MSC, 4, 0x70000 + usage),
      ev(size, t, EV_KEY, code, value),
      ev(size, t, EV_SYN, 0, 0),
    );
    t += 8000;
  };
  [...text].forEach((ch, i) => {
    const [code, usage] = ch === '\n' ? [28, 0x28] : [KEYS[ch]!, USAGE[ch]!];
    key(code, usage, 1);
    if (repeatFirst && i === 0) key(code, usage, 2); // auto-repeat must not add a digit
    key(code, usage, 0);
  });
  return Buffer.concat(parts);
}

test('struct input_event is 24 bytes on 64-bit and 16 on 32-bit userland', () => {
  assert.is(inputEventSize('x64'), 24);
  assert.is(inputEventSize('arm64'), 24);
  assert.is(inputEventSize('arm'), 16);
});

test('decimal → UID: up to 2^32 - 1 in ≤ 10 digits = 4 bytes, else 7 bytes, reversed on request', () => {
  const rows: [string, boolean, string | null][] = [
    ['2712847316', false, 'a1b2c3d4'],
    ['2712847316', true, 'd4c3b2a1'],
    ['0000000001', false, '00000001'],
    ['1304792892040950', false, '04a2b3c4d5e6f6'],
    ['01304792892040950', false, '04a2b3c4d5e6f6'],
    ['72057594037927935', false, 'ffffffffffffff'],
    // 10 digits but above 32 bits: no 4-byte card types it, so it is a 7-byte UID (as the OpenSID import reads it)
    ['4294967296', false, '00000100000000'],
    ['720575940379279360', false, null], // 18 digits
    ['12a4', false, null],
  ];
  for (const [digits, rev, hex] of rows) {
    const uid = decimalToUid(digits, rev);
    assert.is(uid ? uid.toString('hex') : null, hex, `${digits} reverse=${rev}`);
  }
});

test('decoder: a recorded 4-byte tap, with auto-repeat and releases ignored', () => {
  const d = new HidUidDecoder(false, 24);
  assert.equal(
    d
      .push(typed('2712847316\n', 24, { repeatFirst: true }))
      .map((r) => (r.kind === 'uid' ? r.uid.toString('hex') : r.reason)),
    ['a1b2c3d4'],
  );
});

test('decoder: events split across reads at any byte, several taps in one read', () => {
  const bytes = Buffer.concat([typed('2712847316\n'), typed('1304792892040950\n')]);
  for (const step of [1, 7, 24, 25, 100]) {
    const d = new HidUidDecoder(false, 24);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += step) {
      for (const r of d.push(bytes.subarray(i, i + step)))
        out.push(r.kind === 'uid' ? r.uid.toString('hex') : r.reason);
    }
    assert.equal(out, ['a1b2c3d4', '04a2b3c4d5e6f6'], `chunk ${step}`);
  }
});

test('decoder: 32-bit event layout and the reversed-byte option', () => {
  const d = new HidUidDecoder(true, 16);
  const [r] = d.push(typed('2712847316\n', 16));
  assert.is(r?.kind === 'uid' && r.uid.toString('hex'), 'd4c3b2a1');
});

test('decoder: a letter key (reader in hex mode) and too many digits are errors; a bare Enter is nothing', () => {
  const d = new HidUidDecoder(false, 24);
  const letterA = Buffer.concat([ev(24, 0, EV_KEY, 30, 1), ev(24, 0, EV_KEY, 30, 0)]);
  const out = [
    ...d.push(Buffer.concat([typed('12'), letterA, typed('34\n')])),
    ...d.push(typed('\n')),
    ...d.push(typed('123456789012345678\n')),
  ];
  assert.is(out.length, 2);
  assert.ok(out[0]?.kind === 'error' && /key code 30/.test(out[0].reason));
  assert.ok(out[1]?.kind === 'error' && /18 digits/.test(out[1].reason));
});

type Seen = { taps: string[]; errors: string[]; presence: boolean[] };
function watch(reader: Awaited<ReturnType<typeof createHidCardReader>>): Seen {
  const seen: Seen = { taps: [], errors: [], presence: [] };
  reader.on('tap', (t: CardTap) => seen.taps.push(t.uid.toString('hex')));
  reader.on('read_error', (e: KioskError) => seen.errors.push(e.code));
  reader.on('presence', (p: boolean) => seen.presence.push(p));
  return seen;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cfg = (device: string | null, reverse = false) => ({
  driver: 'hid' as const,
  name: null,
  hid_device: device,
  hid_reverse: reverse,
});

test('adapter: no hid_device configured is a config error naming the key', async () => {
  const err = await createHidCardReader(cfg(null), silentLogger()).catch((e: unknown) => e as KioskError);
  assert.is((err as KioskError).code, 'config_invalid');
  assert.match((err as KioskError).message, /hid_device/);
});

test('adapter: taps typed into a FIFO standing in for the input device; random UID refused; writer gone = unplugged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const fifo = path.join(dir, 'event-kbd');
  execFileSync('mkfifo', [fifo]);
  const reader = await createHidCardReader(cfg(fifo), silentLogger(), { reopenMs: 50 });
  const writer = fs.openSync(fifo, fs.constants.O_RDWR); // the "device": keeps the FIFO open
  try {
    const seen = watch(reader);
    await reader.start();
    assert.ok(reader.present);
    fs.writeSync(writer, typed('2712847316\n'));
    await until(() => seen.taps.length === 1);
    fs.writeSync(writer, typed('0136529204\n')); // 0x08234534: random UID
    fs.writeSync(writer, typed('1304792892040950\n'));
    await until(() => seen.taps.length === 2);
    assert.equal(seen.taps, ['a1b2c3d4', '04a2b3c4d5e6f6']);
    assert.equal(seen.errors, ['card_random_uid']);
    fs.closeSync(writer);
    await until(() => seen.presence.includes(false));
    assert.not.ok(reader.present);
  } finally {
    await reader.stop();
    try {
      fs.closeSync(writer);
    } catch {
      // closed above
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('adapter: a regular file (no epoll) is polled; a missing device is retried until it appears', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const file = path.join(dir, 'event0');
  const reader = await createHidCardReader(cfg(file, true), silentLogger(), { pollMs: 10, reopenMs: 30 });
  try {
    const seen = watch(reader);
    await reader.start();
    assert.not.ok(reader.present);
    fs.writeFileSync(file, '');
    await until(() => reader.present);
    fs.appendFileSync(file, typed('2712847316\n'));
    await until(() => seen.taps.length === 1);
    assert.equal(seen.taps, ['d4c3b2a1']);
  } finally {
    await reader.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
