/**
 * The deployable verification site, made by `anjungan district keylist build --out DIR` from the
 * page that `npm run build:verify` built (dist/verify/):
 *
 *   DIR/index.html   the page, with the district key and the signed list embedded (works alone,
 *                    even opened as a file on a phone)
 *   DIR/keys.json    the same signed list, which an online page fetches to refresh
 *   DIR/sw.js        the service worker that keeps the page working offline over HTTP(S)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KioskError } from '../errors.ts';
import type { SignedKeyList } from './keylist.ts';

/** The element of the page that carries the trust anchor and the list. */
export const EMBED_ID = 'anjungan-keylist';
const EMBED = new RegExp(`(<script id="${EMBED_ID}" type="application/json">)[^<]*(</script>)`);

/** What the page embeds: the district's raw public key (base64) and the signed list. */
export interface EmbeddedKeyList {
  district_key: string;
  list: SignedKeyList;
}

/** dist/verify of this installation (src/keylist → ../../dist/verify; dist/keylist alike). */
export function defaultPageDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'verify');
}

/** The page with `embedded` in place of the built page's placeholder. */
export function embedKeyList(html: string, embedded: EmbeddedKeyList): string {
  if (!EMBED.test(html))
    throw new KioskError('data_corrupt', `the page has no <script id="${EMBED_ID}"> element`);
  // "<" escaped so that no text in the list can close the script element.
  const json = JSON.stringify(embedded).replace(/</g, '\\u003c');
  return html.replace(EMBED, (_m, open: string, close: string) => `${open}${json}${close}`);
}

/** Reads the built page and service worker; says how to build them when they are missing. */
export async function readPage(pageDir: string): Promise<{ html: string; sw: string }> {
  try {
    return {
      html: await fs.readFile(path.join(pageDir, 'index.html'), 'utf8'),
      sw: await fs.readFile(path.join(pageDir, 'sw.js'), 'utf8'),
    };
  } catch (err) {
    throw new KioskError(
      'config_unreadable',
      `the verification page is not built in ${pageDir} (${(err as Error).message}); run \`npm run build:verify\` or give --page DIR`,
    );
  }
}
