/**
 * Software version (from package.json) and build date. The build date is a floor for the clock check: a system
 * clock earlier than the day this software was built is certainly wrong (a Pi without a battery
 * clock after a power cut).
 *
 * `npm run build` writes the commit date of the build into `dist/build-info.json`
 * (scripts/build-info.ts), read here beside the compiled module. Running from sources (tsx)
 * there is no such file and the hand-kept FALLBACK_BUILD_DATE is the floor: bump it with every
 * release, it is also what a build made without git (and without SOURCE_DATE_EPOCH) uses.
 */
import { readFileSync } from 'node:fs';

/**
 * package.json's version: one place to bump, and what `npm run release -- --version` stamps in a
 * bundle's copy (package.json sits one level above src/ and dist/).
 */
export const VERSION: string = readPackageVersion(new URL('../package.json', import.meta.url));
export const FALLBACK_BUILD_DATE = '2026-11-23T00:00:00+07:00';
/** The file `npm run build` writes beside the compiled modules. */
export const BUILD_INFO_FILE = 'build-info.json';

/** What scripts/build-info.ts writes. */
export interface BuildInfo {
  /** ISO 8601 with offset: the commit date of the build (or SOURCE_DATE_EPOCH). */
  build_date: string;
  /** Where the date came from: `git` or `SOURCE_DATE_EPOCH`. */
  source: string;
}

/** The build date recorded in `file`, or null when there is none or it is not a date. */
export function readBuildDate(file: URL | string): string | null {
  let info: Partial<BuildInfo>;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildInfo>;
  } catch {
    return null;
  }
  const date = info?.build_date;
  return typeof date === 'string' && !Number.isNaN(Date.parse(date)) ? date : null;
}

/** The `version` of a package.json; "unknown" when it cannot be read (never a crash at start). */
export function readPackageVersion(file: URL | string): string {
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const fromBuild = readBuildDate(new URL(`./${BUILD_INFO_FILE}`, import.meta.url));
/** The clock floor: the build's commit date, or FALLBACK_BUILD_DATE from sources. */
export const BUILD_DATE: string = fromBuild ?? FALLBACK_BUILD_DATE;
/** Whether BUILD_DATE came from the build (`build`) or the fallback constant (`sources`). */
export const BUILD_DATE_FROM: 'build' | 'sources' = fromBuild === null ? 'sources' : 'build';
