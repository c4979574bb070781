import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { isKioskError } from '../../src/errors.ts';
import { formatLetterNumber, romanMonth, validateNumberFormat } from '../../src/letters/numbering.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { capturingLogger, throwsCode, tmpDir } from '../support/store-helpers.ts';

const DEFAULT_FORMAT = '{code}/{seq:3}/{village_code}/{roman_month}/{year}';
const VILLAGE = '1809102004';

type Numbering = Config['letters']['numbering'];

function open(dir: string, counter: Numbering['counter'] = 'per_type', logger = silentLogger()) {
  return LetterRegister.open(dir, {
    numbering: { format: DEFAULT_FORMAT, counter },
    villageCode: VILLAGE,
    logger,
  });
}

/** Local time (the kiosk's zone), month 1-12. */
const at = (y: number, m: number, d: number, h = 9, min = 0) => new Date(y, m - 1, d, h, min);

const SKTM = { letter_type: 'sktm', code: 'S-11' };
const DOMISILI = { letter_type: 'domisili', code: '470' };

function req(type: { letter_type: string; code: string }, when: Date, ref = 'r_0123456789abcdef0123') {
  return {
    ...type,
    resident_ref: ref,
    nik_masked: '************0001',
    purpose: 'Persyaratan sekolah',
    policy: 'final' as const,
    at: when,
  };
}

// ---- numbers ----------------------------------------------------------------------------

test('Roman months I..XII, and nothing else', () => {
  const expected = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
  for (let m = 1; m <= 12; m++) assert.is(romanMonth(m), expected[m - 1]);
  for (const bad of [0, 13, 1.5, Number.NaN]) assert.throws(() => romanMonth(bad));
});

test('the default format gives the village number S-11/001/1809102004/X/2024', () => {
  const n = formatLetterNumber(DEFAULT_FORMAT, {
    code: 'S-11',
    seq: 1,
    villageCode: VILLAGE,
    date: at(2024, 10, 15),
  });
  assert.is(n, 'S-11/001/1809102004/X/2024');
});

test('padding: {seq:N} pads to N and never cuts; {seq} is bare; {month} is two digits', () => {
  const p = (format: string, seq: number, date = at(2024, 3, 5)) =>
    formatLetterNumber(format, { code: '400.12.3.2', seq, villageCode: VILLAGE, date });
  assert.is(p('{seq:3}', 7), '007');
  assert.is(p('{seq:3}', 1234), '1234');
  assert.is(p('{seq:5}', 42), '00042');
  assert.is(p('{seq}', 42), '42');
  assert.is(p('{code}.{seq:4}/{month}/{year}', 9), '400.12.3.2.0009/03/2024');
  assert.is(p('{roman_month}-{month}', 1, at(2024, 12, 31, 23, 59)), 'XII-12');
});

test('a format with an unknown placeholder or without {seq} is a config error naming the key', () => {
  for (const bad of ['{code}/{nomor}/{year}', '{code}/{year}', '{code}/{year:4}/{seq}']) {
    let caught: unknown;
    try {
      validateNumberFormat(bad);
    } catch (err) {
      caught = err;
    }
    assert.ok(isKioskError(caught, 'config_invalid'), bad);
    assert.match((caught as Error).message, 'letters.numbering.format');
  }
  validateNumberFormat(DEFAULT_FORMAT);
  validateNumberFormat('{seq}');
});

// ---- register ---------------------------------------------------------------------------

