/**
 * `anjungan command <village>/<device> update --bundle-dir DIR --release-url URL`: the district
 * publishes a release folder (manifest.json, manifest.sig, the archive) on its HTTPS server and
 * orders one kiosk to install it. The order names the archive's URL, its sha256 and the
 * manifest's signature, read from the same folder, so the kiosk installs only what the district
 * signed the order for (and a release key signed the manifest for).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors.ts';
import { parseManifest } from '../update/manifest.ts';

/** The options `anjungan command` takes for `update`. */
export const UPDATE_ORDER_OPTIONS = {
  'bundle-dir': { type: 'string' },
  'release-url': { type: 'string' },
  'allow-downgrade': { type: 'boolean' },
} as const;

export interface UpdateOrderOptions {
  bundleDir: string | undefined;
  releaseUrl: string | undefined;
  allowDowngrade: boolean | undefined;
}

/** The args of `cmd/update` for the release in `bundleDir`, published under `releaseUrl`. */
export function updateOrderArgs(opts: UpdateOrderOptions): Record<string, unknown> {
  if (!opts.bundleDir || !opts.releaseUrl)
    throw new KioskError(
      'usage',
      'update needs --bundle-dir DIR (the release folder) and --release-url URL (where it is published)',
    );
  const manifestFile = path.join(opts.bundleDir, 'manifest.json');
  const sigFile = path.join(opts.bundleDir, 'manifest.sig');
  if (!existsSync(manifestFile) || !existsSync(sigFile))
    throw new KioskError(
      'usage',
      `${opts.bundleDir} holds no manifest.json and manifest.sig (npm run release)`,
    );
  const manifest = parseManifest(readFileSync(manifestFile, 'utf8'));
  let base: URL;
  try {
    base = new URL(opts.releaseUrl.endsWith('/') ? opts.releaseUrl : `${opts.releaseUrl}/`);
  } catch {
    throw new KioskError('usage', `--release-url '${opts.releaseUrl}' is not a URL`);
  }
  if (base.protocol !== 'https:')
    throw new KioskError('usage', '--release-url must be https:// (kiosks fetch only over TLS)');
  return {
    version: manifest.version,
    url: new URL(encodeURIComponent(manifest.archive), base).href,
    sha256: manifest.sha256,
    manifest_sig: readFileSync(sigFile, 'utf8').trim(),
    allow_downgrade: opts.allowDowngrade ?? false,
  };
}
