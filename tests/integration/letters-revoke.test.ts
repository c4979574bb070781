/**
 * Withdrawing a letter: `anjungan letters revoke` on a running kiosk appends a revocation line
 * (the letter's own line untouched), the kiosk reports letter_revoked (schema-valid, nothing
 * personal); with the kiosk stopped the request waits and is applied at the next start.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DomainEvent } from '../../src/events.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { eventPayload } from '../../src/mqtt/payloads.ts';
import { runCli } from '../support/cli-process.ts';
import { issueLetterThroughKiosk, startSimKiosk } from '../support/kiosk-letter.ts';

test('a running kiosk records the revocation append-only and reports letter_revoked', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-revoke-'));
  const env = { ANJUNGAN_DATA_DIR: dataDir };
  const daemon = await startSimKiosk(dataDir);
  const events: DomainEvent[] = [];
  daemon.bus.on('event', (e) => events.push(e));
  try {
    await issueLetterThroughKiosk(daemon);
    const [entry] = daemon.register.list();
    assert.ok(entry);
    const registerFile = path.join(dataDir, 'register.jsonl');
    const before = readFileSync(registerFile);

    const reason = 'Nama ibu salah ketik, surat diganti';
    const r = await runCli(['letters', 'revoke', entry.number, '--reason', reason, '--code', 'salah_data'], {
      env,
    });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /revoked \(salah_data\).*district keylist revoke-letter 1809102004\/kiosk-01/);

    const revoked = events.find((e) => e.type === 'letter_revoked');
    assert.equal(revoked, {
      type: 'letter_revoked',
      number: entry.number,
      letter_type: entry.letter_type,
      reason_code: 'salah_data',
    });
    assert.is(payloadErrors('event', eventPayload(revoked!, Date.now(), '1809102004', 'kiosk-01')), null);
    assert.not.ok(JSON.stringify(events).includes('salah ketik'), "the office's words stay on the kiosk");

    const after = readFileSync(registerFile);
    assert.ok(after.subarray(0, before.length).equals(before), 'append-only: earlier lines untouched');
    const last = JSON.parse(after.toString('utf8').trim().split('\n').at(-1)!);
    assert.equal(
      [last.op, last.id, last.number, last.reason, last.code],
      ['revoke', entry.id, entry.number, reason, 'salah_data'],
    );

    const show = await runCli(['letters', 'show', entry.number], { env });
    assert.match(show.stdout, /revoked +\S+: Nama ibu salah ketik/);
    const again = await runCli(['letters', 'revoke', entry.number, '--reason', 'x'], { env });
    assert.match(again.stdout, /already revoked/);
    const unknown = await runCli(['letters', 'revoke', '470/999/1809102004/I/2020', '--reason', 'x'], {
      env,
    });
    assert.is(unknown.code, 1);
    const noReason = await runCli(['letters', 'revoke', entry.number], { env });
    assert.is(noReason.code, 2);
  } finally {
    await daemon.stop();
  }
});

test('with the kiosk stopped the request is queued and applied at its next start', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-revoke-'));
  const env = { ANJUNGAN_DATA_DIR: dataDir };
  const first = await startSimKiosk(dataDir);
  await issueLetterThroughKiosk(first);
  const [entry] = first.register.list();
  await first.stop();

  const r = await runCli(
    ['letters', 'revoke', entry!.number, '--reason', 'Permintaan warga', '--wait', '0'],
    { env },
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /not running; the revocation is queued/);

  // The start applies it before the kiosk is ready (so before a listener could attach here).
  const second = await startSimKiosk(dataDir);
  try {
    assert.ok(readFileSync(path.join(dataDir, 'register.jsonl'), 'utf8').includes('"op":"revoke"'));
    const list = await runCli(['letters', 'list'], { env });
    assert.match(list.stdout, /printed, revoked/);
  } finally {
    await second.stop();
  }
});

test.run();
