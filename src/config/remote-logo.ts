/**
 * The village logo the district publishes (`village.logo_url` + `village.logo_sha256`): fetched
 * once into `<data_dir>/logo/<sha256>.png`, kept only when its sha256 matches, then printed on the
 * kop surat instead of `village.logo_file`. The file name is its hash, so a half-written or
 * tampered download can never be mistaken for the logo.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';

/** A logo bigger than this is refused (a kop surat logo is a few KiB). */
export const MAX_LOGO_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

export function remoteLogoPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'logo', `${sha256}.png`);
}

/** Throws a message naming the problem; resolves once the verified logo is in the data directory. */
export async function fetchRemoteLogo(dataDir: string, url: string, sha256: string): Promise<void> {
  const file = remoteLogoPath(dataDir, sha256);
  if (existsSync(file)) return;
  let bytes: Buffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new Error(`village.logo_url could not be downloaded (${url}): ${(err as Error).message}`);
  }
  if (bytes.length > MAX_LOGO_BYTES)
    throw new Error(`village.logo_url is ${bytes.length} bytes; the limit is ${MAX_LOGO_BYTES}`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new Error(`village.logo_url does not match village.logo_sha256 (the download hashes to ${actual})`);
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('village.logo_url is not a PNG image');
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/**
 * The logo to print: the district's verified one when set and downloaded, else the local
 * `village.logo_file`, else none. `warn` hears why a configured logo is not used.
 */
export function currentLogo(config: Config, warn: (message: string, file: string) => void): Buffer | null {
  const { logo_url, logo_sha256, logo_file } = config.village;
  if (logo_url && logo_sha256) {
    const file = remoteLogoPath(config.data_dir, logo_sha256);
    if (existsSync(file)) return readFileSync(file);
    warn('the remote logo (village.logo_url) is not downloaded yet: using village.logo_file', file);
  }
  if (!logo_file) return null;
  if (existsSync(logo_file)) return readFileSync(logo_file);
  warn('village.logo_file not found: letters print without a logo', logo_file);
  return null;
}
