/**
 * The verification page in a real browser (Debian's Chromium through playwright-core): a letter
 * printed by the kiosk (simulated printer, and ESC/POS over TCP into the virtual printer), its QR
 * decoded from the printed raster, the decoded URL opened → ASLI; offline reload → ASLI; the
 * site's index.html as file:// → ASLI; altered, unknown key, withdrawn, forged list, pengantar;
 * 360×640 at 200 % text without overflow (screenshots written, paths printed).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildVerifyPage } from '../../scripts/build-verify.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { kioskKeyRecord } from '../../src/keylist/key-record.ts';
import { addKeys, rawKeyBase64, revokeLetter, signKeyList } from '../../src/keylist/keylist-store.ts';
import { embedKeyList } from '../../src/keylist/verify-site.ts';
import { readArchivedLetter } from '../../src/letters/letter-archive.ts';
import { renderLetterPdf } from '../../src/letters/letter-pdf.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { formatIsoTanggal } from '../../src/letters/text-layout.ts';
import { extractToken, parseToken } from '../../src/letters/token-format.ts';
import { peekClaims, signToken } from '../../src/letters/verification-token.ts';
import { writeJsonDurably } from '../../src/store/durable-file.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { launchChromium } from '../support/chromium.ts';
import { runCli } from '../support/cli-process.ts';
import { makeKiosk, signedList } from '../support/keylist-fixtures.ts';
import { issueLetterThroughKiosk, startSimKiosk } from '../support/kiosk-letter.ts';
import { pdfFirstPagePng, popplerAvailable } from '../support/poppler.ts';
import { decodeQrPng, decodeQrRaster } from '../support/qr-decode.ts';
import { StaticSite } from '../support/static-site.ts';
import { startVirtualPrinter } from '../support/virtual-printer.ts';
import { waitFor } from '../support/wait.ts';

const work = mkdtempSync(path.join(tmpdir(), 'anj-verify-'));
const siteDir = path.join(work, 'site');
const shots = path.join(work, 'screenshots');
const site = new StaticSite(siteDir);
const district = generateKeyPairSync('ed25519');
const districtKeyFile = path.join(work, 'district.key');
const listFile = path.join(work, 'keylist.json');
const types = new Map(loadLetterTypes({}).map((t) => [t.id, t]));
let browser: Browser | null = null;
let pageHtml = '';

/** Prints one letter through the whole in-process kiosk; returns the QR text read from the raster. */
async function printLetter(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  job: () => Promise<Buffer>,
): Promise<string> {
  const daemon = await startSimKiosk(dataDir, { ANJUNGAN_LETTERS_VERIFY_URL: site.url, ...env });
  try {
    await issueLetterThroughKiosk(daemon);
    const bytes = await job();
    const image = decodeEscpos(bytes).images.at(-1);
    assert.ok(image, 'the letter has a raster QR');
    const scanned = decodeQrRaster(image);
    assert.ok(scanned, 'the printed QR decodes');
    return scanned;
  } finally {
    await daemon.stop();
  }
}

async function verdictOf(page: Page): Promise<{ verdict: string; text: string }> {
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#result:not([hidden])');
  return {
    verdict: (await page.textContent('#verdict')) ?? '',
    text: (await page.textContent('main')) ?? '',
  };
}

const kioskDir = mkdtempSync(path.join(tmpdir(), 'anj-verify-kiosk-'));
let simUrl = '';
let escposUrl = '';
const stranger = makeKiosk({ device_id: 'kiosk-09' });

test.before(async () => {
  browser = await launchChromium();
  if (!browser) return;
  mkdirSync(siteDir, { recursive: true });
  mkdirSync(shots, { recursive: true });
  await site.start();
  pageHtml = (await buildVerifyPage()).html;
  writeFileSync(districtKeyFile, district.privateKey.export({ format: 'pem', type: 'pkcs8' }));

  simUrl = await printLetter(kioskDir, {}, async () => {
    const dir = path.join(kioskDir, 'sim', 'prints');
    await waitFor('a print job', () => readdirSync(dir, { withFileTypes: true }).length > 0, 20_000);
    return readFileSync(path.join(dir, readdirSync(dir)[0]!));
  });
  const printer = await startVirtualPrinter('ready');
  try {
    const next = printer.nextJob(30_000);
    escposUrl = await printLetter(
      kioskDir,
      { ANJUNGAN_HARDWARE_PRINTER_DRIVER: 'escpos', ANJUNGAN_HARDWARE_PRINTER_INTERFACE: printer.url },
      async () => (await next).bytes,
    );
  } finally {
    await printer.close();
  }

  // The district's list: this kiosk's key (as `keys export` gives it) and one withdrawn letter.
  const config = { ...defaultConfig(), data_dir: kioskDir };
  const keys = await loadOrCreateKeys(config, { create: false });
  let list = addKeys(
    { format: 'anjungan-keylist-1', serial: 0, updated_at: '', keys: [], revoked_letters: [] },
    [kioskKeyRecord(config, keys)],
  ).list;
  list = revokeLetter(list, '1809102004/kiosk-01', '470/999/1809102004/XII/2026', 'salah_data', new Date());
  await writeJsonDurably(listFile, signKeyList(list, district.privateKey, new Date()));
  const built = await runCli([
    'district',
    'keylist',
    'build',
    '--list',
    listFile,
    '--key',
    districtKeyFile,
    '--out',
    siteDir,
  ]);
  assert.is(built.code, 0, built.stderr);
});

