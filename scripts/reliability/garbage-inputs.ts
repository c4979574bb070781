/**
 * Garbage campaign, targets "hid" and "config" (issue 9, §3):
 *
 *   hid     any bytes from a keyboard-mode reader, cut into any chunks: the decoder never
 *           throws, gives the same answers however the bytes were chunked, and every answer is
 *           a 4- or 7-byte UID or an error; a UID typed among key releases and modifiers
 *           decodes to itself.
 *   config  any JSON (or any bytes) as the config file, any ANJUNGAN_* overrides: loading
 *           either gives a config or fails with a KioskError naming the problem
 *           (config_invalid / config_unreadable), never another exception.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/load-config.ts';
import { isKioskError } from '../../src/errors.ts';
import { decimalToUid, HidUidDecoder } from '../../src/hardware/card-reader.hid.ts';

const EVENT = 24;

/** One `struct input_event` (64-bit layout): zero time, type, code, value. */
function inputEvent(type: number, code: number, value: number): Buffer {
  const b = Buffer.alloc(EVENT);
  b.writeUInt16LE(type, 16);
  b.writeUInt16LE(code, 18);
  b.writeInt32LE(value, 20);
  return b;
}

const DIGIT_CODES: Record<string, number> = { 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 7, 7: 8, 8: 9, 9: 10, 0: 11 };

/** Cuts `buf` at the given fractions: the same bytes as a reader's reads might deliver them. */
function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  out.push(buf.subarray(from));
  return out;
}

function decodeAll(chunks: Buffer[]): string[] {
  const decoder = new HidUidDecoder(false, EVENT);
  return chunks
    .flatMap((c) => decoder.push(c))
    .map((r) => (r.kind === 'uid' ? r.uid.toString('hex') : `error:${r.reason}`));
}

/** Key events as a keyboard-mode reader sends them, plus noise it may add. */
const keyEvent = fc
  .oneof(
    // Mostly digits and Enter pressed: what makes UIDs and errors come out.
    {
      weight: 4,
      arbitrary: fc.tuple(
        fc.constant(1),
        fc.constantFrom(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 28),
        fc.constant(1),
      ),
    },
    fc.tuple(fc.constant(1), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 2 })),
    fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 0xffff }), fc.integer()),
  )
  .map(([t, c, v]) => inputEvent(t, c, v));

export function hidProperty() {
  return fc.property(
    fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) },
      {
        weight: 4,
        arbitrary: fc.array(keyEvent, { maxLength: 40, size: 'max' }).map((e) => Buffer.concat(e)),
      },
    ),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
    (bytes, cuts) => {
      const whole = decodeAll([bytes]);
      const pieces = decodeAll(chunked(bytes, cuts));
      if (JSON.stringify(whole) !== JSON.stringify(pieces))
        throw new Error(`chunking changed the result: ${JSON.stringify(whole)} vs ${JSON.stringify(pieces)}`);
      for (const r of whole)
        if (!r.startsWith('error:') && r.length !== 8 && r.length !== 14)
          throw new Error(`odd UID length: ${r}`);
    },
  );
}

export function hidRoundTripProperty() {
  return fc.property(
    fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 7, maxLength: 7 })),
    fc.array(fc.constantFrom(42, 54, 69), { maxLength: 3 }),
    (uidBytes, modifiers) => {
      const uid = Buffer.from(uidBytes);
      const digits = BigInt(`0x${uid.toString('hex')}`).toString(10);
      // A 7-byte UID whose value fits 4 bytes cannot be told from a 4-byte one by its digits.
      const expected = decimalToUid(digits, false);
      if (!expected) throw new Error(`${digits} does not decode`);
      const events: Buffer[] = [];
      for (const m of modifiers) events.push(inputEvent(1, m, 1), inputEvent(1, m, 0));
      for (const d of digits) {
        const code = DIGIT_CODES[d] ?? 0;
        events.push(inputEvent(1, code, 1), inputEvent(0, 0, 0), inputEvent(1, code, 0));
      }
      events.push(inputEvent(1, 28, 1), inputEvent(1, 28, 0));
      const got = decodeAll([Buffer.concat(events)]);
      if (JSON.stringify(got) !== JSON.stringify([expected.toString('hex')]))
        throw new Error(`typed ${digits}, decoded ${JSON.stringify(got)}`);
    },
  );
}

const CONFIG_KEYS = [
  'village',
  'device',
  'data_dir',
  'timeouts',
  'limits',
  'flow',
  'clock',
  'letters',
  'hardware',
  'mqtt',
  'log',
];
const ENV_NAMES = [
  'ANJUNGAN_DATA_DIR',
  'ANJUNGAN_MQTT_URL',
  'ANJUNGAN_HARDWARE_PRINTER_PAPER_MM',
  'ANJUNGAN_TIMEOUTS_INACTIVITY_S',
  'ANJUNGAN_LETTERS_TYPES_SKTM_CODE',
  'ANJUNGAN_LETTERS_TYPES_PENGANTAR_SKCK_DAILY_LIMIT',
  'ANJUNGAN_VILLAGE_CODE',
  'ANJUNGAN_CLOCK_NTP_SERVERS',
  'ANJUNGAN_NO_SUCH_KEY',
];

const configDocument = fc.oneof(
  fc.dictionary(fc.constantFrom(...CONFIG_KEYS), fc.jsonValue()).map((o) => JSON.stringify(o)),
  fc.json(),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
);

export function configProperty(dir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-garbage-'))) {
  const file = path.join(dir, 'config.json');
  return fc.property(
    configDocument,
    fc.dictionary(fc.constantFrom(...ENV_NAMES), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
    (text, env) => {
      fs.writeFileSync(file, text);
      try {
        const { config } = loadConfig({ path: file, env });
        if (typeof config.village.code !== 'string')
          throw new Error('loaded a config without a village code');
      } catch (err) {
        if (!isKioskError(err, 'config_invalid') && !isKioskError(err, 'config_unreadable'))
          throw new Error(`config loading threw ${String(err)} for ${JSON.stringify(text).slice(0, 200)}`);
        if (!(err as Error).message) throw new Error('a config error without a message');
      }
    },
  );
}
