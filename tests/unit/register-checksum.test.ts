import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { LineChecksumError, parseLine, sealLine } from '../../src/store/line-checksum.ts';
import { sktmRequest } from '../support/register-request.ts';
import { throwsCode, tmpDir } from '../support/store-helpers.ts';

const NUMBERING: Config['letters']['numbering'] = {
  format: '{code}/{seq:3}/{village_code}/{roman_month}/{year}',
  counter: 'per_type',
};
const open = (dir: string) =>
  LetterRegister.open(dir, { numbering: NUMBERING, villageCode: '1809102004', logger: silentLogger() });

const req = (minute: number) => sktmRequest(new Date(2024, 9, 15, 9, minute));

async function registerWith(letters: number): Promise<{ dir: string; file: string; lines: string[] }> {
  const dir = tmpDir();
  const reg = await open(dir);
  for (let i = 0; i < letters; i++) {
    const e = await reg.reserve(req(i));
    await reg.markPrinted(e.id, new Date(2024, 9, 15, 9, i, 30));
  }
  await reg.close();
  const file = path.join(dir, 'register.jsonl');
  return { dir, file, lines: fs.readFileSync(file, 'utf8').split('\n') };
}

test('a sealed line reads back as the record, without the checksum field', () => {
  const record = { id: 'x', seq: 12, nested: { a: [1, 2] } };
  const line = sealLine(record);
  assert.match(line, /,"crc":"[0-9a-f]{8}"\}$/);
  assert.equal(parseLine(line), record);
  assert.equal(parseLine(`${line}\r`), record, 'a CRLF line (edited on Windows) still reads');
});

test('one changed digit that still parses is caught by the checksum', () => {
  const line = sealLine({ number: 'S-11/012/1809102004/X/2024', seq: 12 });
  const flipped = line.replace('"seq":12', '"seq":13');
  JSON.parse(flipped); // still valid JSON: the parser alone cannot tell
  assert.throws(
    () => parseLine(flipped),
    (err: unknown) => err instanceof LineChecksumError,
  );
  assert.throws(() => parseLine(line.replace(/"crc":"(.)/, '"crc":"g')), /checksum mismatch/);
});

test('old lines without a checksum still read; a checksum field out of place does not', () => {
  assert.equal(parseLine('{"id":"a","seq":1}'), { id: 'a', seq: 1 });
  assert.throws(() => parseLine('{"crc":"00000000","id":"a"}'), /out of place/);
});

test("a bit flipped in the checksum field's own name is caught, not read as a line without checksum", () => {
  const line = sealLine({ id: 'a', seq: 1 });
  for (const broken of [line.replace('"crc"', '"cbc"'), line.replace('"crc"', '"crs"')])
    assert.throws(() => parseLine(broken), /checksum field damaged/);
});

test('every new register line carries a checksum', async () => {
  const { dir, lines } = await registerWith(2);
  const written = lines.filter((l) => l !== '');
  assert.is(written.length, 4);
  for (const l of written) assert.match(l, /,"crc":"[0-9a-f]{8}"\}$/);
  fs.rmSync(dir, { recursive: true });
});

test('a register mixing old lines (no checksum) and new ones opens and goes on numbering', async () => {
  const { dir, file, lines } = await registerWith(2);
  // The first letter as an older kiosk wrote it: no checksum fields.
  const old = lines.map((l, i) => (i < 2 ? l.replace(/,"crc":"[0-9a-f]{8}"\}$/, '}') : l));
  fs.writeFileSync(file, old.join('\n'));
  const reg = await open(dir);
  assert.is(reg.size(), 2);
  const third = await reg.reserve(req(10));
  assert.is(third.seq, 3);
  assert.equal(
    reg.list().map((e) => e.seq),
    [1, 2, 3],
  );
  assert.not.ok('crc' in reg.list()[0]!, 'the checksum is not part of an entry');
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('a flipped digit in the sequence of the LAST line is caught and named (file and line), not read as a number', async () => {
  const { dir, file, lines } = await registerWith(3);
  // Line 5 is the third letter's reserve line: seq 3 → 7, number unchanged, still valid JSON.
  assert.match(lines[4]!, /"seq":3,/);
  lines[4] = lines[4]!.replace('"seq":3,', '"seq":7,');
  fs.writeFileSync(file, lines.join('\n'));
  const err = await throwsCode(() => open(dir), 'register_corrupt');
  assert.ok(err.message.includes(`${file} line 5`), err.message);
  assert.match(err.message, /checksum mismatch/);
  fs.rmSync(dir, { recursive: true });
});

test('a complete last line that no longer parses is damage, not a torn write: refused, not cut off', async () => {
  const { dir, file, lines } = await registerWith(2);
  const last = lines.length - 2; // the final element is the empty string after the last newline
  lines[last] = lines[last]!.replace('"op"', '"o\u0000"').replace('{', '[');
  fs.writeFileSync(file, lines.join('\n'));
  const before = fs.readFileSync(file);
  const err = await throwsCode(() => open(dir), 'register_corrupt');
  assert.ok(err.message.includes(`line ${last + 1}`), err.message);
  assert.equal(fs.readFileSync(file), before, 'nothing was truncated');
  fs.rmSync(dir, { recursive: true });
});

test.run();
