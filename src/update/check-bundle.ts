/**
 * Every check a release bundle must pass before anything is unpacked: signed by a trusted
 * release key, for this machine's architecture and Node, newer than the running version (unless
 * a downgrade is asked for), carrying the native modules this kiosk needs, and its archive
 * exactly the one the manifest names (size and sha256). The same checks run in the kiosk (before
 * it asks for an install) and in the root updater (again, before it installs).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors.ts';
import { fileSha256 } from '../file-sha256.ts';
import {
  compareVersions,
  parseManifest,
  type ReleaseManifest,
  signingKey,
  type TrustedKey,
} from './manifest.ts';

export interface RunningSystem {
  version: string;
  arch: string;
  nodeVersion: string;
  nodeAbi: string;
}

export interface BundleCheck {
  manifest: ReleaseManifest;
  dir: string;
  archive: string;
  keyFile: string;
}

/** Why an update was refused or failed, as the `update_failed` event names it. */
export type UpdateFailure =
  | 'download'
  | 'manifest'
  | 'hash'
  | 'signature'
  | 'key'
  | 'arch'
  | 'downgrade'
  | 'node'
  | 'native'
  | 'install'
  | 'health';

/** A refusal that knows its reason (`update_failed`'s `reason`). */
export class UpdateRefusal extends KioskError {
  constructor(
    readonly reason: UpdateFailure,
    message: string,
  ) {
    super('update_refused', message);
  }
}

const refuse = (message: string, reason: UpdateFailure = 'manifest') => new UpdateRefusal(reason, message);

/** The directory holding manifest.json: `source` itself, or the folder of a file in it. */
export function bundleDir(source: string): string {
  const st = statSync(source, { throwIfNoEntry: false });
  if (!st) throw refuse(`${source} does not exist`);
  return st.isDirectory() ? source : path.dirname(source);
}

export interface ManifestCheckOptions {
  keys: TrustedKey[];
  running: RunningSystem;
  neededNative: string[];
  allowDowngrade?: boolean | undefined;
}

/** Every check of a manifest and its signature, before any archive is fetched or unpacked. */
export function checkManifest(
  manifest: ReleaseManifest,
  signature: string,
  opts: ManifestCheckOptions,
): TrustedKey {
  if (opts.keys.length === 0)
    throw refuse('no trusted release keys (etc/anjungan/release-keys/*.pub)', 'key');
  const key = signingKey(manifest, signature, opts.keys);
  if (!key)
    throw refuse(
      'manifest.sig is not a signature by a trusted release key (altered, or signed by an unknown key)',
      'key',
    );

  const { running } = opts;
  if (manifest.arch !== running.arch)
    throw refuse(`the bundle is for ${manifest.arch}, this kiosk is ${running.arch}`, 'arch');
  const order = compareVersions(manifest.version, running.version);
  if (order === 0) throw refuse(`version ${manifest.version} is already the running version`, 'downgrade');
  if (order < 0 && !opts.allowDowngrade)
    throw refuse(
      `version ${manifest.version} is older than the running ${running.version} (allow_downgrade to install it)`,
      'downgrade',
    );
  if (compareVersions(running.nodeVersion, manifest.min_node) < 0)
    throw refuse(
      `the release needs Node ${manifest.min_node} or newer, this kiosk has ${running.nodeVersion}`,
      'node',
    );
  if (manifest.node_abi !== running.nodeAbi)
    throw refuse(
      `its native modules are built for Node ABI ${manifest.node_abi}, this kiosk runs ${running.nodeAbi}`,
      'node',
    );
  const carried = new Set(manifest.native_modules.map((m) => m.name));
  const missing = opts.neededNative.filter((n) => !carried.has(n));
  if (missing.length > 0)
    throw refuse(`the bundle lacks native modules this kiosk needs: ${missing.join(', ')}`, 'native');
  return key;
}

export async function checkBundle(source: string, opts: ManifestCheckOptions): Promise<BundleCheck> {
  const dir = bundleDir(source);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw refuse(`no manifest.json in ${dir}: not a release bundle`);
  const manifest = parseManifest(readFileSync(manifestFile, 'utf8'));
  const sigFile = path.join(dir, 'manifest.sig');
  if (!existsSync(sigFile)) throw refuse('the bundle is not signed (no manifest.sig)', 'signature');
  const key = checkManifest(manifest, readFileSync(sigFile, 'utf8'), opts);

  const archive = path.join(dir, manifest.archive);
  const st = statSync(archive, { throwIfNoEntry: false });
  if (!st) throw refuse(`the archive ${manifest.archive} is missing`);
  if (st.size !== manifest.size)
    throw refuse(
      `the archive is ${st.size} bytes, the manifest says ${manifest.size} (truncated or replaced)`,
      'hash',
    );
  if ((await fileSha256(archive)) !== manifest.sha256)
    throw refuse('the archive does not match the signed sha256 (tampered or damaged)', 'hash');
  return { manifest, dir, archive, keyFile: key.file };
}