test.after(async () => {
  await browser?.close();
  await site.stop();
});

test('the QR printed by the kiosk (sim and ESC/POS) opens the page: ASLI with number, type, date, village', async () => {
  if (!browser) return;
  for (const url of [simUrl, escposUrl]) {
    assert.ok(url.startsWith(`${site.url}#AJ2.`), url);
    const parsed = parseToken(extractToken(url));
    assert.ok(parsed.ok);
    const claims = parsed.token.claims;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const { verdict, text } = await verdictOf(page);
    assert.is(verdict, 'ASLI', text);
    assert.ok(text.includes(claims.number));
    assert.ok(text.includes(types.get(claims.type)!.title), 'the type title from the key list');
    assert.ok(text.includes(formatIsoTanggal(claims.issued)));
    assert.match(text, /Hanura/);
    assert.match(text, /Teluk Pandan/);
    assert.match(text, /Pesawaran/);
    assert.not.match(text, /\b\d{16}\b/, 'no NIK on the page');
    await context.close();
  }
});

test('the QR of the A4 letter (the kept letter as PDF, rasterised) opens the page: ASLI', async () => {
  if (!browser || !popplerAvailable()) return;
  const [entry] = readdirSync(path.join(kioskDir, 'letters')).filter((f) => f.endsWith('.json'));
  const { letter, logo } = await readArchivedLetter(kioskDir, entry!.replace(/\.json$/, ''));
  const scanned = await decodeQrPng(pdfFirstPagePng(await renderLetterPdf(letter, { logo }), 150));
  assert.ok(scanned?.startsWith(`${site.url}#AJ2.`), String(scanned));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(scanned!);
  const { verdict, text } = await verdictOf(page);
  assert.is(verdict, 'ASLI', text);
  assert.ok(text.includes(letter.number));
  await context.close();
});

test('offline: after the first visit the service worker keeps the page verifying', async () => {
  if (!browser) return;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(simUrl);
  assert.is((await verdictOf(page)).verdict, 'ASLI');
  // Browser-side code as text: the project's types are Node's, not the DOM's.
  await page.evaluate(`(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    }
  })()`);
  await site.stop(); // the network is really gone, not only emulated
  await context.setOffline(true);
  try {
    await page.reload();
    const again = await verdictOf(page);
    assert.is(again.verdict, 'ASLI', again.text);
  } finally {
    await context.close();
    await site.start();
  }
});

test('file://: the site index.html alone verifies, and judges altered, unknown, withdrawn and pengantar codes', async () => {
  if (!browser) return;
  const token = extractToken(simUrl);
  const file = pathToFileURL(path.join(siteDir, 'index.html')).href;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${file}#${token}`);
  assert.is((await verdictOf(page)).verdict, 'ASLI');

  const judge = async (code: string) => {
    await page.evaluate(`location.hash = ${JSON.stringify(code)}`);
    await page.waitForFunction(`document.querySelector('#verdict')?.dataset.for === ${JSON.stringify(code)}`);
    return verdictOf(page);
  };
  const i = token.indexOf('.') + 12;
  const altered = token.slice(0, i) + (token[i] === 'x' ? 'y' : 'x') + token.slice(i + 1);
  assert.is((await judge(altered)).verdict, 'TIDAK SAH');

  const { version: _v, ...base } = peekClaims(token)!;
  const unknown = signToken(
    { ...base, device: 'kiosk-09', key_id: stranger.record.key_id },
    stranger.privateKey,
  );
  assert.is((await judge(unknown)).verdict, 'KUNCI TIDAK DIKENAL');

  const keys = await loadOrCreateKeys({ ...defaultConfig(), data_dir: kioskDir }, { create: false });
  const withdrawn = signToken({ ...base, number: '470/999/1809102004/XII/2026' }, keys.signingKey);
  const w = await judge(withdrawn);
  assert.is(w.verdict, 'DICABUT', w.text);

  const pengantar = signToken({ ...base, type: 'sktm', policy: 'pengantar' }, keys.signingKey);
  const p = await judge(pengantar);
  assert.is(p.verdict, 'ASLI');
  assert.ok(await page.isVisible('#pengantar'));
  assert.match(p.text, /belum berlaku sebelum ditandatangani dan dicap di kantor desa/);
  await context.close();
});

