/**
 * The dashboard's MQTT side against a real Mosquitto: events published while it is down reach
 * it through its persistent session and are counted once (de-duplicated by id, by their own
 * time); hostile payloads (non-JSON, huge, markup in every string field, unknown topics) never
 * crash it, never break the page and never inject markup (checked in Chromium).
 */
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localDay } from '../../src/dashboard/store.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { startDashboard } from '../support/dashboard-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { tempDir } from '../support/mosquitto-harness.ts';
import { waitFor } from '../support/wait.ts';

const hasBroker = mosquittoAvailable();
const ROOT = 'anjungan/1809102004/kiosk-x';
const DAY_MS = 86_400_000;
const TZ = 'Asia/Jakarta';

async function publisher(url: string) {
  const c = await mqtt.connectAsync(url, { clientId: `test-pub-${process.pid}` });
  return {
    send: (topic: string, payload: string | Buffer, retain = false) =>
      c.publishAsync(topic, payload, { qos: 1, retain }),
    close: () => c.endAsync(),
  };
}

function letter(id: string, time: string) {
  return JSON.stringify({
    v: 1,
    id,
    time,
    type: 'letter_issued',
    letter_type: 'domisili',
    number: 'x',
    village: '1809102004',
    device: 'kiosk-x',
  });
}

test('events published while the dashboard is down arrive once, counted on their own day', async () => {
  if (!hasBroker) return;
  const broker = await startMosquitto();
  const dataDir = tempDir();
  const args = ['--client-id', 'dash-test-session'];
  let dashboard = await startDashboard(broker.url, { dataDir, auth: false, args });
  const pub = await publisher(broker.url);
  // 100 days ago: beyond the raw events' retention (pruned at the restart), within the ids'.
  const day0 = Math.floor(Date.now() / DAY_MS - 100) * DAY_MS + 3 * 3600_000;
  const at = (days: number) => new Date(day0 + days * DAY_MS).toISOString();
  try {
    await pub.send(`${ROOT}/event/letter_issued`, letter('id-1', at(0)));
    await dashboard.stop();
    // While it is down: two new letters (one of the next day), and a redelivery of id-1.
    await pub.send(`${ROOT}/event/letter_issued`, letter('id-2', at(0)));
    await pub.send(`${ROOT}/event/letter_issued`, letter('id-3', at(1)));
    await pub.send(`${ROOT}/event/letter_issued`, letter('id-1', at(0)));
    dashboard = await startDashboard(broker.url, { dataDir, auth: false, args });
    const d = dashboard;
    const months = [...new Set([0, 1].map((n) => localDay(day0 + n * DAY_MS, TZ).slice(0, 7)))];
    const total = async () => {
      let n = 0;
      for (const m of months) {
        const csv = await (await fetch(`${d.url}/figures.csv?month=${m}`)).text();
        for (const line of csv.trim().split('\n').slice(1)) n += Number(line.split(',').at(-1));
      }
      return n;
    };
    await waitFor('three letters in the figures', async () => (await total()) >= 3, 10_000);
    // The redelivered id-1 (its raw event pruned at the restart) did not count twice.
    assert.is(await total(), 3);
  } finally {
    await pub.close();
    await dashboard.stop();
    await broker.close();
  }
});

test('an acknowledged alert keeps its acknowledgement and since-when across a restart of the dashboard', async () => {
  if (!hasBroker) return;
  const broker = await startMosquitto();
  const dataDir = tempDir();
  let dashboard = await startDashboard(broker.url, { dataDir, auth: false });
  const pub = await publisher(broker.url);
  try {
    const state = { v: 2, flow_state: 'out_of_service', out_of_service: ['paper_out'], printer: 'paper_out' };
    await pub.send(`${ROOT}/availability`, 'online', true);
    await pub.send(`${ROOT}/state`, JSON.stringify(state), true);
    const alerts = async (d: typeof dashboard) =>
      (await (await fetch(`${d.url}/api/alerts`)).json()) as {
        key: string;
        since: string;
        ack: { note: string } | null;
      }[];
    const d1 = dashboard;
    await waitFor('the paper alert', async () => (await alerts(d1)).length === 1);
    const page = await (await fetch(`${d1.url}/alerts`)).text();
    const csrf = /<meta name="csrf" content="([^"]+)">/.exec(page)?.[1] ?? '';
    const ack = await fetch(`${d1.url}/alerts/ack`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, alert: `${ROOT.slice(9)}:paper_out`, note: 'kertas dikirim' }),
      redirect: 'manual',
    });
    assert.is(ack.status, 303);
    const since = (await alerts(d1))[0]?.since;
    await dashboard.stop();
    dashboard = await startDashboard(broker.url, { dataDir, auth: false });
    const d2 = dashboard;
    await waitFor('the paper alert again', async () => (await alerts(d2)).length === 1);
    assert.is((await alerts(d2))[0]?.ack?.note, 'kertas dikirim');
    assert.is((await alerts(d2))[0]?.since, since, 'since-when survives the restart');
  } finally {
    await pub.close();
    await dashboard.stop();
    await broker.close();
  }
});

