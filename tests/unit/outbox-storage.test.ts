import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { Outbox, type OutboxClass } from '../../src/mqtt/outbox.ts';

const logger = silentLogger();
const msg = (i: number, cls: OutboxClass) => ({ topic: `t/${cls}`, payload: JSON.stringify({ i }), cls });
const held = (box: Outbox) =>
  [...box.records()].map((r) => `${r.cls}:${(JSON.parse(r.payload) as { i: number }).i}`);

test('a nearly full disk sheds every queued telemetry message, keeps the events, and counts the drops across a restart', async () => {
  const base = mkdtempSync(join(tmpdir(), 'anj-'));
  const dir = join(base, 'outbox');
  const box = await Outbox.open(dir, { maxMessages: 1000, logger });
  const classes: OutboxClass[] = ['telemetry', 'event', 'telemetry', 'letter', 'telemetry', 'event'];
  await Promise.all(classes.map((cls, i) => box.append(msg(i, cls))));
  let dropped = 0;
  box.on('dropped', () => dropped++);

  assert.is(box.dropAll('telemetry'), 3);
  assert.is(dropped, 1, 'one dropped notice for the batch (the reporter sends one outbox_dropped)');
  assert.equal(held(box), ['event:1', 'letter:3', 'event:5']);
  assert.equal(box.dropped(), { telemetry: 3, events: 0, letter_issued: 0 });
  assert.is(box.dropAll('telemetry'), 0, 'nothing left to drop');
  await box.close();

  const again = await Outbox.open(dir, { maxMessages: 1000, logger });
  assert.equal(
    held(again),
    ['event:1', 'letter:3', 'event:5'],
    'the drops are on disk: they do not come back',
  );
  assert.equal(again.takeDropReport(), { telemetry: 3, events: 0, letter_issued: 0, letter_numbers: [] });
  await again.close();
  rmSync(base, { recursive: true, force: true });
});

test.run();