test('per-type counters: each letter type counts from 001; the number carries code and month', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const a = await reg.reserve(req(SKTM, at(2024, 10, 15)));
  const b = await reg.reserve(req(SKTM, at(2024, 10, 15, 10)));
  const c = await reg.reserve(req(DOMISILI, at(2024, 11, 2)));
  assert.is(a.number, 'S-11/001/1809102004/X/2024');
  assert.is(b.number, 'S-11/002/1809102004/X/2024');
  assert.is(c.number, '470/001/1809102004/XI/2024');
  assert.is(a.status, 'printing');
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('shared counter: one sequence across all letter types', async () => {
  const dir = tmpDir();
  const reg = await open(dir, 'shared');
  const numbers = [];
  for (const t of [SKTM, DOMISILI, SKTM, DOMISILI])
    numbers.push((await reg.reserve(req(t, at(2024, 10, 15)))).number);
  assert.equal(numbers, [
    'S-11/001/1809102004/X/2024',
    '470/002/1809102004/X/2024',
    'S-11/003/1809102004/X/2024',
    '470/004/1809102004/X/2024',
  ]);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('year rollover: the sequence restarts at 001 on 1 January (local time)', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await reg.reserve(req(SKTM, at(2024, 12, 31, 23, 58)));
  const last = await reg.reserve(req(SKTM, at(2024, 12, 31, 23, 59)));
  const first = await reg.reserve(req(SKTM, at(2025, 1, 1, 0, 1)));
  assert.is(last.number, 'S-11/002/1809102004/XII/2024');
  assert.is(first.number, 'S-11/001/1809102004/I/2025');
  assert.is(first.year, 2025);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('restart in the middle of a year continues the sequence, failed numbers included', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const a = await reg.reserve(req(SKTM, at(2024, 10, 15)));
  await reg.markPrinted(a.id, at(2024, 10, 15, 9, 1));
  const b = await reg.reserve(req(SKTM, at(2024, 10, 15, 9, 5)));
  await reg.markFailed(b.id, 'paper_out', at(2024, 10, 15, 9, 6));
  await reg.close();

  const again = await open(dir);
  assert.is(again.interrupted.length, 0);
  assert.is(again.find(a.number)?.status, 'printed');
  assert.is(again.find(b.number)?.status, 'failed');
  assert.is(again.find(b.number)?.reason, 'paper_out');
  const c = await again.reserve(req(SKTM, at(2024, 10, 16)));
  assert.is(c.number, 'S-11/003/1809102004/X/2024');
  await again.close();
  fs.rmSync(dir, { recursive: true });
});

test('a letter left printing by a crash is reported as interrupted and its number is not reused', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const crashed = await reg.reserve(req(SKTM, at(2024, 10, 15)));
  // Power cut: no markPrinted, no close.
  const { logger, warnings } = capturingLogger();
  const again = await open(dir, 'per_type', logger);
  assert.is(again.interrupted.length, 1);
  assert.is(again.interrupted[0]!.number, crashed.number);
  assert.is(again.interrupted[0]!.status, 'interrupted');
  assert.ok(warnings().some((w) => w.number === crashed.number));
  const next = await again.reserve(req(SKTM, at(2024, 10, 15, 11)));
  assert.is(next.number, 'S-11/002/1809102004/X/2024');
  await again.markPrinted(next.id, at(2024, 10, 15, 11, 1));
  await again.close();
  await reg.close();

  // Reported once: the interruption is recorded, a third start has nothing new to report.
  const third = await open(dir);
  assert.is(third.interrupted.length, 0);
  assert.is(third.find(crashed.number)?.status, 'interrupted');
  await third.close();
  fs.rmSync(dir, { recursive: true });
});

test('the reservation is on disk before reserve() resolves', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const e = await reg.reserve(req(SKTM, at(2024, 10, 15)));
  const lines = fs.readFileSync(path.join(dir, 'register.jsonl'), 'utf8').trim().split('\n');
  assert.is(lines.length, 1);
  assert.is(JSON.parse(lines[0]!).number, e.number);
  assert.is(JSON.parse(lines[0]!).status, 'printing');
  await reg.markPrinted(e.id, at(2024, 10, 15, 9, 1));
  assert.is(fs.readFileSync(path.join(dir, 'register.jsonl'), 'utf8').trim().split('\n').length, 2);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('a letter dated before the newest entry (the clock went back) is refused and nothing is written', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const first = await reg.reserve(req(SKTM, at(2024, 10, 15, 10)));
  await reg.markPrinted(first.id, at(2024, 10, 15, 10, 1));
  const file = path.join(dir, 'register.jsonl');
  const before = fs.readFileSync(file, 'utf8');
  const err = await throwsCode(() => reg.reserve(req(SKTM, at(2024, 10, 15, 9, 59))), 'clock_untrusted');
  assert.match(err.message, /earlier than the newest letter/);
  assert.is(fs.readFileSync(file, 'utf8'), before, 'the register is not touched');
  // The same instant is fine (two letters within one millisecond), and so is any later one.
  const next = await reg.reserve(req(SKTM, at(2024, 10, 15, 10)));
  assert.is(next.seq, 2);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('a torn last line (power cut mid-append) is dropped with a warning; the register goes on', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const a = await reg.reserve(req(SKTM, at(2024, 10, 15)));
  await reg.markPrinted(a.id, at(2024, 10, 15, 9, 1));
  await reg.close();
  const file = path.join(dir, 'register.jsonl');
  fs.appendFileSync(file, '{"id":"20241015-000002","number":"S-11/002/1809102004/X/2024","letter_ty');

  const { logger, warnings } = capturingLogger();
  const again = await open(dir, 'per_type', logger);
  assert.is(warnings().length, 1);
  assert.is(again.size(), 1);
  const b = await again.reserve(req(SKTM, at(2024, 10, 15, 10)));
  assert.is(b.number, 'S-11/002/1809102004/X/2024');
  await again.close();
  // The fragment was cut off: every line of the file is whole JSON again.
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) JSON.parse(line);
  const third = await open(dir);
  assert.is(third.size(), 2);
  await third.close();
  fs.rmSync(dir, { recursive: true });
});

test('a damaged line in the middle refuses to open, naming the line', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  for (let i = 0; i < 3; i++) await reg.reserve(req(SKTM, at(2024, 10, 15, 9, i)));
  await reg.close();
  const file = path.join(dir, 'register.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[1] = lines[1]!.slice(0, 40);
  fs.writeFileSync(file, lines.join('\n'));
  const err = await throwsCode(() => open(dir), 'register_corrupt');
  assert.match(err.message, 'line 2');
  assert.match(err.message, file);
  fs.rmSync(dir, { recursive: true });
});

test('daily counts: issuedToday counts printed letters only (failed, printing, interrupted do not); countOn counts every letter not failed', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const budi = 'r_aaaaaaaaaaaaaaaaaaaa';
  const siti = 'r_bbbbbbbbbbbbbbbbbbbb';
  const a = await reg.reserve(req(SKTM, at(2024, 10, 15, 8), budi));
  await reg.markPrinted(a.id, at(2024, 10, 15, 8, 1));
  const b = await reg.reserve(req(SKTM, at(2024, 10, 15, 9), budi));
  await reg.markFailed(b.id, 'paper_out', at(2024, 10, 15, 9, 1));
  await reg.reserve(req(DOMISILI, at(2024, 10, 15, 10), budi));
  await reg.reserve(req(SKTM, at(2024, 10, 15, 11), siti));
  await reg.reserve(req(SKTM, at(2024, 10, 16, 0, 5), budi));

  assert.is(reg.issuedToday(budi, 'sktm', at(2024, 10, 15, 23, 59)), 1);
  assert.is(reg.issuedToday(budi, 'domisili', at(2024, 10, 15, 12)), 0, 'still printing: not received');
  assert.is(reg.issuedToday(budi, 'sktm', at(2024, 10, 16, 12)), 0);
  assert.is(reg.issuedToday(siti, 'domisili', at(2024, 10, 15, 12)), 0);
  assert.is(reg.countOn(at(2024, 10, 15, 12)), 3);
  assert.is(reg.countOn(at(2024, 10, 16, 12)), 1);
  assert.is(reg.newestTime()?.getTime(), at(2024, 10, 16, 0, 5).getTime());
  assert.equal(
    reg.list({ date: '2024-10-15', type: 'sktm' }).map((e) => e.status),
    ['printed', 'failed', 'printing'],
  );
  assert.is(reg.list({ month: '2024-10' }).length, 5);
  await reg.close();

  // After a restart the printing ones are interrupted: their numbers stay used (countOn), but
  // the resident did not get them, so they do not use up the daily limit.
  const again = await open(dir);
  assert.is(again.issuedToday(budi, 'sktm', at(2024, 10, 15, 20)), 1);
  assert.is(again.issuedToday(budi, 'domisili', at(2024, 10, 15, 20)), 0);
  assert.is(again.issuedToday(budi, 'sktm', at(2024, 10, 16, 20)), 0);
  assert.is(again.countOn(at(2024, 10, 15, 12)), 3);
  await again.close();
  fs.rmSync(dir, { recursive: true });
});

test('a number is never given twice, even when two types share a code or the counter mode changes', async () => {
  const dir = tmpDir();
  const reg = await open(dir, 'shared');
  await reg.reserve(req(SKTM, at(2024, 10, 15)));
  await reg.reserve(req(SKTM, at(2024, 10, 15)));
  await reg.close();
  const perType = await open(dir, 'per_type');
  const twin = await perType.reserve(req({ letter_type: 'usaha', code: 'S-11' }, at(2024, 10, 15)));
  assert.is(twin.number, 'S-11/003/1809102004/X/2024');
  await perType.close();
  fs.rmSync(dir, { recursive: true });
});

test('concurrent reservations get distinct consecutive numbers, in file order', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  const all = await Promise.all([1, 2, 3, 4, 5].map((i) => reg.reserve(req(SKTM, at(2024, 10, 15, 9, i)))));
  assert.equal(
    all.map((e) => e.seq),
    [1, 2, 3, 4, 5],
  );
  assert.is(new Set(all.map((e) => e.id)).size, 5);
  await reg.close();
  const again = await open(dir);
  assert.is(again.size(), 5);
  await again.close();
  fs.rmSync(dir, { recursive: true });
});

test('read-only open (CLI beside the daemon) neither marks interrupted nor writes', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await reg.reserve(req(SKTM, at(2024, 10, 15)));
  const file = path.join(dir, 'register.jsonl');
  const before = fs.readFileSync(file, 'utf8');
  const ro = await LetterRegister.open(dir, {
    numbering: { format: DEFAULT_FORMAT, counter: 'per_type' },
    villageCode: VILLAGE,
    logger: silentLogger(),
    readOnly: true,
  });
  assert.is(ro.interrupted.length, 0);
  assert.is(ro.list()[0]!.status, 'printing');
  await throwsCode(() => ro.reserve(req(SKTM, at(2024, 10, 15))), 'usage');
  assert.is(fs.readFileSync(file, 'utf8'), before);
  await ro.close();
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test.run();
