/**
 * Signed updates end to end, in a temporary root standing in for / (ANJUNGAN_UPDATE_ROOT's
 * config key update.root) with a supervisor standing in for systemd: a bundle of this tree
 * built by `npm run release` as version 0.1.1 is checked, installed, switched to and proved
 * healthy; a release that exits at start is rolled back within the window and the old one
 * serves again; tampered, unsigned, wrongly signed, other-architecture, older and truncated
 * bundles are refused with nothing changed; kill -9 of the updater at random moments always
 * leaves exactly one working release.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runCli, tempDir } from '../support/cli-process.ts';
import { currentRelease, healthOf, listing, manifestOf, ReleaseBundles } from '../support/release-bundles.ts';
import { Supervisor } from '../support/supervisor.ts';
import { waitFor } from '../support/wait.ts';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const NODE_OK = major > 22 || (major === 22 && minor >= 13);
const IS_ROOT = process.getuid?.() === 0;

function skip(): boolean {
  if (NODE_OK && IS_ROOT) return false;
  const why = !NODE_OK ? `Node ${process.versions.node} is below the release floor 22.13` : 'needs root';
  if (process.env.CI === 'true') throw new Error(`update tests: ${why}`);
  console.log(`  skipped: ${why}`);
  return true;
}

const work = tempDir();
const bundles = new ReleaseBundles(work);
const base = bundles.base;
const baseBundle = () => bundles.baseBundle();
const rebundle = bundles.rebundle.bind(bundles);
const kioskRoot = bundles.kioskRoot.bind(bundles);
const current = currentRelease;
const health = healthOf;

function update(config: string, args: string[], restart: string) {
  return runCli(['update', ...args, '--config', config], {
    env: {
      ANJUNGAN_UPDATE_RESTART_CMD: restart,
      ANJUNGAN_UPDATE_SETTLE_MS: '1000',
      ANJUNGAN_LOG_LEVEL: 'warn',
    },
    timeoutMs: 300_000,
  });
}

test('a signed release is checked, installed, switched to and proved healthy; a broken one rolls back', async () => {
  if (skip()) return;
  const { root, config } = kioskRoot('0.1.0', 45);
  const supervisor = new Supervisor(root, config);
  supervisor.start();
  try {
    await waitFor(
      '0.1.0 ready',
      () => health(root)?.version === '0.1.0' && health(root)?.ready,
      120_000,
      200,
    );

    const checked = await update(config, ['--from', baseBundle(), '--check'], supervisor.restartCommand);
    assert.is(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /would install 0\.1\.1 \(running 0\.1\.0\); nothing changed/);
    assert.equal(listing(root), ['0.1.0'], '--check changes nothing');

    const done = await update(config, ['--from', baseBundle()], supervisor.restartCommand);
    assert.is(done.code, 0, `${done.stdout}\n${done.stderr}`);
    assert.match(done.stdout, /updated to 0\.1\.1/);
    assert.is(current(root), '0.1.1');
    assert.is(health(root)?.version, '0.1.1', 'the new release serves');
    const status = await update(config, ['--status'], supervisor.restartCommand);
    assert.match(status.stdout, /running: +0\.1\.1/);
    assert.match(status.stdout, /last update: 0\.1\.1 done/);

    // A release whose new version exits at start: rolled back, the old one serves again.
    const broken = rebundle('bundle-0.1.2-broken', {
      version: '0.1.2',
      mutate: (dir) =>
        fs.writeFileSync(path.join(dir, 'bin/anjungan.js'), '#!/usr/bin/env node\nprocess.exit(3);\n'),
    });
    const rolled = await update(config, ['--from', broken], supervisor.restartCommand);
    assert.is(rolled.code, 1);
    assert.match(rolled.stdout, /update to 0\.1\.2 rolled_back: not healthy within the window/);
    assert.is(current(root), '0.1.1');
    await waitFor(
      '0.1.1 serving again',
      () => health(root)?.version === '0.1.1' && health(root)?.ready,
      120_000,
      200,
    );
  } finally {
    await supervisor.stop();
  }
});

test('unsigned, wrongly signed, tampered, truncated, other-arch and older bundles change nothing', async () => {
  if (skip()) return;
  const { root, config } = kioskRoot('0.1.1', 30);
  const before = listing(root);
  const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: [string, string, RegExp][] = [];
  const unsigned = rebundle('unsigned', { version: '0.1.5' });
  fs.rmSync(path.join(unsigned, 'manifest.sig'));
  cases.push(['unsigned', unsigned, /not signed \(no manifest\.sig\)/]);
  cases.push([
    'unknown key',
    rebundle('unknown-key', { version: '0.1.5', keyPem: other }),
    /not a signature by a trusted release key/,
  ]);
  const tampered = rebundle('tampered', { version: '0.1.5' });
  const archive = path.join(tampered, manifestOf(tampered).archive);
  const bytes = fs.readFileSync(archive);
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
  fs.writeFileSync(archive, bytes);
  cases.push(['tampered', tampered, /does not match the signed sha256/]);
  const truncated = rebundle('truncated', { version: '0.1.5' });
  const tArchive = path.join(truncated, manifestOf(truncated).archive);
  fs.truncateSync(tArchive, fs.statSync(tArchive).size - 1000);
  cases.push(['truncated', truncated, /truncated or replaced/]);
  const altered = rebundle('altered-manifest', { version: '0.1.5' });
  const m = manifestOf(altered);
  fs.writeFileSync(
    path.join(altered, 'manifest.json'),
    JSON.stringify({ ...m, notes: 'changed after signing' }),
  );
  cases.push(['manifest altered', altered, /not a signature by a trusted release key/]);
  const otherArch = process.arch === 'x64' ? 'arm64' : 'x64';
  cases.push([
    'other arch',
    rebundle('other-arch', { version: '0.1.5', arch: otherArch }),
    new RegExp(`the bundle is for ${otherArch}`),
  ]);
  cases.push(['older', rebundle('older', { version: '0.0.9' }), /older than the running 0\.1\.1/]);
  for (const [what, dir, reason] of cases) {
    const r = await update(config, ['--from', dir], 'true');
    assert.is(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, reason, what);
    assert.equal(listing(root), before, `${what}: nothing unpacked`);
    assert.is(current(root), '0.1.1', `${what}: current unchanged`);
  }
  const down = await update(
    config,
    ['--from', path.join(work, 'older'), '--check', '--allow-downgrade'],
    'true',
  );
  assert.is(down.code, 0, down.stderr);
});

test('kill -9 of the updater at random moments always leaves one whole, working release', async () => {
  if (skip()) return;
  const { root, config } = kioskRoot('0.1.1', 60);
  const next = rebundle('bundle-0.1.3', { version: '0.1.3' });
  const supervisor = new Supervisor(root, config);
  supervisor.start();
  const { spawn } = await import('node:child_process');
  try {
    await waitFor('0.1.1 ready', () => health(root)?.ready, 120_000, 200);
    const kills = Number(process.env.ANJUNGAN_UPDATE_KILLS ?? 6);
    for (let i = 0; i < kills; i++) {
      const from = current(root) === '0.1.3' ? base : next;
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(ROOT, 'src/cli.ts'),
          'update',
          '--from',
          from,
          '--allow-downgrade',
          '--config',
          config,
        ],
        {
          cwd: ROOT,
          stdio: 'ignore',
          env: {
            ...process.env,
            ANJUNGAN_UPDATE_RESTART_CMD: supervisor.restartCommand,
            ANJUNGAN_UPDATE_SETTLE_MS: '500',
          },
        },
      );
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 4000));
      child.kill('SIGKILL');
      await exited;
      const recovered = await update(config, ['--recover'], supervisor.restartCommand);
      const version = current(root);
      const release = path.join(root, 'opt/anjungan/releases', version);
      assert.ok(
        fs.existsSync(path.join(release, 'bin/anjungan.js')),
        `kill ${i}: current names a whole release`,
      );
      assert.not.ok(version.endsWith('.partial'));
      await waitFor(
        `kill ${i}: ${version} serving (${recovered.stdout.trim()})`,
        () => health(root)?.version === version && health(root)?.ready,
        120_000,
        200,
      );
    }
  } finally {
    await supervisor.stop();
  }
});

test.after(() => fs.rmSync(work, { recursive: true, force: true }));

test.run();
