/**
 * Who may do what on the dashboard, in Chromium: log in, wrong password refused, a POST without
 * the CSRF token refused, a viewer sees no command buttons and is refused by the server, and an
 * operator's out_of_service, signed with the dashboard's operator key, reaches a real kiosk
 * daemon (which shows it on its screen) and is logged on the kiosk's page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOGIN_ATTEMPTS } from '../../src/dashboard/server.ts';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { addUser, startDashboard } from '../support/dashboard-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { tempDir } from '../support/mosquitto-harness.ts';
import { provisionSimKiosk, startSimKiosk } from '../support/sim-kiosk.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const available = mosquittoAvailable() && chromiumAvailable();
const KIOSK = '1809102004/kiosk-acc';
const PASSWORD = 'kata-sandi-yang-panjang';

async function login(page: Page, base: string, user: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login$/);
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await page.click('button');
}

test('login, wrong password, CSRF-less POST, viewer refused, operator command reaches the kiosk', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const dir = tempDir();
  const keys = generateDistrictKeyPair();
  const keyFile = join(dir, 'operator.key');
  writeFileSync(keyFile, keys.privateKeyPem, { mode: 0o600 });
  const dataDir = join(dir, 'dash');
  addUser(dataDir, 'siti', 'operator', PASSWORD);
  addUser(dataDir, 'budi', 'viewer', PASSWORD);
  const dashboard = await startDashboard(broker.url, { dataDir, args: ['--operator-key', keyFile] });
  // The kiosk trusts the dashboard's key (here as its district key: the kiosk side of
  // mqtt.operator_public_keys is another change).
  const kiosk = startSimKiosk(
    await provisionSimKiosk(broker.url, 'kiosk-acc', { district_public_key: keys.publicKeyPem }),
  );
  const browser = await launchChromium();
  if (!browser) return;
  try {
    const anon = await browser.newContext();
    // Not logged in: pages redirect, the API answers 401.
    assert.is((await anon.request.get(`${dashboard.url}/api/fleet`)).status(), 401);
    const page = await anon.newPage();
    await login(page, dashboard.url, 'siti', 'salah-sekali-kata-sandinya');
    await page.locator('#login-error').waitFor();
    // A login form posted without its CSRF token is refused, even with the right password.
    const forged = await anon.request.post(`${dashboard.url}/login`, {
      form: { user: 'siti', password: PASSWORD },
      maxRedirects: 0,
    });
    assert.is(forged.status(), 403);

    // Viewer: sees the fleet, no command buttons; the server refuses a command with its own token.
    const viewer = await browser.newContext();
    const vp = await viewer.newPage();
    await login(vp, dashboard.url, 'budi', PASSWORD);
    const row = vp.locator(`tr[data-kiosk="${KIOSK}"] td:nth-child(6)`, { hasText: 'online' });
    await row.waitFor({ timeout: PROCESS_START_MS });
    await vp.goto(`${dashboard.url}/kiosk/${KIOSK}`);
    assert.is(await vp.locator('#command-forms').count(), 0);
    const csrf = await vp.locator('meta[name=csrf]').getAttribute('content');
    const refused = await viewer.request.post(`${dashboard.url}/kiosk/${KIOSK}/command`, {
      form: { _csrf: csrf ?? '', name: 'ping' },
      maxRedirects: 0,
    });
    assert.is(refused.status(), 403);

    // Operator: a POST without the CSRF token is refused; with the form it goes to the kiosk.
    const operator = await browser.newContext();
    const op = await operator.newPage();
    await login(op, dashboard.url, 'siti', PASSWORD);
    await op.locator('#count-total', { hasText: '1' }).waitFor();
    const noCsrf = await operator.request.post(`${dashboard.url}/kiosk/${KIOSK}/command`, {
      form: { name: 'ping' },
      maxRedirects: 0,
    });
    assert.is(noCsrf.status(), 403);
    await op.goto(`${dashboard.url}/kiosk/${KIOSK}`);
    await op.fill('#oos-on input[name=reason]', 'Sedang perbaikan');
    await op.click('#oos-on button');
    await kiosk.waitOut('--- screen: out_of_service ---', 15_000);
    await op.locator('#commands td', { hasText: 'ok' }).waitFor();
    assert.ok((await op.locator('#commands').textContent())?.includes('siti'));
    assert.ok((await op.locator('#commands').textContent())?.includes('Sedang perbaikan'));

    // Password guessing from one address ends at LOGIN_ATTEMPTS posts of the login form.
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_ATTEMPTS; i++) {
      const r = await anon.request.post(`${dashboard.url}/login`, {
        form: { user: 'siti', password: 'x' },
        maxRedirects: 0,
      });
      statuses.push(r.status());
    }
    assert.is(statuses.at(-1), 429, statuses.join(','));
  } finally {
    await browser.close();
    await kiosk.kill('SIGKILL');
    await dashboard.stop();
    await broker.close();
  }
});

test.run();