test('a forged key list served as keys.json is ignored, with the notice', async () => {
  if (!browser) return;
  const forger = generateKeyPairSync('ed25519');
  const genuine = readFileSync(path.join(siteDir, 'keys.json'));
  const forged = signedList(forger.privateKey, [stranger.record], {}, 99);
  writeFileSync(path.join(siteDir, 'keys.json'), JSON.stringify(forged));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const token = signToken(
      {
        number: '470/001/1809109999/XII/2026',
        type: 'domisili',
        policy: 'final',
        issued: '2026-12-01',
        valid_until: null,
        village: stranger.record.village_code,
        device: 'kiosk-09',
        key_id: stranger.record.key_id,
        resident_ref: 'r_00000000000000000000',
      },
      stranger.privateKey,
    );
    await page.goto(`${site.url}#${token}`);
    await page.waitForSelector('.notice');
    assert.match(
      (await page.textContent('#notices')) ?? '',
      /tidak sah \(tanda tangan kabupaten tidak cocok\)/,
    );
    assert.is((await verdictOf(page)).verdict, 'KUNCI TIDAK DIKENAL');
  } finally {
    await context.close();
    writeFileSync(path.join(siteDir, 'keys.json'), genuine);
  }
});

test('offline with a list older than a day, the page says as of when revocations are known', async () => {
  if (!browser) return;
  const keys = await loadOrCreateKeys({ ...defaultConfig(), data_dir: kioskDir }, { create: false });
  const record = kioskKeyRecord({ ...defaultConfig(), data_dir: kioskDir }, keys);
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  const old = signKeyList(
    { format: 'anjungan-keylist-1', serial: 0, updated_at: '', keys: [record], revoked_letters: [] },
    district.privateKey,
    twoDaysAgo,
  );
  const file = path.join(work, 'old-list.html');
  writeFileSync(file, embedKeyList(pageHtml, { district_key: rawKeyBase64(district.publicKey), list: old }));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pathToFileURL(file).href}#${extractToken(simUrl)}`);
  assert.is((await verdictOf(page)).verdict, 'ASLI');
  const day = formatIsoTanggal(old.payload.updated_at.slice(0, 10));
  assert.ok(((await page.textContent('#listinfo')) ?? '').includes(`Status pencabutan per ${day}`));
  // The site's own list is fresh: no such line.
  await page.goto(`${pathToFileURL(path.join(siteDir, 'index.html')).href}#${extractToken(simUrl)}`);
  await verdictOf(page);
  assert.not.match((await page.textContent('#listinfo')) ?? '', /Status pencabutan/);
  await context.close();
});

test('360×640 at 200 % text: nothing overflows (screenshots)', async () => {
  if (!browser) return;
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const pengantar = extractToken(simUrl);
  for (const [name, zoom] of [
    ['100', '100%'],
    ['200', '200%'],
  ] as const) {
    await page.goto(`${pathToFileURL(path.join(siteDir, 'index.html')).href}#${pengantar}`);
    await verdictOf(page);
    // Text zoom as a phone's accessibility setting does it: the root font size, the layout reflows.
    await page.addStyleTag({ content: `html { font-size: ${zoom} !important; }` });
    const overflow = (await page.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .map((e) => e.tagName.toLowerCase() + '#' + e.id);
      return { scroll: document.documentElement.scrollWidth, width, wide };
    })()`)) as { scroll: number; width: number; wide: string[] };
    const file = path.join(shots, `verify-360x640-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot: ${file}`);
    assert.ok(
      overflow.scroll <= overflow.width,
      `page wider than the screen at ${zoom}: ${JSON.stringify(overflow)}`,
    );
    assert.equal(overflow.wide, [], `elements past the right edge at ${zoom}`);
  }
  await context.close();
});

test.run();
