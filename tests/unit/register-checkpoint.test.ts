import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LetterRegister, localIso } from '../../src/letters/register.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { writeCheckpoint } from '../../src/store/checkpoint.ts';
import { sealLine } from '../../src/store/line-checksum.ts';
import { tmpDir } from '../support/store-helpers.ts';

const FORMAT = '{code}/{seq:3}/{village_code}/{roman_month}/{year}';
const SKTM = { letter_type: 'sktm', code: 'S-11' };
const DOMISILI = { letter_type: 'domisili', code: '470' };
const BUDI = 'r_aaaaaaaaaaaaaaaaaaaa';
const SITI = 'r_bbbbbbbbbbbbbbbbbbbb';

function infoLogger() {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk, _e, cb) {
      lines.push(JSON.parse(String(chunk).replace(/^<\d>/, '')));
      cb();
    },
  });
  return { logger: createLogger('info', out), lines };
}

function open(dir: string, logger = silentLogger()) {
  return LetterRegister.open(dir, {
    numbering: { format: FORMAT, counter: 'per_type' },
    villageCode: '1809102004',
    logger,
  });
}

/** Today at hh:mm (the daily limit is kept in memory for recent days only: use real dates). */
const today = (h: number, m = 0) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d;
};

function req(type: { letter_type: string; code: string }, at: Date, ref = BUDI) {
  return {
    ...type,
    resident_ref: ref,
    nik_masked: '************0001',
    purpose: 'Persyaratan',
    policy: 'final' as const,
    at,
  };
}

/** Some history: printed, failed, two residents, two types, and an old day. */
async function fill(reg: LetterRegister): Promise<void> {
  const old = new Date(2024, 9, 15, 9);
  await reg.markPrinted((await reg.reserve(req(SKTM, old))).id, old);
  for (let i = 0; i < 3; i++) {
    const e = await reg.reserve(req(SKTM, today(8, i), i === 2 ? SITI : BUDI));
    if (i === 1) await reg.markFailed(e.id, 'paper_out', today(8, i));
    else await reg.markPrinted(e.id, today(8, i));
  }
  await reg.markPrinted((await reg.reserve(req(DOMISILI, today(9)))).id, today(9));
}

/** What a start must know, from any register. */
async function figures(reg: LetterRegister) {
  return {
    size: reg.size(),
    newest: reg.newestTime()?.getTime(),
    today: reg.countOn(today(12)),
    old: reg.countOn(new Date(2024, 9, 15, 12)),
    budiSktm: reg.issuedToday(BUDI, 'sktm', today(12)),
    sitiSktm: reg.issuedToday(SITI, 'sktm', today(12)),
    budiOld: reg.issuedToday(BUDI, 'sktm', new Date(2024, 9, 15, 12)),
    interrupted: reg.interrupted.map((e) => e.number),
  };
}

/** The figures of a start WITHOUT any checkpoint (whole-file replay), then the next number. */
async function truth(dir: string) {
  const copy = tmpDir();
  fs.copyFileSync(path.join(dir, 'register.jsonl'), path.join(copy, 'register.jsonl'));
  const reg = await open(copy);
  const f = await figures(reg);
  const next = (await reg.reserve(req(SKTM, today(13)))).number;
  await reg.close();
  fs.rmSync(copy, { recursive: true });
  return { ...f, next };
}

async function measured(dir: string, logger = silentLogger()) {
  const reg = await open(dir, logger);
  const f = await figures(reg);
  const next = (await reg.reserve(req(SKTM, today(13)))).number;
  await reg.close();
  return { ...f, next };
}

test('close leaves a checkpoint; the next start reads it and knows what a full replay knows', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await fill(reg);
  await reg.close();
  const cp = path.join(dir, 'register.checkpoint');
  assert.ok(fs.existsSync(cp));
  assert.is(fs.statSync(cp).mode & 0o777, 0o600);
  const expected = await truth(dir);
  const { logger, lines } = infoLogger();
  assert.equal(await measured(dir, logger), expected);
  assert.not.ok(
    lines.some((l) => String(l.msg).includes('no usable register checkpoint')),
    'checkpoint was used',
  );
  assert.match(expected.next, /^S-11\/004\/1809102004\//);
  fs.rmSync(dir, { recursive: true });
});

