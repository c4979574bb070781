/**
 * Debian's Chromium driven by playwright-core, for any test that needs a real browser. Missing
 * binary: skip with a message, unless CI=true (then it is a failure). Never `npx playwright
 * install`: the browser comes from the `chromium` Debian package.
 *
 *   if (!chromiumAvailable()) return;
 *   const browser = await launchChromium();
 *   try { const page = await browser.newPage(); … } finally { await browser.close(); }
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The flags every test browser runs with: headless, no sandbox (root in CI), no network of its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  const found = existsSync(CHROMIUM_BIN);
  if (!found) {
    if (process.env.CI === 'true')
      throw new Error(`${CHROMIUM_BIN} is missing (apt-get install chromium) and CI=true`);
    console.warn(`SKIP: ${CHROMIUM_BIN} is missing (apt-get install chromium)`);
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_FLAGS, headless: true });
}
