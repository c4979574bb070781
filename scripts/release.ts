/**
 * `npm run release -- --out DIR --key FILE [--version X.Y.Z] [--notes TEXT] [--arch arm64]`: a
 * signed release bundle of this tree for this machine's architecture, or cross-built for arm64
 * on an x86 machine (scripts/release-cross.ts; docs/technician.md, "Updates"):
 *
 *   DIR/anjungan-<version>-linux-<arch>.tar.gz   built code + production node_modules
 *   DIR/manifest.json                            version, arch, Node floor and ABI, native
 *                                                modules, size and sha256 of the archive
 *   DIR/manifest.sig                             Ed25519 (anjungan-release-v1 + JCS)
 *
 * npm drops an optional native module that fails to build without failing itself, so the
 * release refuses to finish unless every native module is there, is built for the target
 * machine and loads in the target's Node (for arm64: the arm64 Node under qemu-aarch64).
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fileSha256 } from '../src/file-sha256.ts';
import { type NativeModule, type ReleaseManifest, signManifest } from '../src/update/manifest.ts';
import {
  armNodeDir,
  crossInstall,
  missingCrossPackages,
  nodeCommand,
  proveLoads,
  type ReleaseArch,
  wrongArchAddons,
} from './release-cross.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHIPPED = [
  'bin',
  'dist',
  'data',
  'assets',
  'systemd',
  'docs',
  'package.json',
  'package-lock.json',
  'README.md',
];

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    key: { type: 'string' },
    version: { type: 'string' },
    notes: { type: 'string' },
    arch: { type: 'string', default: process.arch },
    node: { type: 'string' },
    'skip-build': { type: 'boolean' },
  },
});
if (!values.out || !values.key) {
  console.error(
    'usage: npm run release -- --out DIR --key FILE [--version X.Y.Z] [--notes TEXT] [--arch x64|arm64] [--node MAJOR]',
  );
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};
const version = values.version ?? pkg.version;
if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version ${version} is not x.y.z`);
const arch = values.arch as ReleaseArch;
const cross = arch !== process.arch;
if (arch !== 'x64' && arch !== 'arm64') throw new Error(`--arch ${arch}: a release is for x64 or arm64`);
if (cross && arch !== 'arm64') throw new Error(`cannot cross-build for ${arch} on ${process.arch}`);
if (cross) {
  const missing = missingCrossPackages();
  if (missing.length > 0)
    throw new Error(`an arm64 release on ${process.arch} needs the Debian packages: ${missing.join(', ')}`);
}
// The kiosks' Node major (scripts/install.sh NODE_MAJOR) unless --node says otherwise: the
// cross-built addons are for its ABI, and a kiosk refuses a bundle built for another.
const kioskNodeMajor =
  values.node ?? readFileSync(path.join(ROOT, 'scripts/install.sh'), 'utf8').match(/^NODE_MAJOR=(\d+)/m)?.[1];
const armNode = cross ? armNodeDir(kioskNodeMajor ?? '24') : undefined;
const minNode = (pkg.engines.node.match(/(\d+\.\d+(\.\d+)?)/)?.[1] ?? '22.13').split('.');
while (minNode.length < 3) minNode.push('0');

/** The compiled addons a kiosk may load, by npm package. */
const NATIVE: NativeModule[] = [
  { name: '@pokusew/pcsclite', file: 'node_modules/@pokusew/pcsclite/build/Release/pcsclite.node' },
  { name: 'epoll', file: 'node_modules/epoll/build/Release/epoll.node' },
  { name: 'sharp', file: `node_modules/@img/sharp-linux-${arch}/lib` },
];

const sh = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });

if (!values['skip-build']) sh('npm', ['run', 'build', '--silent'], ROOT);
const stage = mkdtempSync(path.join(os.tmpdir(), 'anjungan-release-'));
try {
  for (const part of SHIPPED) cpSync(path.join(ROOT, part), path.join(stage, part), { recursive: true });
  const stagedPkg = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  stagedPkg.version = version;
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(stagedPkg, null, 2)}\n`);
  console.log(`release ${version} linux-${arch}: installing production dependencies`);
  if (armNode) crossInstall(stage, armNode, NATIVE);
  else sh('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], stage);

  // Every native module present and loadable by this Node, or no release.
  const missing = NATIVE.filter((m) => !existsSync(path.join(stage, m.file)));
  if (missing.length > 0)
    throw new Error(
      `native modules missing after npm ci (npm drops a failed optional build silently): ${missing.map((m) => m.name).join(', ')}`,
    );
  const wrongArch = wrongArchAddons(stage, arch);
  if (wrongArch.length > 0)
    throw new Error(`native modules not built for linux-${arch}: ${wrongArch.join(', ')}`);
  const target = proveLoads(stage, nodeCommand(arch, armNode), NATIVE);
  console.log(
    `release: ${target.addons.length} native addons load in Node ${target.version} linux-${arch} (ABI ${target.abi})${cross ? ' under qemu-aarch64' : ''}`,
  );

  mkdirSync(values.out, { recursive: true });
  const archiveName = `anjungan-${version}-linux-${arch}.tar.gz`;
  const archive = path.join(values.out, archiveName);
  sh(
    'tar',
    ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-czf', archive, '-C', stage, '.'],
    ROOT,
  );
  const manifest: ReleaseManifest = {
    format: 1,
    name: 'anjungan',
    version,
    platform: 'linux',
    arch,
    min_node: minNode.join('.'),
    node_abi: target.abi,
    native_modules: NATIVE,
    archive: archiveName,
    size: statSync(archive).size,
    sha256: await fileSha256(archive),
    built_at: new Date().toISOString(),
    notes: values.notes ?? '',
  };
  writeFileSync(path.join(values.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    path.join(values.out, 'manifest.sig'),
    signManifest(manifest, readFileSync(values.key, 'utf8')),
  );
  console.log(
    `release written: ${archive} (${(manifest.size / 2 ** 20).toFixed(1)} MiB), manifest.json, manifest.sig`,
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
