/**
 * The verification page: its size (the one HTML file a phone loads) and the time from opening
 * a letter's URL to the verdict on screen, in Debian's Chromium (file://, signature checked by
 * WebCrypto, a key list of 2,500 kiosks: a whole province).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rawKeyBase64 } from '../src/keylist/keylist-store.ts';
import { embedKeyList } from '../src/keylist/verify-site.ts';
import { signToken } from '../src/letters/verification-token.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { makeKiosk, signedList } from '../tests/support/keylist-fixtures.ts';
import { sampleClaims } from '../tests/support/letter-fixtures.ts';
import { percentile, round } from './bench-stats.ts';
import { buildVerifyPage } from './build-verify.ts';

const KIOSKS = 2500;
const RUNS = 20;

export async function benchVerify(): Promise<Record<string, number>> {
  const { html, sw } = await buildVerifyPage();
  const district = generateKeyPairSync('ed25519');
  const kiosk = makeKiosk();
  const others = Array.from(
    { length: KIOSKS - 1 },
    (_, i) => makeKiosk({ device_id: `kiosk-${String(i).padStart(4, '0')}` }).record,
  );
  const list = signedList(district.privateKey, [...others, kiosk.record]);
  const site = embedKeyList(html, { district_key: rawKeyBase64(district.publicKey), list });
  const dir = mkdtempSync(path.join(tmpdir(), 'anj-bench-verify-'));
  writeFileSync(path.join(dir, 'index.html'), site);
  const token = signToken(sampleClaims({ key_id: kiosk.record.key_id, valid_until: null }), kiosk.privateKey);

  const browser = await launchChromium();
  if (!browser) throw new Error('Chromium is not installed');
  const times: number[] = [];
  try {
    const page = await browser.newPage();
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${pathToFileURL(path.join(dir, 'index.html')).href}?run=${i}#${token}`);
      await page.waitForSelector('#result:not([hidden])');
      const text = await page.textContent('#verdict');
      if (text !== 'ASLI') throw new Error(`verdict ${text}`);
      times.push(Number(await page.evaluate(`performance.getEntriesByName('verdict')[0].startTime`)));
    }
  } finally {
    await browser.close();
  }
  return {
    verify_page_kib: round(Buffer.byteLength(html) / 1024, 1),
    verify_sw_kib: round(Buffer.byteLength(sw) / 1024, 1),
    verify_site_2500_kiosks_kib: Math.round(Buffer.byteLength(site) / 1024),
    verify_open_to_verdict_median_ms: round(percentile(times, 50), 1),
    verify_open_to_verdict_p99_ms: round(percentile(times, 99), 1),
  };
}