test('a stale checkpoint (lines appended after it) replays only the tail, with the same result', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await fill(reg);
  await reg.close();
  const cp = path.join(dir, 'register.checkpoint');
  const stale = fs.readFileSync(cp);
  const more = await open(dir);
  await more.markPrinted((await more.reserve(req(SKTM, today(9, 30)))).id, today(9, 31));
  await more.markFailed((await more.reserve(req(SKTM, today(9, 40), SITI))).id, 'paper_out', today(9, 41));
  // Left printing by a "crash": the next start must mark it interrupted, checkpoint or not.
  await more.reserve(req(DOMISILI, today(10)));
  await more.close();
  fs.writeFileSync(cp, stale);
  const expected = await truth(dir);
  assert.is(expected.interrupted.length, 1);
  assert.equal(await measured(dir), expected);
  fs.rmSync(dir, { recursive: true });
});

test('a letter printing when the checkpoint was made is interrupted at the next start; its number not reused', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await fill(reg);
  const left = await reg.reserve(req(SKTM, today(11)));
  await reg.close(); // checkpoint holds `left` as printing
  const again = await open(dir);
  assert.equal(
    again.interrupted.map((e) => e.number),
    [left.number],
  );
  const next = await again.reserve(req(SKTM, today(12)));
  assert.is(next.seq, left.seq + 1);
  await again.close();
  fs.rmSync(dir, { recursive: true });
});

