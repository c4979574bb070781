/**
 * The web simulator in Debian's Chromium (playwright-core): the page shows the kiosk's real
 * frames; a click on a demo card taps it; clicks on the touch layout choose a letter and its
 * purpose and print it; the printed letter appears as a paper image whose QR decodes to the
 * letter's signed token; paper out shows the out-of-service frame; a click on no target does
 * nothing; the page is usable 360 px wide. SCREENSHOTS=1 refreshes the README's screenshots.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TouchTarget } from '../../src/display/touch-targets.ts';
import { peekClaims } from '../../src/letters/verification-token.ts';
import { silentLogger } from '../../src/log.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { launchChromium } from '../support/chromium.ts';
import { decodeQrPng } from '../support/qr-decode.ts';
import { TextSink, waitFor } from '../support/wait.ts';

const SHOTS = fileURLToPath(new URL('../../docs/images/', import.meta.url));

async function startKiosk(): Promise<{ daemon: Daemon; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-web-'));
  const out = new TextSink();
  const daemon = await startDaemon({
    defaultConfigPath: join(dataDir, 'no-config.json'),
    env: { ANJUNGAN_DATA_DIR: dataDir },
    stdin: null,
    stdout: out.stream,
    logger: silentLogger(),
    web: { host: '127.0.0.1', port: 0, explicit: true },
  });
  const url = /sim: web simulator at (\S+)/.exec(out.text)?.[1];
  if (!url) throw new Error(`no web address printed:\n${out.text}`);
  return { daemon, url };
}

async function targets(page: Page): Promise<TouchTarget[]> {
  return JSON.parse((await page.getAttribute('#screen', 'data-targets')) ?? '[]') as TouchTarget[];
}

/** Clicks the centre of a logical region of the kiosk screen, scaled to the image as shown. */
async function clickLogical(page: Page, x: number, y: number): Promise<void> {
  const box = await page.locator('#screen').boundingBox();
  const natural = (await page.evaluate(
    "({ w: document.querySelector('#screen').naturalWidth, h: document.querySelector('#screen').naturalHeight })",
  )) as { w: number; h: number };
  if (!box) throw new Error('screen not shown');
  await page.mouse.click(
    box.x + ((x + 0.5) * box.width) / natural.w,
    box.y + ((y + 0.5) * box.height) / natural.h,
  );
}

async function tapTarget(page: Page, match: (t: TouchTarget) => boolean, what: string): Promise<void> {
  const t = (await targets(page)).find(match);
  if (!t) throw new Error(`no target for ${what} on ${await page.getAttribute('#screen', 'data-screen')}`);
  await clickLogical(page, t.x + Math.floor(t.w / 2), t.y + Math.floor(t.h / 2));
}

const onScreen = (page: Page, name: string) =>
  page.waitForSelector(`#screen[data-screen="${name}"]`, { timeout: 15_000 });

