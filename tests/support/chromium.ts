/**
 * Debian's Chromium driven by playwright-core (no browser download: the system's
 * /usr/bin/chromium, or $CHROMIUM_BIN). Missing browser: null with a SKIP line, unless CI=true,
 * where it is a failure. Always `close()` the browser you get.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The flags the project runs Chromium with: headless, no network of its own, no sandbox (root in CI). */
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

export async function launchChromium(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_BIN)) {
    const message = `Chromium is not installed at ${CHROMIUM_BIN} (apt-get install chromium)`;
    if (process.env.CI === 'true') throw new Error(`${message} and CI=true`);
    console.warn(`SKIP: ${message}`);
    return null;
  }
  return chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS, headless: true });
}
