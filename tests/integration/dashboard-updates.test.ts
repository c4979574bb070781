/**
 * Online updates and remote settings on the district's dashboard (issue 11), against a real
 * Mosquitto, the real dashboard process and Debian's Chromium: four kiosks publish state v2 and
 * update/config events (validated against docs/schemas) as a kiosk would; the summary counts
 * them per version, update state and remote settings version (the offline one with its last
 * known values), the filters answer "not yet on 0.2.0" and "which updates failed or rolled
 * back", a failed update and a rollback raise alerts that end with the next order, and the
 * kiosk page reads its history as lines.
 */
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { kioskEvent, kioskState } from '../support/dashboard-fixtures.ts';
import { startDashboard } from '../support/dashboard-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const available = mosquittoAvailable() && chromiumAvailable();
const VILLAGE = '1809102004';

test('fleet summary and filters for versions, updates and remote settings; alerts; kiosk history', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const dashboard = await startDashboard(broker.url, { auth: false });
  const pub = await mqtt.connectAsync(broker.url, { clientId: `test-pub-${process.pid}` });
  const browser = await launchChromium();
  if (!browser) return;
  const send = (device: string, rest: string, payload: Buffer | string, retain = false) =>
    pub.publishAsync(`anjungan/${VILLAGE}/${device}/${rest}`, payload, { qos: 1, retain });
  const state = (device: string, fields: Record<string, unknown>) =>
    send(device, 'state', kioskState(VILLAGE, device, fields, Date.now()), true);
  const event = (device: string, type: string, fields: Record<string, unknown>) =>
    send(device, `event/${type}`, kioskEvent(VILLAGE, device, type, fields, Date.now()));
  try {
    for (const d of ['k1', 'k2', 'k3']) await send(d, 'availability', 'online', true);
    await send('k4', 'availability', 'offline', true);
    await state('k1', {
      version: '0.2.0',
      remote_config_version: 5,
      update: { version: '0.2.0', state: 'done', available: null },
    });
    await state('k2', { update: { version: '0.2.0', state: 'failed', available: null } });
    await state('k3', { update: { version: '0.2.0', state: 'rolled_back', available: null } });
    await state('k4', {});
    await event('k1', 'update_done', { version: '0.2.0' });
    await event('k1', 'config_applied', {
      version: 5,
      config_hash: 'ab'.repeat(32),
      keys: ['village.head_name', 'village.head_title'],
      restart_needed: [],
    });
    await event('k2', 'update_failed', { version: '0.2.0', reason: 'hash', detail: 'sha256 differs' });
    await event('k3', 'rolled_back', { from: '0.2.0', to: '0.1.0', reason: 'health' });
    await event('k3', 'update_failed', {
      version: '0.2.0',
      reason: 'health',
      detail: 'not healthy in 120 s',
    });

    const page = await (await browser.newContext()).newPage();
    await page.goto(dashboard.url);
    const versions = page.locator('#rollout-versions');
    await versions
      .locator('button', { hasText: '0.1.0: 3 (1 offline)' })
      .waitFor({ timeout: PROCESS_START_MS });
    assert.is(await versions.locator('button', { hasText: '0.2.0' }).textContent(), '0.2.0: 1');
    assert.is(await page.locator('#rollout-remote button[data-choice="=5"]').textContent(), 'v5: 1');
    await page.locator('#count-alerts', { hasText: '2' }).waitFor({ timeout: 5000 });
    const row = (d: string) => page.locator(`tr[data-kiosk="${VILLAGE}/${d}"]`);
    assert.is(await row('k2').locator('td:nth-child(16)').textContent(), 'failed 0.2.0: hash');
    assert.is(await row('k3').locator('td:nth-child(16)').textContent(), 'rolled_back 0.2.0 → 0.1.0');
    assert.is(await row('k1').locator('td:nth-child(17)').textContent(), 'v5');
    assert.is(await row('k1').locator('td:nth-child(18)').textContent(), 'ab'.repeat(6));
    // The offline kiosk keeps its last known version, marked as such.
    assert.is(await row('k4').getAttribute('class'), 'offline');
    assert.is(await row('k4').locator('td:nth-child(13)').textContent(), '0.1.0');

    const shown = async () =>
      [
        ...(await page
          .locator('#fleet tbody tr')
          .evaluateAll((trs) => trs.map((t) => t.getAttribute('data-kiosk')))),
      ].sort();
    // Not yet on 0.2.0.
    await page.selectOption('#f-version', '!0.2.0');
    await page.locator('#shown', { hasText: '3 ditampilkan' }).waitFor();
    assert.equal(
      await shown(),
      ['k2', 'k3', 'k4'].map((d) => `${VILLAGE}/${d}`),
    );
    await page.selectOption('#f-version', '');
    // Failed or rolled back.
    await page.selectOption('#f-update', 'problem');
    await page.locator('#shown', { hasText: '2 ditampilkan' }).waitFor();
    assert.equal(
      await shown(),
      ['k2', 'k3'].map((d) => `${VILLAGE}/${d}`),
    );
    await page.selectOption('#f-update', '');
    // A summary button sets its filter: not on remote settings v5 is everything else.
    await page.click('#rollout-remote button[data-choice="=5"]');
    await page.locator('#shown', { hasText: '1 ditampilkan' }).waitFor();
    await page.selectOption('#f-remote', '!5');
    await page.locator('#shown', { hasText: '3 ditampilkan' }).waitFor();

    const alerts = (await (await fetch(`${dashboard.url}/api/alerts`)).json()) as {
      kind: string;
      kiosk: string;
      detail: string;
    }[];
    assert.equal(alerts.map((a) => [a.kiosk, a.kind, a.detail]).sort(), [
      [`${VILLAGE}/k2`, 'update_failed', '0.2.0: hash'],
      [`${VILLAGE}/k3`, 'rolled_back', '0.2.0 → 0.1.0: health'],
    ]);

    // The kiosk pages read their history.
    const kp = await page.context().newPage();
    await kp.goto(`${dashboard.url}/kiosk/${VILLAGE}/k3`);
    const k3 = await kp.locator('#update-history').textContent();
    assert.ok(k3?.includes('dikembalikan 0.2.0 → 0.1.0 (health)'), k3 ?? '');
    assert.ok(k3?.includes('pembaruan 0.2.0 gagal: health (not healthy in 120 s)'), k3 ?? '');
    await kp.goto(`${dashboard.url}/kiosk/${VILLAGE}/k1`);
    const k1 = await kp.locator('#update-history').textContent();
    assert.ok(k1?.includes('0.2.0 terpasang'), k1 ?? '');
    assert.ok(
      k1?.includes('setelan jarak jauh v5 diterapkan: village.head_name, village.head_title'),
      k1 ?? '',
    );
    assert.is(await kp.locator('#kiosk-remote-config').textContent(), 'v5');

    // A new order for k2: its alert ends, live on the open page.
    await event('k2', 'update_available', { version: '0.2.1', size: 4096 });
    await state('k2', { update: { version: '0.2.1', state: 'downloading', available: null } });
    await page.locator('#count-alerts', { hasText: '1' }).waitFor({ timeout: 5000 });
    await row('k2').locator('td:nth-child(16)', { hasText: 'downloading 0.2.1' }).waitFor({ timeout: 5000 });
  } finally {
    await browser.close();
    await pub.endAsync();
    await dashboard.stop();
    await broker.close();
  }
});

test.run();
