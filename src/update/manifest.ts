/**
 * A release bundle's manifest (`manifest.json`) and its signature (`manifest.sig`): Ed25519 by a
 * release key over `anjungan-release-v1\n` + the manifest's JCS encoding, so a signature made
 * for a command or a key list never passes for a release (docs/technician.md, "Updates").
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { signPayload, verifyPayload } from '../crypto/signed-payload.ts';
import { KioskError } from '../errors.ts';

export const RELEASE_PREFIX = 'anjungan-release-v1';

export interface NativeModule {
  /** npm package name, e.g. `@pokusew/pcsclite`. */
  name: string;
  /** The compiled addon inside the release, relative to its root. */
  file: string;
}

export interface ReleaseManifest {
  format: 1;
  name: 'anjungan';
  version: string;
  platform: 'linux';
  arch: 'x64' | 'arm64';
  /** The oldest Node.js the release runs on (package.json engines). */
  min_node: string;
  /** process.versions.modules of the Node its native modules were built for. */
  node_abi: string;
  native_modules: NativeModule[];
  /** The archive's file name beside the manifest, its size and sha256 (hex). */
  archive: string;
  size: number;
  sha256: string;
  built_at: string;
  notes: string;
}

const VERSION_RE = /^\d+\.\d+\.\d+$/;

/** -1, 0, 1 as `a` is older, the same as, or newer than `b` (x.y.z). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Parses and checks the shape of a manifest; anything else is refused with the reason. */
export function parseManifest(text: string): ReleaseManifest {
  let m: Partial<ReleaseManifest>;
  try {
    m = JSON.parse(text) as Partial<ReleaseManifest>;
  } catch (err) {
    throw new KioskError('update_refused', `manifest.json is not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (m?.format !== 1) problems.push('format is not 1');
  if (m?.name !== 'anjungan') problems.push('not an Anjungan release');
  if (typeof m?.version !== 'string' || !VERSION_RE.test(m.version)) problems.push('version is not x.y.z');
  if (m?.platform !== 'linux') problems.push('platform is not linux');
  if (m?.arch !== 'x64' && m?.arch !== 'arm64') problems.push('arch is not x64 or arm64');
  if (typeof m?.min_node !== 'string' || !VERSION_RE.test(m.min_node)) problems.push('min_node is not x.y.z');
  if (typeof m?.node_abi !== 'string') problems.push('node_abi missing');
  if (!Array.isArray(m?.native_modules)) problems.push('native_modules missing');
  if (typeof m?.archive !== 'string' || m.archive.includes('/') || !m.archive.endsWith('.tar.gz'))
    problems.push('archive is not a .tar.gz file name');
  if (typeof m?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) problems.push('sha256 missing');
  if (problems.length > 0) throw new KioskError('update_refused', `invalid manifest: ${problems.join('; ')}`);
  return m as ReleaseManifest;
}

export function signManifest(manifest: ReleaseManifest, privateKeyPem: string): string {
  return `${signPayload(RELEASE_PREFIX, manifest, createPrivateKey(privateKeyPem))}\n`;
}

export interface TrustedKey {
  file: string;
  key: KeyObject;
}

/** The release keys in `dir` (`*.pub`, PEM); a file that is not an Ed25519 key is skipped. */
export function trustedReleaseKeys(dir: string): TrustedKey[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.pub'))
      .sort();
  } catch {
    return [];
  }
  const keys: TrustedKey[] = [];
  for (const name of names) {
    try {
      const key = createPublicKey(readFileSync(path.join(dir, name), 'utf8'));
      if (key.asymmetricKeyType === 'ed25519') keys.push({ file: name, key });
    } catch {
      // not a key: ignored (selftest and --check name the trusted ones)
    }
  }
  return keys;
}

/** The trusted key that signed `manifest`, or null. */
export function signingKey(
  manifest: ReleaseManifest,
  signature: string,
  keys: TrustedKey[],
): TrustedKey | null {
  return keys.find((k) => verifyPayload(RELEASE_PREFIX, manifest, signature.trim(), k.key)) ?? null;
}
