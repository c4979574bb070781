/**
 * The offline-week campaign (issue 9 §5): offline-week.ts against a real Mosquitto, at the full
 * size (7 days × 500 letters) with the drain rate limit lifted. `--runs` sets the days.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquittoAvailable, startMosquitto } from '../../tests/support/mosquitto.ts';
import type { Campaign } from './campaign.ts';
import { type OfflineFigures, runOfflineWeek } from './offline-week.ts';

/** No limit in practice: the drain goes as fast as the kiosk and the broker can. */
const LIFTED_DRAIN_RATE = 1_000_000;

/** Anything the offline week must never show, as sentences (empty: every promise held). */
export function offlineViolations(f: OfflineFigures): string[] {
  return [
    ...(f.dropped > 0
      ? [`${f.dropped} messages dropped by the outbox bound (${f.outbox_max_messages})`]
      : []),
    ...(f.missing > 0 ? [`${f.missing} queued messages never arrived`] : []),
    ...(f.out_of_order > 0 ? [`${f.out_of_order} messages arrived out of order`] : []),
    ...(f.stopped_at_budget ? ['the drain did not finish within the budget'] : []),
  ];
}

export const offlineCampaign: Campaign = {
  name: 'offline',
  async run({ seed, budgetMs, runs = 7 }) {
    if (!mosquittoAvailable())
      throw new Error('the offline campaign needs mosquitto (apt-get install mosquitto)');
    // Persistent: the district's subscriber keeps its session across the outage. No per-client
    // queue cap: a fast drain must not be cut by the broker on the subscriber's side.
    const broker = await startMosquitto({ persistent: true, extraConf: 'max_queued_messages 0' });
    const dataDir = mkdtempSync(join(tmpdir(), 'anj-offline-'));
    const t0 = Date.now();
    try {
      const f = await runOfflineWeek({
        broker,
        dataDir,
        days: runs,
        lettersPerDay: 500,
        seed,
        drainRate: LIFTED_DRAIN_RATE,
        budgetMs,
      });
      const violations = offlineViolations(f);
      for (const v of violations) console.error(`offline: ${v}`);
      const row = {
        campaign: 'offline',
        target: `${f.simulated_days} days offline`,
        inputs: f.queued,
        failures: violations.length,
        seconds: Math.round((Date.now() - t0) / 1000),
        note: `${f.drain_msgs_per_s} msg/s drain, ${(f.outbox_disk_bytes_full / 1e6).toFixed(1)} MB outbox, ${f.dropped} dropped`,
      };
      return { figures: { ...f, drain_rate_limit: LIFTED_DRAIN_RATE }, rows: [row] };
    } finally {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
