/**
 * Debian's Chromium driven by playwright-core, for any test that needs a real browser (no
 * browser download: the `chromium` Debian package's /usr/bin/chromium, or $CHROMIUM_BIN; never
 * `npx playwright install`). A missing browser is a skip with a message, unless CI=true, where it
 * is a failure. Always `close()` the browser you get.
 *
 *   const browser = await launchChromium();
 *   if (!browser) return;          // skipped: no Chromium on this machine
 *   try { const page = await browser.newPage(); … } finally { await browser.close(); }
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The flags every test browser runs with: headless, no sandbox (root in CI), no network of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is installed; says SKIP when not (throws under CI=true). */
export function chromiumAvailable(): boolean {
  const found = existsSync(CHROMIUM_BIN);
  if (!found) {
    const message = `Chromium is not installed at ${CHROMIUM_BIN} (apt-get install chromium)`;
    if (process.env.CI === 'true') throw new Error(`${message} and CI=true`);
    console.warn(`SKIP: ${message}`);
  }
  return found;
}

/** A headless Chromium, or null (after the SKIP line) when it is not installed. */
export async function launchChromium(): Promise<Browser | null> {
  if (!chromiumAvailable()) return null;
  return chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS, headless: true });
}
