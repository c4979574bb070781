/**
 * Software version and release date. The release date is a floor for the clock check: a system
 * clock earlier than the day this software was built is certainly wrong (a Pi without a battery
 * clock after a power cut). Bump both with every release.
 */
import { readFileSync } from 'node:fs';

/**
 * The version is package.json's (one source: `npm run release -- --version` stamps the bundle's
 * copy), read from the project root, which is `..` both from src/ and from dist/.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
export const BUILD_DATE = '2026-11-23T00:00:00+07:00';