test('in Chromium: card, letter tile, purpose, Cetak → the printed letter with a QR that decodes; paper out; misses', async () => {
  const browser = await launchChromium();
  if (!browser) return;
  const { daemon, url } = await startKiosk();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(url);
    await onScreen(page, 'idle');
    await page.click('.card[data-uid="04A1B2C3D4E5F6"]');
    await onScreen(page, 'greeting');
    await tapTarget(page, (t) => t.action.kind === 'button' && t.action.button === 'ok', 'Lanjut');
    await onScreen(page, 'choose_letter');

    // A click on no target (the title band) changes nothing.
    const before = daemon.runner.state;
    const seq = await page.getAttribute('#screen', 'data-seq');
    await clickLogical(page, 200, 50);
    await page.waitForSelector('#answer:text("sim: touched")');
    assert.is(daemon.runner.state, before, 'a miss leaves the flow as it was');
    assert.is(await page.getAttribute('#screen', 'data-seq'), seq, 'and the frame too');

    // The first letter printed with a verification QR; ▼ until its tile is on screen.
    const s = daemon.runner.state.screen;
    if (s.name !== 'choose_letter') throw new Error(s.name);
    const index = s.session.offers.findIndex((o) => o.policy === 'final' && o.missing_fields.length === 0);
    assert.ok(index >= 0, 'a final letter is offered');
    for (
      let i = 0;
      i < 20 && !(await targets(page)).some((t) => t.action.kind === 'select' && t.action.index === index);
      i++
    ) {
      const last = await page.getAttribute('#screen', 'data-seq');
      await tapTarget(page, (t) => t.action.kind === 'button' && t.action.button === 'down', '▼');
      await page.waitForFunction(`document.querySelector('#screen').dataset.seq !== ${JSON.stringify(last)}`);
    }
    await tapTarget(page, (t) => t.action.kind === 'select' && t.action.index === index, `letter ${index}`);
    await onScreen(page, 'choose_purpose');
    await tapTarget(page, (t) => t.action.kind === 'select' && t.action.index === 0, 'purpose 0');
    await onScreen(page, 'confirm');
    await tapTarget(page, (t) => t.action.kind === 'button' && t.action.button === 'ok', 'Cetak');
    await onScreen(page, 'done');

    const img = await page.waitForSelector('#prints .print img', { timeout: 15_000 });
    const src = await img.getAttribute('src');
    if (process.env.SCREENSHOTS === '1') {
      mkdirSync(SHOTS, { recursive: true });
      await page.waitForFunction("document.querySelector('#prints .print img').complete");
      await page.screenshot({ path: join(SHOTS, 'web-simulator.png'), fullPage: true });
    }
    const png = Buffer.from(await (await page.request.get(new URL(src ?? '', url).href)).body());
    const token = await decodeQrPng(png);
    assert.ok(token, 'the QR on the paper image decodes');
    const claims = peekClaims(token ?? '');
    assert.ok(claims, `the QR holds a letter token: ${token}`);
    const entry = await waitFor('the letter marked printed', () => {
      const e = daemon.register.find(claims?.number ?? '');
      return e?.status === 'printed' ? e : null;
    });
    assert.is(entry?.letter_type, s.session.offers[index]?.type_id, 'the QR is the letter just chosen');
    const download = await page.getAttribute('#prints .print a', 'href');
    assert.match(download ?? '', /download/);
    assert.ok(
      await page.locator('#mqtt li', { hasText: 'event/letter_issued' }).count(),
      'the MQTT event is listed',
    );

    await page.click('button[data-cmd="printer paper-out"]');
    await tapTarget(page, (t) => t.action.kind === 'button' && t.action.button === 'ok', 'Selesai');
    await onScreen(page, 'out_of_service');
    await clickLogical(page, 240, 160);
    await page.waitForSelector('#answer:text("sim: touched 240 160")');
    assert.is(daemon.runner.state.screen.name, 'out_of_service', 'nothing to touch out of service');
    await page.close();
  } finally {
    await browser.close();
    await daemon.stop();
  }
});

test('in Chromium at 360 px: no sideways scrolling, the screen fits, every control reachable', async () => {
  const browser = await launchChromium();
  if (!browser) return;
  const { daemon, url } = await startKiosk();
  try {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(url);
    await onScreen(page, 'idle');
    const widths = (await page.evaluate(
      "({ doc: document.documentElement.scrollWidth, screen: document.querySelector('#screen').getBoundingClientRect().width })",
    )) as { doc: number; screen: number };
    assert.ok(widths.doc <= 360, `page is ${widths.doc} px wide`);
    assert.ok(widths.screen > 300 && widths.screen <= 360, `screen shown ${widths.screen} px wide`);
    for (const sel of [
      'button[data-press="ok"]',
      '.card[data-uid]',
      'button[data-cmd="printer paper-out"]',
    ]) {
      const box = await page.locator(sel).first().boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= 360 && box.height >= 40,
        `${sel} reachable: ${JSON.stringify(box)}`,
      );
    }
    await page.click('.card.unknown');
    await onScreen(page, 'unknown_card');
    if (process.env.SCREENSHOTS === '1') {
      writeFileSync(join(SHOTS, 'web-simulator-360.png'), await page.screenshot({ fullPage: false }));
    }
    await page.close();
  } finally {
    await browser.close();
    await daemon.stop();
  }
});

test.run();
