/**
 * The offline week's small version (issue 9 §5): one simulated day offline at 500 letters plus
 * the other events and telemetry through the real reporter and outbox, then a real Mosquitto
 * comes back (`npm run reliability -- offline` runs 7 days and measures the drain rate).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { offlineViolations } from '../../scripts/reliability/campaign-offline.ts';
import { runOfflineWeek } from '../../scripts/reliability/offline-week.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';

const seed = Number(process.env.ANJUNGAN_SEED ?? Math.floor(Math.random() * 2 ** 31));

async function offlineDay(maxMessages: number | null) {
  const broker = await startMosquitto({ persistent: true, extraConf: 'max_queued_messages 0' });
  try {
    return await runOfflineWeek({
      broker,
      dataDir: mkdtempSync(join(tmpdir(), 'anj-offline-')),
      days: 1,
      lettersPerDay: 500,
      seed,
      drainRate: 1_000_000,
      maxMessages,
      budgetMs: 120_000,
    });
  } finally {
    await broker.close();
  }
}

test('offline for a day: when the broker returns every queued message arrives, in order, none dropped', async () => {
  if (!mosquittoAvailable()) return;
  const f = await offlineDay(null);
  assert.is(f.letters, 500);
  assert.is(f.telemetry, 1440, 'one telemetry message a minute');
  assert.ok(f.queued >= f.letters + f.other_events + f.telemetry, `${f.queued} queued`);
  assert.equal(offlineViolations(f), [], `seed ${seed}`);
  assert.is(f.delivered, f.queued);
  assert.ok(f.outbox_disk_bytes_full > 0);
});

test('offline with an outbox bound too small for the day: the campaign counts the drops and fails', async () => {
  if (!mosquittoAvailable()) return;
  const f = await offlineDay(1000);
  assert.ok(f.dropped > 0);
  assert.match(offlineViolations(f).join('\n'), `${f.dropped} messages dropped by the outbox bound (1000)`);
});

test.run();
