/**
 * The Raspberry Pi bundle, cross-built on this x86 machine (issue 11, "Tested": the arm64
 * bundle's native modules load under qemu-aarch64 with the arm64 Node binary). The real
 * `npm run release -- --arch arm64` builds it; the test then unpacks the archive and checks it
 * independently of the release script: every addon is an AArch64 ELF file (binutils' readelf),
 * and the arm64 Node under qemu-aarch64-static loads each package from the unpacked tree and
 * uses it (sharp encodes a PNG through its arm64 libvips). An addon built for x86 is refused.
 *
 * Needs Debian's g++-aarch64-linux-gnu, qemu-user-static, libpcsclite-dev:arm64 and
 * libstdc++6:arm64 (.ci/run installs them); skips with a message without them, fails under CI.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  armNodeDir,
  missingCrossPackages,
  nodeAddons,
  nodeCommand,
  proveLoads,
  wrongArchAddons,
} from '../../scripts/release-cross.ts';
import type { ReleaseManifest } from '../../src/update/manifest.ts';
import { ROOT, tempDir } from '../support/cli-process.ts';

const KIOSK_NODE_MAJOR = fs
  .readFileSync(path.join(ROOT, 'scripts/install.sh'), 'utf8')
  .match(/^NODE_MAJOR=(\d+)/m)?.[1] as string;

function skip(): boolean {
  if (process.arch !== 'x64') {
    console.log(`  skipped: the arm64 cross build runs on x64 machines, this is ${process.arch}`);
    return true;
  }
  const missing = missingCrossPackages();
  if (missing.length === 0) return false;
  const why = `the arm64 cross build needs the Debian packages ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(why);
  console.log(`  skipped: ${why}`);
  return true;
}

const work = tempDir();
const out = path.join(work, 'bundle');
const unpacked = path.join(work, 'unpacked');

/** Runs the kiosks' arm64 Node under qemu with `args` in `cwd`; its stdout. */
function armNode(args: string[], cwd: string): string {
  const [cmd, ...qemuArgs] = nodeCommand('arm64', armNodeDir(KIOSK_NODE_MAJOR)) as [string, ...string[]];
  return execFileSync(cmd, [...qemuArgs, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
}

test('npm run release -- --arch arm64 cross-builds a bundle whose native modules load on arm64 Node', () => {
  if (skip()) return;
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'release', 'keygen', '--out', work], {
    cwd: ROOT,
  });
  // The bundle's own code is whatever dist/ holds; only its native modules are under test here.
  const skipBuild = fs.existsSync(path.join(ROOT, 'dist/cli.js')) ? ['--skip-build'] : [];
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/release.ts',
      '--arch',
      'arm64',
      '--out',
      out,
      '--key',
      path.join(work, 'release.key'),
      '--version',
      '0.1.1',
      ...skipBuild,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 900_000 },
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as ReleaseManifest;
  assert.is(manifest.arch, 'arm64');
  assert.is(manifest.archive, 'anjungan-0.1.1-linux-arm64.tar.gz');
  assert.equal(
    manifest.native_modules.map((m) => m.name).sort(),
    ['@pokusew/pcsclite', 'epoll', 'sharp'],
    'the manifest lists every native module the kiosk may need',
  );
  const abi = armNode(['-e', 'console.log(process.versions.modules)'], work).trim();
  assert.is(manifest.node_abi, abi, "the ABI of the kiosks' arm64 Node, not of the Node that built it");

  fs.mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', path.join(out, manifest.archive), '-C', unpacked]);
  const addons = nodeAddons(unpacked);
  for (const m of manifest.native_modules)
    assert.ok(
      addons.some((a) => a.startsWith(m.file)),
      `${m.name}: an addon at ${m.file}`,
    );
  for (const addon of addons) {
    const header = execFileSync('aarch64-linux-gnu-readelf', ['-h', path.join(unpacked, addon)], {
      encoding: 'utf8',
    });
    assert.match(header, /Machine:\s+AArch64/, `${addon} is built for AArch64`);
  }

  const report = armNode(
    [
      '-e',
      `const sharp = require('sharp');
     const pcsclite = require('@pokusew/pcsclite');
     const { Epoll } = require('epoll');
     sharp({ create: { width: 4, height: 4, channels: 3, background: '#0a0' } }).png().toBuffer().then((png) =>
       console.log(JSON.stringify({ arch: process.arch, png: png.subarray(1, 4).toString(),
         pcsclite: typeof pcsclite, epoll: typeof Epoll })));`,
    ],
    unpacked,
  );
  assert.equal(JSON.parse(report), { arch: 'arm64', png: 'PNG', pcsclite: 'function', epoll: 'function' });
});

test("an arm64 kiosk's own update check accepts the bundle: architecture, Node ABI, native modules", () => {
  if (skip() || !fs.existsSync(path.join(unpacked, 'bin/anjungan.js'))) return;
  // A kiosk root running 0.1.0 with a PC/SC reader and GPIO buttons (it needs all three addons),
  // trusting the release key; the bundle's own CLI runs on the arm64 Node under qemu.
  const root = path.join(work, 'kiosk');
  const config = path.join(root, 'etc/anjungan/config.json');
  const kioskFiles: Record<string, string> = {
    'opt/anjungan/releases/0.1.0/package.json': '{"version":"0.1.0"}',
    'etc/anjungan/release-keys/district.pub': fs.readFileSync(path.join(work, 'release.pub'), 'utf8'),
    'etc/anjungan/config.json': JSON.stringify({
      data_dir: path.join(root, 'var/lib/anjungan'),
      update: { root },
      log: { level: 'warn' },
      hardware: { reader: { driver: 'pcsc' }, buttons: { driver: 'gpio' } },
    }),
  };
  for (const [rel, text] of Object.entries(kioskFiles)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  fs.symlinkSync('releases/0.1.0', path.join(root, 'opt/anjungan/current'));
  const checked = armNode(
    ['bin/anjungan.js', 'update', '--from', out, '--check', '--config', config],
    unpacked,
  );
  assert.match(
    checked,
    /bundle 0\.1\.1 for linux-arm64 \(Node ABI \d+\), signed by district\.pub: all checks passed/,
  );
  assert.match(checked, /would install 0\.1\.1 \(running 0\.1\.0\); nothing changed/);
});

test('an addon built for x86 in the arm64 tree is named by the architecture check and fails to load', () => {
  if (skip() || !fs.existsSync(path.join(unpacked, 'node_modules/epoll'))) return;
  const x86Addon = path.join(ROOT, 'node_modules/epoll/build/Release/epoll.node');
  if (!fs.existsSync(x86Addon)) {
    console.log('  skipped: this checkout has no built epoll addon to plant');
    return;
  }
  const planted = 'node_modules/epoll/build/Release/epoll.node';
  fs.copyFileSync(x86Addon, path.join(unpacked, planted));
  assert.equal(
    wrongArchAddons(unpacked, 'arm64').filter((a) => a.startsWith(`${planted} `)),
    [`${planted} (ELF machine 0x3e)`],
  );
  assert.throws(
    () =>
      proveLoads(unpacked, nodeCommand('arm64', armNodeDir(KIOSK_NODE_MAJOR)), [
        { name: 'epoll', file: planted },
      ]),
    /native modules do not load in the target's Node .*epoll\.node/,
  );
});

test.after(() => fs.rmSync(work, { recursive: true, force: true }));
test.run();