test('ratings: share of puas / cukup / kurang per village in the figures and the CSV', async () => {
  if (!hasBroker) return;
  const broker = await startMosquitto();
  const dashboard = await startDashboard(broker.url, { auth: false });
  const pub = await publisher(broker.url);
  try {
    const time = new Date().toISOString();
    const choices = ['puas', 'puas', 'puas', 'cukup'];
    for (const [i, choice] of choices.entries()) {
      const payload = { v: 1, id: `r-${i}`, time, type: 'rating', choice, letter_type: 'domisili' };
      await pub.send(`${ROOT}/event/rating`, JSON.stringify(payload));
    }
    const month = localDay(Date.now(), TZ).slice(0, 7);
    const csv = await waitFor(
      'four ratings',
      async () => {
        const text = await (await fetch(`${dashboard.url}/figures.csv?month=${month}`)).text();
        return text.includes(',rating,cukup,1') && text.includes(',rating,puas,3') ? text : null;
      },
      10_000,
    );
    assert.not.ok(csv?.includes(',letters,'), 'a rating is not a letter');
    const page = await (await fetch(`${dashboard.url}/figures?month=${month}`)).text();
    assert.match(page, /<td>1809102004<\/td><td>75%<\/td><td>25%<\/td><td>0%<\/td>/);
  } finally {
    await pub.close();
    await dashboard.stop();
    await broker.close();
  }
});

test('hostile payloads: no crash, no markup injected, the literal text is shown', async () => {
  if (!hasBroker || !chromiumAvailable()) return;
  const broker = await startMosquitto();
  const dashboard = await startDashboard(broker.url, { auth: false });
  const pub = await publisher(broker.url);
  const browser = await launchChromium();
  if (!browser) return;
  try {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const state: Record<string, unknown> = {
      v: 2,
      village: evil,
      device: evil,
      village_name: evil,
      kecamatan: evil,
      kabupaten: evil,
      flow_state: evil,
      out_of_service: [evil, 42, null],
      remote_reason: evil,
      printer: evil,
      version: evil,
      time: evil,
      letters_today: evil,
      uptime_s: -5,
    };
    await pub.send(`${ROOT}/availability`, 'online', true);
    await pub.send(`${ROOT}/state`, JSON.stringify(state), true);
    await pub.send(
      `${ROOT}/event/letter_failed`,
      JSON.stringify({ id: evil, time: evil, letter_type: evil, reason: evil }),
    );
    await pub.send(`${ROOT}/event/<b>`, '{}');
    await pub.send(
      `${ROOT}/telemetry`,
      JSON.stringify({ memory: evil, cpu_temp_c: evil, disk_free_bytes: 'x' }),
    );
    await pub.send('anjungan/1809102004/kiosk-y/state', 'not json {');
    await pub.send('anjungan/1809102004/kiosk-y/state', Buffer.alloc(2 * 2 ** 20, 0x7b));
    await pub.send('anjungan/1809102004/kiosk-y/state', '[1,2,3]');
    await pub.send('anjungan/1809102004/<script>/state', '{}');
    await pub.send('anjungan/not-a-code/kiosk-z/state', '{}');
    await pub.send('anjungan/1809102004/kiosk-x/deep/er/topic', '{}');
    await pub.send('anjungan/1809102004/kiosk-x/availability', evil);
    // A last, well-formed message: once it is in, everything before it was handled.
    await pub.send('anjungan/1809102004/kiosk-ok/availability', 'online', true);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    await page.locator('tr[data-kiosk="1809102004/kiosk-ok"]').waitFor();
    const x = page.locator('tr[data-kiosk="1809102004/kiosk-x"]');
    assert.ok((await x.locator('td:nth-child(8)').textContent())?.includes('<img src=x'), 'the literal text');
    assert.is(await page.locator('img, script:not([src="/static/fleet.js"])').count(), 0);
    assert.is(await page.evaluate('window.__pwned'), undefined);
    await page.goto(`${dashboard.url}/kiosk/1809102004/kiosk-x`);
    assert.ok((await page.locator('.facts').textContent())?.includes('<img src=x'), 'the literal text');
    assert.is(await page.locator('main img, main script').count(), 0);
    assert.is(await page.evaluate('window.__pwned'), undefined);
    assert.is(dashboard.process.child.exitCode, null, 'still running');
    const fleet = (await (await fetch(`${dashboard.url}/api/fleet`)).json()) as { rows: { key: string }[] };
    assert.equal(fleet.rows.map((r) => r.key).sort(), [
      '1809102004/kiosk-ok',
      '1809102004/kiosk-x',
      '1809102004/kiosk-y',
    ]);
  } finally {
    await browser.close();
    await pub.close();
    await dashboard.stop();
    await broker.close();
  }
});

test.run();