const MISMATCHES: [string, (dir: string) => void][] = [
  [
    'register truncated below the checkpoint',
    (dir) => {
      const file = path.join(dir, 'register.jsonl');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      fs.writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n`);
    },
  ],
  [
    'register replaced by another of the same size',
    (dir) => {
      const file = path.join(dir, 'register.jsonl');
      // Another valid register (its lines' checksums match): only the checkpoint can tell.
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const resealed = lines.map((l) => {
        if (l === '') return l;
        const { crc: _crc, ...record } = JSON.parse(l.replaceAll('Persyaratan', 'Persyaratam'));
        return sealLine(record);
      });
      fs.writeFileSync(file, resealed.join('\n'));
    },
  ],
  [
    'checkpoint damaged (one byte changed)',
    (dir) => {
      const cp = path.join(dir, 'register.checkpoint');
      const bytes = fs.readFileSync(cp);
      const i = bytes.length - 10;
      bytes[i] = bytes[i] === 0x30 ? 0x31 : 0x30;
      fs.writeFileSync(cp, bytes);
    },
  ],
  [
    'checkpoint is garbage',
    (dir) => fs.writeFileSync(path.join(dir, 'register.checkpoint'), 'not a checkpoint'),
  ],
  ['checkpoint empty (power cut)', (dir) => fs.writeFileSync(path.join(dir, 'register.checkpoint'), '')],
];

for (const [what, damage] of MISMATCHES) {
  test(`${what} → the checkpoint is ignored and the whole register replayed`, async () => {
    const dir = tmpDir();
    const reg = await open(dir);
    await fill(reg);
    await reg.close();
    damage(dir);
    const expected = await truth(dir);
    const { logger, lines } = infoLogger();
    assert.equal(await measured(dir, logger), expected);
    assert.ok(
      lines.some((l) => String(l.msg).includes('no usable register checkpoint')),
      'says why the checkpoint was not used',
    );
    fs.rmSync(dir, { recursive: true });
  });
}

test('a status change for a letter finished long ago (hand-edited register) is applied exactly', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await fill(reg);
  await reg.close();
  const file = path.join(dir, 'register.jsonl');
  const first = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[2]!) as { id: string };
  fs.appendFileSync(
    file,
    `${JSON.stringify({ op: 'status', id: first.id, status: 'failed', reason: 'revoked', updated_at: new Date().toISOString() })}\n`,
  );
  const again = await open(dir);
  assert.is(again.countOn(today(12)), 2, 'the revoked letter no longer counts');
  assert.is(again.find(again.list()[1]!.number)?.status, 'failed');
  await again.close();
  fs.rmSync(dir, { recursive: true });
});

test('a register the compact index cannot take (status change of an old letter) opens with every entry', async () => {
  const dir = tmpDir();
  const lines: string[] = [];
  for (let i = 1; i <= 300; i++) {
    const at = localIso(new Date(2024, 9, 15, 8, i));
    lines.push(
      JSON.stringify({
        id: `20241015-${String(i).padStart(6, '0')}`,
        number: `S-11/${String(i).padStart(3, '0')}/1809102004/X/2024`,
        letter_type: 'sktm',
        seq: i,
        year: 2024,
        resident_ref: BUDI,
        nik_masked: '************0001',
        purpose: 'Persyaratan',
        policy: 'final',
        issued_at: at,
        status: 'printed',
        reason: null,
        updated_at: at,
      }),
    );
  }
  lines.push(
    JSON.stringify({
      op: 'status',
      id: '20241015-000001',
      status: 'failed',
      reason: 'revoked',
      updated_at: localIso(new Date(2024, 9, 16)),
    }),
  );
  fs.writeFileSync(path.join(dir, 'register.jsonl'), `${lines.join('\n')}\n`);
  const { logger, lines: logged } = infoLogger();
  const reg = await open(dir, logger);
  assert.ok(logged.some((l) => String(l.msg).includes('keeping every entry in memory')));
  assert.is(reg.countOn(new Date(2024, 9, 15, 12)), 299);
  assert.is(reg.find('S-11/001/1809102004/X/2024')?.status, 'failed');
  assert.is((await reg.reserve(req(SKTM, new Date(2024, 9, 17, 9)))).seq, 301);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test('a checkpoint from before the daily limit counted printed letters only (v1) is not used', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await reg.markPrinted((await reg.reserve(req(SKTM, today(8)))).id, today(8, 1));
  await reg.reserve(req(SKTM, today(8, 5))); // left printing: interrupted at the next open
  await reg.close();
  const again = await open(dir);
  assert.is(again.issuedToday(BUDI, 'sktm', today(12)), 1, 'the interrupted letter does not count');
  await again.close();
  // What an older version wrote: its per-resident counts took every letter not failed.
  const cp = path.join(dir, 'register.checkpoint');
  const bytes = fs.readFileSync(cp);
  const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString()) as {
    offset: number;
    lines: number;
  };
  const state = JSON.parse(bytes.subarray(bytes.indexOf(10) + 1).toString()) as {
    v: number;
    recent: unknown;
  };
  const day = localIso(today(8)).slice(0, 10);
  await writeCheckpoint(cp, path.join(dir, 'register.jsonl'), header, {
    ...state,
    v: 1,
    recent: [[`${day}|sktm|${BUDI}`, 2]],
  });
  const { logger, lines } = infoLogger();
  const old = await open(dir, logger);
  assert.ok(lines.some((l) => String(l.msg).includes('no usable register checkpoint')));
  assert.is(old.issuedToday(BUDI, 'sktm', today(12)), 1);
  await old.close();
  fs.rmSync(dir, { recursive: true });
});

test('list/find on a daemon-side register read the file; summary figures stay right after', async () => {
  const dir = tmpDir();
  const reg = await open(dir);
  await fill(reg);
  const entries = reg.list();
  assert.is(entries.length, 5);
  assert.is(reg.find(entries[4]!.number)?.letter_type, 'domisili');
  const e = await reg.reserve(req(SKTM, today(14)));
  assert.is(reg.list().length, 6);
  assert.is(reg.issuedToday(BUDI, 'sktm', today(15)), 1, 'a letter still printing is not yet received');
  await reg.markPrinted(e.id, today(14, 1));
  assert.is(reg.find(e.number)?.status, 'printed');
  assert.is(reg.issuedToday(BUDI, 'sktm', today(15)), 2);
  await reg.close();
  fs.rmSync(dir, { recursive: true });
});

test.run();
