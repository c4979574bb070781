/**
 * The crash and offline campaigns' checks catch what they are there to catch: a number given
 * twice, a gap, a letter left printing, a printed letter the register lacks or marks failed, and
 * a message lost, duplicated or out of order at the broker.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { printedViolations, registerViolations } from '../../scripts/reliability/crash-checks.ts';
import { ReceivedLog } from '../../scripts/reliability/offline-subscriber.ts';
import type { ReceivedJob } from '../../scripts/virtual-printer.ts';
import type { RegisterEntry } from '../../src/letters/register.ts';

function entry(seq: number, status: RegisterEntry['status'] = 'printed', type = 'sktm'): RegisterEntry {
  const number = `460/${String(seq).padStart(3, '0')}/1809102004/XII/2026`;
  return {
    id: `20261205-${seq}`,
    number: type === 'sktm' ? number : `470/${String(seq).padStart(3, '0')}/1809102004/XII/2026`,
    letter_type: type,
    seq,
    year: 2026,
    resident_ref: 'r_00000000000000000000',
    nik_masked: '************0001',
    purpose: 'x',
    policy: 'pengantar',
    issued_at: '2026-12-05T08:00:00.000+07:00',
    status,
    reason: null,
    updated_at: '2026-12-05T08:00:00.000+07:00',
  };
}

function job(text: string): ReceivedJob {
  return {
    n: 1,
    bytes: Buffer.from(text),
    decoded: { lines: text.split('\n').map((t) => ({ text: t })), images: [], qr: [], cuts: 1 },
    complete: true,
    queries: [],
    pngs: [],
  } as unknown as ReceivedJob;
}

test('register check: a clean register passes, per counter', () => {
  const ok = [entry(1), entry(2, 'interrupted'), entry(1, 'failed', 'domisili'), entry(3)];
  assert.equal(registerViolations(ok), []);
});

test('register check: a reused number, a gap and a letter left printing are each named', () => {
  assert.match(registerViolations([entry(1), entry(1)]).join('\n'), 'given twice');
  assert.match(registerViolations([entry(1), entry(3)]).join('\n'), 'sequence 2 missing');
  assert.match(registerViolations([entry(1, 'printing')]).join('\n'), 'still printing');
});

test('printer check: a printed number the register lacks or marks failed is named; a job cut before its number is counted', () => {
  const reg = [entry(1), entry(2, 'failed')];
  const r = printedViolations(
    [
      job('SURAT\nNomor: 460/001/1809102004/XII/2026'),
      job('Nomor: 460/002/1809102004/XII/2026'),
      job('Nomor: 460/009/1809102004/XII/2026'),
      job('PEMERINTAH KABUPATEN'),
    ],
    reg,
  );
  assert.equal(r.violations, [
    'printed 460/002/1809102004/XII/2026 is marked failed',
    'printed 460/009/1809102004/XII/2026 is not in the register',
  ]);
  assert.is(r.withoutNumber, 1);
});

test('arrival check: missing, duplicated and out-of-order messages are counted', () => {
  const log = new ReceivedLog('mqtt://127.0.0.1:1', '#');
  log.times.push(1, 3, 2, 3, 99);
  assert.equal(log.check([1, 2, 3, 4]), { delivered: 3, missing: 1, outOfOrder: 1, duplicates: 1 });
});

test.run();
