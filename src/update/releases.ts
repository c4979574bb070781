/**
 * The releases on disk: unpack one (into `<version>.partial`, renamed when whole, so a crash
 * never leaves a half release under its name), switch `current` atomically (a new symlink
 * renamed over the old one), and keep only the running release and the one before it.
 */
import { execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KioskError } from '../errors.ts';
import type { UpdateLayout } from './layout.ts';
import type { ReleaseManifest } from './manifest.ts';

const run = promisify(execFile);

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The version `current` points at, or null when there is none (first install). */
export function currentVersion(layout: UpdateLayout): string | null {
  try {
    return path.basename(readlinkSync(layout.currentLink));
  } catch {
    return null;
  }
}

/** Versions whole on disk (no `.partial`), oldest first by name order of x.y.z. */
export function installedVersions(layout: UpdateLayout): string[] {
  try {
    return readdirSync(layout.releasesDir).filter((n) => /^\d+\.\d+\.\d+$/.test(n));
  } catch {
    return [];
  }
}

/** Unpacks the archive into releases/<version> and checks it holds what the manifest says. */
export async function unpackRelease(
  layout: UpdateLayout,
  archive: string,
  manifest: ReleaseManifest,
): Promise<string> {
  const dest = path.join(layout.releasesDir, manifest.version);
  const partial = `${dest}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o755 });
  try {
    // --no-same-owner/--no-same-permissions: the files become root's, whatever the archive says.
    await run('tar', ['-xzf', archive, '-C', partial, '--no-same-owner', '--no-same-permissions']);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw new KioskError(
      'update_failed',
      `cannot unpack ${path.basename(archive)}: ${(err as Error).message}`,
    );
  }
  const needed = ['bin/anjungan.js', 'package.json', ...manifest.native_modules.map((m) => m.file)];
  const missing = needed.filter((f) => !existsSync(path.join(partial, f)));
  if (missing.length > 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new KioskError('update_failed', `the unpacked release lacks ${missing.join(', ')}`);
  }
  rmSync(dest, { recursive: true, force: true });
  renameSync(partial, dest);
  fsyncDir(layout.releasesDir);
  return dest;
}

/** Points `current` at releases/<version> in one rename. */
export function switchCurrent(layout: UpdateLayout, version: string): void {
  const target = path.join('releases', version);
  if (!existsSync(path.join(layout.optDir, target)))
    throw new KioskError('update_failed', `release ${version} is not installed`);
  const tmp = `${layout.currentLink}.new`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, layout.currentLink);
  fsyncDir(layout.optDir);
}

/** Removes every release but `keep` (the running one and the one to roll back to). */
export function pruneReleases(layout: UpdateLayout, keep: (string | null)[]): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(layout.releasesDir)) {
    if (keep.includes(name)) continue;
    rmSync(path.join(layout.releasesDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
