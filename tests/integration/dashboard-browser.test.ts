/**
 * The district's dashboard against a real Mosquitto, a real kiosk daemon in simulator mode and
 * Debian's Chromium: a letter issued on the kiosk shows in the table (letters today + 1) and in
 * the village's chart; paper-out raises an alert that clears when paper returns; an alert is
 * acknowledged; the month's CSV has the letter; SIGKILL of the kiosk shows it offline.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localDay } from '../../src/dashboard/store.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { startDashboard } from '../support/dashboard-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { issueLetter, provisionSimKiosk, startSimKiosk } from '../support/sim-kiosk.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const available = mosquittoAvailable() && chromiumAvailable();
const KIOSK = '1809102004/kiosk-dash';

test('fleet table live: letter +1, paper alert raised and cleared, ack, CSV, SIGKILL → offline', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const dashboard = await startDashboard(broker.url, { auth: false });
  const kiosk = startSimKiosk(await provisionSimKiosk(broker.url, 'kiosk-dash'));
  const browser = await launchChromium();
  if (!browser) return;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    const cell = (n: number) => page.locator(`tr[data-kiosk="${KIOSK}"] td:nth-child(${n})`);
    await cell(6).filter({ hasText: 'online' }).waitFor({ timeout: PROCESS_START_MS });
    assert.is(await cell(1).textContent(), 'Hanura');
    assert.is(await cell(3).textContent(), 'Teluk Pandan');
    assert.is(await page.locator('#count-total').textContent(), '1');
    const before = Number(await cell(15).textContent());

    await issueLetter(kiosk);
    await cell(15)
      .filter({ hasText: String(before + 1) })
      .waitFor({ timeout: 10_000 });

    const metrics = await (await fetch(`${dashboard.url}/metrics`)).text();
    assert.match(metrics, 'anjungan_letters_issued_total{village="1809102004",device="kiosk-dash"} 1');
    assert.match(metrics, 'anjungan_kiosk_online{village="1809102004",device="kiosk-dash"} 1');

    // Paper out: the alert count on the open page (pushed over SSE), then the alerts page.
    kiosk.send('printer paper-out');
    await page.locator('#count-alerts', { hasText: '1' }).waitFor({ timeout: 5000 });
    assert.is(await cell(10).textContent(), 'paper_out');
    const ap = await context.newPage();
    await ap.goto(`${dashboard.url}/alerts`);
    const row = ap.locator(`tr[data-alert="${KIOSK}:paper_out"]`);
    await row.waitFor();
    await row.locator('input[name=note]').fill('kertas dikirim');
    await row.locator('button').click();
    await ap.locator(`tr[data-alert="${KIOSK}:paper_out"] .ack`, { hasText: 'kertas dikirim' }).waitFor();
    const api = (await (await ap.request.get(`${dashboard.url}/api/alerts`)).json()) as {
      kind: string;
      ack: { note: string } | null;
    }[];
    assert.equal(
      api.map((a) => [a.kind, a.ack?.note]),
      [['paper_out', 'kertas dikirim']],
    );
    // Muted (in repair, until tomorrow): the alert leaves the list; unmuted: it is back.
    await ap.goto(`${dashboard.url}/kiosk/${KIOSK}`);
    await ap.fill('#mute-form input[name=reason]', 'sedang diperbaiki');
    await ap.fill('#mute-form input[name=until]', localDay(Date.now() + 86_400_000, 'UTC'));
    await ap.click('#mute-form button');
    await page.locator('#count-alerts', { hasText: '0' }).waitFor({ timeout: 5000 });
    assert.ok((await ap.locator('.facts').textContent())?.includes('sedang diperbaiki'));
    await ap.click('form[action$="/unmute"] button');
    await page.locator('#count-alerts', { hasText: '1' }).waitFor({ timeout: 5000 });

    kiosk.send('printer ready');
    await page.locator('#count-alerts', { hasText: '0' }).waitFor({ timeout: 5000 });

    // The kiosk's page and the village's chart count the letter by its type.
    await ap.goto(`${dashboard.url}/kiosk/${KIOSK}`);
    assert.ok((await ap.locator('#events').textContent())?.includes('letter_issued'));
    await ap.goto(`${dashboard.url}/figures`);
    assert.ok((await ap.locator('svg rect title').count()) > 0, 'a bar in the chart');
    await ap.click('#figures a:has-text("Hanura")');
    await ap.locator('h1', { hasText: 'Hanura' }).waitFor();
    assert.ok((await ap.locator('svg rect title').count()) > 0, "a bar in the village's chart");
    const month = localDay(Date.now(), 'Asia/Jakarta').slice(0, 7);
    const csv = await (await ap.request.get(`${dashboard.url}/figures.csv?month=${month}`)).text();
    const lines = csv.trim().split('\n');
    assert.is(lines[0], 'month,village_code,village_name,kecamatan,kabupaten,kind,item,count');
    assert.ok(
      lines.some((l) => l.startsWith(`${month},1809102004,Hanura,Teluk Pandan,`) && l.includes(',letters,')),
      csv,
    );

    kiosk.child.kill('SIGKILL');
    await cell(6).filter({ hasText: 'offline' }).waitFor({ timeout: 15_000 });
    assert.is(await page.locator('#count-offline').textContent(), '1');

    // The broker gone: the page says its rows are as last heard.
    assert.ok(await page.locator('#broker-lost').isHidden());
    await broker.stop();
    await page.locator('#broker-lost').waitFor({ state: 'visible', timeout: 10_000 });
  } finally {
    await browser.close();
    await kiosk.kill('SIGKILL');
    await dashboard.stop();
    await broker.close();
  }
});

test.run();
