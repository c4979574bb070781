/**
 * The build date, the floor of the clock check: written at `npm run build` from the commit date
 * (or SOURCE_DATE_EPOCH), read beside the compiled module, the constant only from sources.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBuildInfo } from '../../scripts/build-info.ts';
import {
  BUILD_DATE,
  BUILD_DATE_FROM,
  FALLBACK_BUILD_DATE,
  readBuildDate,
  readPackageVersion,
  VERSION,
} from '../../src/version.ts';

const COMMIT_DATE = '2027-03-14T09:26:53+07:00';

/** A git checkout whose only commit is dated COMMIT_DATE. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anj-build-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.org',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.org',
    GIT_AUTHOR_DATE: COMMIT_DATE,
    GIT_COMMITTER_DATE: COMMIT_DATE,
  };
  execFileSync('git', ['init', '-q', dir], { env });
  writeFileSync(join(dir, 'a.txt'), 'a');
  execFileSync('git', ['-C', dir, 'add', 'a.txt'], { env });
  execFileSync('git', ['-C', dir, 'commit', '-q', '-m', 'a'], { env });
  return dir;
}

test('the build writes the commit date of the checkout into build-info.json', () => {
  const dir = checkout();
  const out = join(dir, 'dist');
  const info = writeBuildInfo(out, dir, {});
  assert.equal(info, { build_date: COMMIT_DATE, source: 'git' });
  const file = join(out, 'build-info.json');
  assert.is(readBuildDate(file), COMMIT_DATE);
  assert.is(Date.parse(readBuildDate(file)!), Date.parse('2027-03-14T02:26:53Z'));
  rmSync(dir, { recursive: true });
});

test('SOURCE_DATE_EPOCH wins over git (a copy without .git, reproducible builds); a bad one fails the build', () => {
  const dir = checkout();
  const out = join(dir, 'dist');
  const info = writeBuildInfo(out, dir, { SOURCE_DATE_EPOCH: '1800000000' });
  assert.equal(info, { build_date: '2027-01-15T08:00:00.000Z', source: 'SOURCE_DATE_EPOCH' });
  assert.throws(() => writeBuildInfo(out, dir, { SOURCE_DATE_EPOCH: 'yesterday' }), /whole seconds/);
  rmSync(dir, { recursive: true });
});

test('no git checkout, or no git at all: no file (a stale one is removed), the constant is the floor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-build-'));
  const repo = checkout();
  const out = join(dir, 'dist');
  writeBuildInfo(out, repo, {});
  assert.ok(existsSync(join(out, 'build-info.json')));
  assert.is(writeBuildInfo(out, dir, {}), null);
  assert.not.ok(existsSync(join(out, 'build-info.json')), 'a stale date is not kept');
  assert.is(writeBuildInfo(out, repo, {}, join(dir, 'no-such-git')), null);
  assert.is(readBuildDate(join(out, 'build-info.json')), null);
  rmSync(dir, { recursive: true });
  rmSync(repo, { recursive: true });
});

test('a damaged build-info.json is no date (the constant is used), never a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-build-'));
  for (const text of ['', '{"build_date":', '{"build_date":"soon"}', '[]', 'null']) {
    writeFileSync(join(dir, 'build-info.json'), text);
    assert.is(readBuildDate(join(dir, 'build-info.json')), null, text);
  }
  rmSync(dir, { recursive: true });
});

test('the module reads build-info.json beside itself; from sources (no such file) the constant', async () => {
  assert.is(BUILD_DATE_FROM, 'sources');
  assert.is(BUILD_DATE, FALLBACK_BUILD_DATE);
  // The same module as `npm run build` lays it out: dist/version.js beside dist/build-info.json.
  const dist = mkdtempSync(join(tmpdir(), 'anj-build-'));
  const repo = checkout();
  copyFileSync(new URL('../../src/version.ts', import.meta.url), join(dist, 'version.ts'));
  writeBuildInfo(dist, repo, {});
  const built = (await import(
    pathToFileURL(join(dist, 'version.ts')).href
  )) as typeof import('../../src/version.ts');
  assert.is(built.BUILD_DATE, COMMIT_DATE);
  assert.is(built.BUILD_DATE_FROM, 'build');
  assert.ok(readFileSync(join(dist, 'build-info.json'), 'utf8').includes(COMMIT_DATE));
  rmSync(dist, { recursive: true });
  rmSync(repo, { recursive: true });
});

test('the version is package.json\'s (one place to bump), "unknown" when it cannot be read', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.is(VERSION, pkg.version);
  const dir = mkdtempSync(join(tmpdir(), 'anj-build-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"x"}');
  assert.is(readPackageVersion(join(dir, 'package.json')), 'unknown');
  assert.is(readPackageVersion(join(dir, 'missing.json')), 'unknown');
  rmSync(dir, { recursive: true });
});

test.run();
