/**
 * Small signed release bundles for tests of the update path that do not need a runnable release
 * (a real one is built by `npm run release` in tests/integration/update.test.ts): a folder with
 * manifest.json, manifest.sig and the archive, and a kiosk root with one release installed.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type ReleaseManifest, signManifest } from '../../src/update/manifest.ts';

export interface ReleaseKey {
  privatePem: string;
  publicPem: string;
}

export function releaseKey(): ReleaseKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Writes bundle `version` into `out` (archive named as `npm run release` names it). */
export function tinyBundle(
  out: string,
  opts: { version: string; key: ReleaseKey; arch?: string; size?: number },
): ReleaseManifest {
  const tree = `${out}.tree`;
  fs.mkdirSync(path.join(tree, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'bin/anjungan.js'), '#!/usr/bin/env node\n');
  fs.writeFileSync(
    path.join(tree, 'package.json'),
    JSON.stringify({ name: 'anjungan', version: opts.version }),
  );
  // Incompressible filler, so a download takes more than one packet (cut and throttled tests).
  fs.writeFileSync(path.join(tree, 'filler.bin'), randomBytes(opts.size ?? 200_000));
  fs.mkdirSync(out, { recursive: true });
  const arch = (opts.arch ?? process.arch) as ReleaseManifest['arch'];
  const archive = `anjungan-${opts.version}-linux-${arch}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(out, archive), '-C', tree, '.']);
  fs.rmSync(tree, { recursive: true, force: true });
  const bytes = fs.readFileSync(path.join(out, archive));
  const manifest: ReleaseManifest = {
    format: 1,
    name: 'anjungan',
    version: opts.version,
    platform: 'linux',
    arch,
    min_node: '20.0.0',
    node_abi: process.versions.modules,
    native_modules: [],
    archive,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    built_at: new Date().toISOString(),
    notes: 'test release',
  };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(out, 'manifest.sig'), signManifest(manifest, opts.key.privatePem));
  return manifest;
}

/** A root with release `version` installed and current, and `key` trusted. */
export function tinyKioskRoot(root: string, version: string, key: ReleaseKey): void {
  const release = path.join(root, 'opt/anjungan/releases', version);
  fs.mkdirSync(path.join(release, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(release, 'bin/anjungan.js'), '#!/usr/bin/env node\n');
  fs.writeFileSync(path.join(release, 'package.json'), JSON.stringify({ name: 'anjungan', version }));
  fs.symlinkSync(path.join('releases', version), path.join(root, 'opt/anjungan/current'));
  fs.mkdirSync(path.join(root, 'etc/anjungan/release-keys'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/anjungan/release-keys/district.pub'), key.publicPem);
}
