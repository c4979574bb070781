/**
 * Writes `<outDir>/build-info.json` at `npm run build`: the date of the commit being built, the
 * floor of the kiosk's clock check (src/version.ts reads it). SOURCE_DATE_EPOCH wins when set
 * (reproducible builds, and install.sh, whose copy of the checkout has no .git); otherwise
 * `git log -1` in the working directory. Without either, nothing is written (a stale file is
 * removed) and the kiosk falls back to the constant in src/version.ts, with a warning here.
 *
 *   node --import tsx scripts/build-info.ts [OUT_DIR]      (default: dist)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_INFO_FILE, type BuildInfo } from '../src/version.ts';

/** The build date: SOURCE_DATE_EPOCH (seconds) when set, else the commit date of HEAD in `cwd`. */
export function buildDate(cwd: string, env: NodeJS.ProcessEnv, git = 'git'): BuildInfo | null {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch) {
    if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds, got '${epoch}'`);
    return { build_date: new Date(Number(epoch) * 1000).toISOString(), source: 'SOURCE_DATE_EPOCH' };
  }
  try {
    const out = execFileSync(git, ['log', '-1', '--format=%cI'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return Number.isNaN(Date.parse(out)) ? null : { build_date: out, source: 'git' };
  } catch {
    return null; // git missing, or not a checkout
  }
}

/** Writes (or, without a date, removes) `<outDir>/build-info.json`; returns what was written. */
export function writeBuildInfo(
  outDir: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  git = 'git',
): BuildInfo | null {
  const file = path.join(outDir, BUILD_INFO_FILE);
  const info = buildDate(cwd, env, git);
  if (info === null) {
    rmSync(file, { force: true });
    return null;
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(info)}\n`);
  return info;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = path.resolve(process.argv[2] ?? 'dist');
  const info = writeBuildInfo(outDir, process.cwd(), process.env);
  if (info === null) {
    console.warn(
      'build-info: no git commit and no SOURCE_DATE_EPOCH: the kiosk uses the build date in src/version.ts',
    );
  } else {
    console.log(`build-info: build date ${info.build_date} (${info.source})`);
  }
}
