import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { Outbox, type OutboxClass } from '../../src/mqtt/outbox.ts';
import { waitFor } from '../support/wait.ts';

const logger = silentLogger();
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'anj-'));
  dirs.push(d);
  return join(d, 'outbox');
}
const msg = (i: number, cls: OutboxClass = 'event') => ({
  topic: `t/${cls}`,
  payload: JSON.stringify({ i }),
  cls,
  ...(cls === 'letter' ? { number: `S-1/${i}/X` } : {}),
});
const payloads = (box: Outbox) => [...box.records()].map((r) => (JSON.parse(r.payload) as { i: number }).i);

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('what is not acknowledged survives a restart, oldest first; acknowledged never comes back', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 1000, logger });
  const seqs = await Promise.all([1, 2, 3, 4, 5].map((i) => box.append(msg(i))));
  box.ack(seqs[0]!);
  box.ack(seqs[2]!);
  await box.close();
  const again = await Outbox.open(dir, { maxMessages: 1000, logger });
  assert.equal(payloads(again), [2, 4, 5]);
  const next = await again.append(msg(6));
  assert.ok(next > seqs[4]!, 'sequence numbers keep growing after a restart');
  await again.close();
});

test('segments are deleted once everything in them is acknowledged (no unbounded growth)', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 10_000, logger, segmentRecords: 10 });
  const seqs = await Promise.all(Array.from({ length: 35 }, (_, i) => box.append(msg(i))));
  assert.is(readdirSync(dir).filter((n) => n.endsWith('.seg')).length, 4);
  for (const s of seqs.slice(0, 30)) box.ack(s);
  // Deletion is asynchronous: poll instead of guessing how long it takes on a busy machine.
  await waitFor(
    'the acknowledged segments to be deleted',
    () => readdirSync(dir).filter((n) => n.endsWith('.seg')).length === 1,
  );
  await box.close();
  const again = await Outbox.open(dir, { maxMessages: 10_000, logger });
  assert.is(again.depth(), 5);
  await again.close();
});

test('a line torn by a power cut is skipped, the rest is kept', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 1000, logger });
  await Promise.all([1, 2].map((i) => box.append(msg(i))));
  await box.close();
  const seg = readdirSync(dir).find((n) => n.endsWith('.seg'))!;
  writeFileSync(join(dir, seg), `${readFileSync(join(dir, seg), 'utf8')}{"seq":3,"topic":"t/ev`);
  const again = await Outbox.open(dir, { maxMessages: 1000, logger });
  assert.equal(payloads(again), [1, 2]);
  await again.close();
});

test('the bound drops telemetry first, then other events, letter_issued last, and counts every drop', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 100, logger });
  let dropped = 0;
  box.on('dropped', () => dropped++);
  await Promise.all(Array.from({ length: 40 }, (_, i) => box.append(msg(i, 'telemetry'))));
  await Promise.all(Array.from({ length: 40 }, (_, i) => box.append(msg(100 + i, 'event'))));
  await Promise.all(Array.from({ length: 40 }, (_, i) => box.append(msg(200 + i, 'letter'))));
  assert.is(box.depth(), 100);
  assert.equal(box.dropped(), { telemetry: 20, events: 0, letter_issued: 0 });
  await Promise.all(Array.from({ length: 60 }, (_, i) => box.append(msg(300 + i, 'letter'))));
  // 20 telemetry left + 40 events must go before any letter; then 0 letters more to drop
  assert.equal(box.dropped(), { telemetry: 40, events: 40, letter_issued: 0 });
  await Promise.all(Array.from({ length: 5 }, (_, i) => box.append(msg(400 + i, 'letter'))));
  assert.equal(box.dropped(), { telemetry: 40, events: 40, letter_issued: 5 });
  assert.equal(payloads(box).slice(0, 3), [205, 206, 207], 'the oldest letters went first');
  assert.ok(dropped > 0);
  const report = box.takeDropReport();
  assert.equal(report?.letter_numbers, ['S-1/200/X', 'S-1/201/X', 'S-1/202/X', 'S-1/203/X', 'S-1/204/X']);
  assert.is(box.takeDropReport(), null, 'a report is taken once');
  await box.close();
  const again = await Outbox.open(dir, { maxMessages: 100, logger });
  assert.equal(again.dropped(), { telemetry: 40, events: 40, letter_issued: 5 }, 'totals survive a restart');
  assert.is(again.takeDropReport(), null, 'and what was reported is not reported again');
  await again.close();
});

test('drops not yet reported before a restart are reported after it', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 100, logger });
  await Promise.all(Array.from({ length: 103 }, (_, i) => box.append(msg(i, 'letter'))));
  await box.close();
  const again = await Outbox.open(dir, { maxMessages: 100, logger });
  const report = again.takeDropReport();
  assert.is(report?.letter_issued, 3);
  assert.equal(report?.letter_numbers, ['S-1/0/X', 'S-1/1/X', 'S-1/2/X']);
  await again.close();
});

test('acks.log stays small: compaction keeps only what live segments need', async () => {
  const dir = tmp();
  const box = await Outbox.open(dir, { maxMessages: 10_000, logger, segmentRecords: 100, compactEvery: 500 });
  for (let round = 0; round < 3; round++) {
    const seqs = await Promise.all(Array.from({ length: 400 }, (_, i) => box.append(msg(round * 1000 + i))));
    for (const s of seqs) box.ack(s);
    await box.syncAcks(); // on disk (and compacted when due) before the next round, however slow
  }
  const last = await box.append(msg(9999));
  await box.close();
  const lines = readFileSync(join(dir, 'acks.log'), 'utf8').trim().split('\n').length;
  assert.ok(lines < 700, `acks.log has ${lines} lines`);
  const again = await Outbox.open(dir, { maxMessages: 10_000, logger });
  assert.equal(payloads(again), [9999]);
  assert.ok([...again.records()][0]!.seq === last);
  await again.close();
});

test.run();
