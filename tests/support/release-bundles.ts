/**
 * Real release bundles for the update tests: the base bundle of this tree is built once by the
 * real release script (`scripts/release.ts`, version 0.1.1, signed by a key made with `anjungan
 * release keygen`); variants (another version, changed files, another arch or key) are repacked
 * from it and signed again; a kiosk root (standing in for /) has one release installed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type ReleaseManifest, signManifest } from '../../src/update/manifest.ts';
import { ROOT, tempDir } from './cli-process.ts';

export const manifestOf = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ReleaseManifest;

/** The release `current` points at under a kiosk root. */
export const currentRelease = (root: string) =>
  path.basename(fs.readlinkSync(path.join(root, 'opt/anjungan/current')));

/** What the running kiosk wrote into its health file (null: none yet). */
export function healthOf(root: string): { version: string; ready: boolean; pid: number } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'run/anjungan/health.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The releases on disk under a kiosk root. */
export const listing = (root: string) => fs.readdirSync(path.join(root, 'opt/anjungan/releases')).sort();

export class ReleaseBundles {
  readonly keys: string;
  readonly base: string;
  #built = false;

  constructor(readonly work: string) {
    this.keys = path.join(work, 'keys');
    this.base = path.join(work, 'bundle-0.1.1');
  }

  /** The base bundle, built once by the real release script. */
  baseBundle(): string {
    if (this.#built) return this.base;
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'release', 'keygen', '--out', this.keys],
      { cwd: ROOT },
    );
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/release.ts',
        '--out',
        this.base,
        '--key',
        path.join(this.keys, 'release.key'),
        '--version',
        '0.1.1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 },
    );
    this.#built = true;
    return this.base;
  }

  /** A variant of the base bundle: another version, changed files, another arch or signing key. */
  rebundle(
    name: string,
    opts: { version: string; mutate?: (dir: string) => void; arch?: 'x64' | 'arm64'; keyPem?: string },
  ): string {
    const src = this.baseBundle();
    const m = manifestOf(src);
    const unpacked = path.join(this.work, `${name}.tree`);
    fs.mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(src, m.archive), '-C', unpacked]);
    const pkgFile = path.join(unpacked, 'package.json');
    fs.writeFileSync(
      pkgFile,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), version: opts.version }),
    );
    opts.mutate?.(unpacked);
    const out = path.join(this.work, name);
    fs.mkdirSync(out, { recursive: true });
    const archive = `anjungan-${opts.version}-linux-${opts.arch ?? m.arch}.tar.gz`;
    execFileSync('tar', ['-czf', path.join(out, archive), '-C', unpacked, '.']);
    fs.rmSync(unpacked, { recursive: true, force: true });
    const bytes = fs.readFileSync(path.join(out, archive));
    const manifest: ReleaseManifest = {
      ...m,
      version: opts.version,
      arch: opts.arch ?? m.arch,
      archive,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
    fs.writeFileSync(
      path.join(out, 'manifest.sig'),
      signManifest(manifest, opts.keyPem ?? fs.readFileSync(path.join(this.keys, 'release.key'), 'utf8')),
    );
    return out;
  }

  /**
   * A kiosk root: release `version` installed from the base bundle and current, the key trusted.
   * `extra` is merged into the config (e.g. `mqtt`, more of `update`).
   */
  kioskRoot(
    version: string,
    healthWindowS: number,
    extra: { mqtt?: Record<string, unknown>; update?: Record<string, unknown> } = {},
  ): { root: string; config: string } {
    const root = tempDir();
    const release = path.join(root, 'opt/anjungan/releases', version);
    fs.mkdirSync(release, { recursive: true });
    const m = manifestOf(this.baseBundle());
    execFileSync('tar', ['-xzf', path.join(this.base, m.archive), '-C', release]);
    const pkgFile = path.join(release, 'package.json');
    fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), version }));
    fs.symlinkSync(path.join('releases', version), path.join(root, 'opt/anjungan/current'));
    fs.mkdirSync(path.join(root, 'etc/anjungan/release-keys'), { recursive: true });
    fs.copyFileSync(
      path.join(this.keys, 'release.pub'),
      path.join(root, 'etc/anjungan/release-keys/test.pub'),
    );
    const config = path.join(root, 'etc/anjungan/config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        data_dir: path.join(root, 'var/lib/anjungan'),
        update: { root, health_window_s: healthWindowS, ...extra.update },
        log: { level: 'warn' },
        ...(extra.mqtt ? { mqtt: extra.mqtt } : {}),
      }),
    );
    return { root, config };
  }
}
