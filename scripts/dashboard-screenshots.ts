/**
 * The screenshots in README.md and docs/district.md: a Mosquitto, 40 kiosks of real Lampung
 * villages published as retained state (a few offline, one out of paper), 30 days of letters
 * and telemetry for one of them, the dashboard, and Chromium at 1280×800.
 *
 *   node --import tsx scripts/dashboard-screenshots.ts [--out docs/images]
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { HistoryStore, localDay } from '../src/dashboard/store.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { startDashboard } from '../tests/support/dashboard-process.ts';
import { startMosquitto } from '../tests/support/mosquitto.ts';

const DAY = 86_400_000;
const TYPES = ['domisili', 'sktm', 'usaha', 'pengantar_skck'];

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images' } } });
const out = values.out!;
mkdirSync(out, { recursive: true });
const villages = readFileSync(new URL('../data/wilayah-lampung.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => /^18\.09\.\d\d\.2\d{3}\t/.test(l))
  .slice(0, 40)
  .map((l) => l.split('\t')[0]!.replaceAll('.', ''));

const now = Date.now();
const dataDir = mkdtempSync(join(tmpdir(), 'anj-shots-'));
const seeded = `${villages[0]}/kiosk-01`;
const store = new HistoryStore(dataDir);
for (let d = 29; d >= 0; d--) {
  const n = 8 + ((d * 7) % 11);
  for (let k = 0; k < n; k++) {
    const time = now - d * DAY - k * 600_000;
    const sub = TYPES[(k + d) % TYPES.length]!;
    store.addEvent(
      {
        id: `s-${d}-${k}`,
        kiosk: seeded,
        type: 'letter_issued',
        time,
        day: localDay(time, 'Asia/Jakarta'),
        sub,
        detail: null,
      },
      now,
    );
  }
}
for (let t = now - 30 * DAY; t < now; t += 900_000) {
  const h = ((t % DAY) / DAY) * 2 * Math.PI; // a daily cycle: warm afternoons
  store.addTelemetry(seeded, t, {
    cpu_temp_c: Math.round(50 + 6 * Math.sin(h)),
    memory_used_pct: Math.round(40 + 3 * Math.sin(h / 2)),
    disk_free_mb: 20_000 - (now - t) / DAY,
    outbox_depth: 0,
  });
}
store.close();

const broker = await startMosquitto();
const client = await mqtt.connectAsync(broker.url);
for (const [i, village] of villages.entries()) {
  const root = `anjungan/${village}/kiosk-01`;
  const paper = i === 3 ? 'paper_out' : i === 7 ? 'paper_near_end' : 'ready';
  const state = {
    v: 2,
    village,
    device: 'kiosk-01',
    flow_state: paper === 'paper_out' ? 'out_of_service' : 'idle',
    out_of_service: paper === 'paper_out' ? ['paper_out'] : [],
    remote_reason: null,
    printer: paper,
    reader_present: true,
    clock_trusted: i !== 11,
    letters_today: (i * 5) % 17,
    online: true,
    outbox_depth: 0,
    version: i === 5 ? '0.0.9' : '0.1.0',
    uptime_s: 3600 * (i + 1),
    time: new Date().toISOString(),
  };
  await client.publishAsync(`${root}/state`, JSON.stringify(state), { retain: true, qos: 1 });
  await client.publishAsync(`${root}/availability`, i % 13 === 12 ? 'offline' : 'online', {
    retain: true,
    qos: 1,
  });
}
await client.endAsync();
const dashboard = await startDashboard(broker.url, { dataDir, auth: false });
const browser = await launchChromium();
if (!browser) throw new Error('Chromium is needed: apt-get install chromium');
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(dashboard.url);
  await page.waitForFunction(`document.getElementById('count-total')?.textContent === '${villages.length}'`);
  await page.screenshot({ path: join(out, 'dashboard-fleet.png') });
  await page.goto(`${dashboard.url}/alerts`);
  await page.screenshot({ path: join(out, 'dashboard-alert.png') });
  await page.goto(`${dashboard.url}/kiosk/${seeded}`);
  await page.screenshot({ path: join(out, 'dashboard-kiosk.png'), fullPage: false });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await dashboard.stop();
  await broker.close();
}
