/**
 * The whole online update path on this machine (issue 11, "Tested"): a temporary root stands in
 * for / (update.root), a supervisor for anjungan.service and a PathUnit for anjungan-update.path
 * (it runs `anjungan update --spool` when the kiosk's request file appears). A signed bundle of
 * this tree (version 0.1.1, built by the real release script) is published on a local HTTPS server
 * with a test CA, which the kiosk trusts through update.ca_file; `anjungan command … update` sends
 * cmd/update through a real Mosquitto. The kiosk downloads, verifies and asks; the root side
 * switches; the new release reports update_done and its version in `state`. A release that exits
 * at start is rolled back and the old one reports rolled_back and serves again. Tampered, wrongly
 * signed, unknown-key and other-arch bundles are answered with update_failed and change nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { sendCommand } from '../../src/mqtt/district-client.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { runCli, tempDir } from '../support/cli-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { Watcher } from '../support/mosquitto-harness.ts';
import { makeTestPki } from '../support/mosquitto-tls.ts';
import { PathUnit } from '../support/path-unit.ts';
import { currentRelease, healthOf, listing, manifestOf, ReleaseBundles } from '../support/release-bundles.ts';
import { ReleaseServer } from '../support/release-server.ts';
import { Supervisor } from '../support/supervisor.ts';
import { releaseKey } from '../support/tiny-release.ts';
import { waitFor } from '../support/wait.ts';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const NODE_OK = major > 22 || (major === 22 && minor >= 13);
const IS_ROOT = process.getuid?.() === 0;

function skip(): boolean {
  if (NODE_OK && IS_ROOT) return false;
  const why = !NODE_OK ? `Node ${process.versions.node} is below the release floor 22.13` : 'needs root';
  if (process.env.CI === 'true') throw new Error(`online update tests: ${why}`);
  console.log(`  skipped: ${why}`);
  return true;
}

const TARGET = '1809102004/kiosk-01';

interface Event {
  type: string;
  [k: string]: unknown;
}

test('cmd/update over Mosquitto: downloaded, verified, switched, update_done; a broken release rolls back; bad bundles refused', async () => {
  if (skip() || !mosquittoAvailable()) return;
  const work = tempDir();
  const pki = makeTestPki(work);
  if (!pki) {
    if (process.env.CI === 'true') throw new Error('openssl is not installed');
    return void console.log('  skipped: openssl is not installed');
  }
  const bundles = new ReleaseBundles(work);
  const district = generateDistrictKeyPair();
  const districtKey = path.join(work, 'district.key');
  fs.writeFileSync(districtKey, district.privateKeyPem, { mode: 0o600 });
  const site = path.join(work, 'site');
  fs.mkdirSync(site);
  const server = new ReleaseServer(site, {
    cert: fs.readFileSync(pki.serverCert),
    key: fs.readFileSync(pki.serverKey),
  });
  await server.start();
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const { root, config } = bundles.kioskRoot('0.1.0', 40, {
    mqtt: { url: broker.url, district_public_key: district.publicKeyPem },
    update: { ca_file: pki.ca },
  });
  const supervisor = new Supervisor(root, config);
  const pathUnit = new PathUnit(
    path.join(root, 'var/lib/anjungan/spool/update/request.json'),
    config,
    supervisor.restartCommand,
  );
  const events = (type: string) =>
    watcher.on(`/event/${type}`).map((m) => {
      const payload = JSON.parse(m.text) as Event;
      assert.is(payloadErrors('event', payload), null, `${type} matches its schema`);
      return payload;
    });
  const lastState = () => {
    const states = watcher.on('/state');
    const s = states.at(-1);
    return s
      ? (JSON.parse(s.text) as { version: string; update?: { version: string; state: string } })
      : null;
  };
  const publish = (bundle: string) => {
    const m = manifestOf(bundle);
    for (const f of ['manifest.json', 'manifest.sig', m.archive])
      fs.copyFileSync(path.join(bundle, f), path.join(site, f));
    return m;
  };
  const order = (bundle: string) =>
    runCli([
      'command',
      TARGET,
      'update',
      '--bundle-dir',
      bundle,
      '--release-url',
      server.url,
      '--key',
      districtKey,
      '--url',
      broker.url,
    ]);

  supervisor.start();
  pathUnit.start();
  try {
    await waitFor(
      '0.1.0 ready',
      () => healthOf(root)?.version === '0.1.0' && healthOf(root)?.ready,
      120_000,
      200,
    );
    await watcher.waitFor('state of 0.1.0', () => lastState()?.version === '0.1.0', 60_000);
    assert.equal(lastState()?.update, { version: null, state: 'idle', available: null });

    // 1. A good release: downloaded, verified, asked for, switched, proved healthy, reported.
    const good = bundles.baseBundle();
    const m = publish(good);
    const sent = await order(good);
    assert.is(sent.code, 0, `${sent.stdout}\n${sent.stderr}`);
    assert.match(sent.stdout, /"state": "downloading"/);
    await watcher.waitFor('update_done', () => events('update_done').length > 0, 240_000);
    assert.equal(
      events('update_available').map((e) => [e.version, e.size]),
      [['0.1.1', m.size]],
    );
    assert.equal(
      events('update_started').map((e) => e.version),
      ['0.1.1'],
    );
    assert.equal(
      events('update_done').map((e) => e.version),
      ['0.1.1'],
    );
    assert.is(currentRelease(root), '0.1.1');
    await watcher.waitFor(
      'state of 0.1.1, update done',
      () => lastState()?.version === '0.1.1' && lastState()?.update?.state === 'done',
      60_000,
    );
    assert.is(server.served.bytes.get(m.archive), m.size, 'the archive was sent once');
    assert.is(pathUnit.runs.length, 1, 'the root side ran once');

    // 2. A release that exits at start: rolled back within the window; the old one reports it.
    const broken = bundles.rebundle('bundle-0.1.2-broken', {
      version: '0.1.2',
      mutate: (dir) =>
        fs.writeFileSync(path.join(dir, 'bin/anjungan.js'), '#!/usr/bin/env node\nprocess.exit(3);\n'),
    });
    publish(broken);
    assert.is((await order(broken)).code, 0);
    // The two events of a rollback are published one after the other: wait for both.
    await watcher.waitFor(
      'rolled_back and update_failed',
      () => events('rolled_back').length > 0 && events('update_failed').length > 0,
      240_000,
    );
    const rolled = events('rolled_back')[0];
    assert.equal([rolled?.from, rolled?.to], ['0.1.2', '0.1.1']);
    assert.is(events('update_failed').at(-1)?.reason, 'health');
    assert.is(currentRelease(root), '0.1.1');
    await watcher.waitFor(
      '0.1.1 serving again',
      () => lastState()?.version === '0.1.1' && lastState()?.update?.state === 'rolled_back',
      60_000,
    );

    // 3. Refused before anything is unpacked: update_failed with the reason, nothing changed.
    const before = listing(root);
    const other = releaseKey();
    const tampered = bundles.rebundle('tampered', { version: '0.1.5' });
    const tm = manifestOf(tampered);
    const bytes = fs.readFileSync(path.join(tampered, tm.archive));
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    fs.writeFileSync(path.join(tampered, tm.archive), bytes);
    const otherArch = process.arch === 'x64' ? 'arm64' : 'x64';
    const cases: [string, string, string][] = [
      ['tampered archive', tampered, 'hash'],
      ['unknown key', bundles.rebundle('unknown-key', { version: '0.1.6', keyPem: other.privatePem }), 'key'],
      ['other arch', bundles.rebundle('other-arch', { version: '0.1.7', arch: otherArch }), 'arch'],
    ];
    for (const [what, bundle, reason] of cases) {
      const failures = events('update_failed').length;
      publish(bundle);
      assert.is((await order(bundle)).code, 0, what);
      await watcher.waitFor(what, () => events('update_failed').length > failures, 120_000);
      assert.is(events('update_failed').at(-1)?.reason, reason, what);
      assert.equal(listing(root), before, `${what}: nothing unpacked`);
      assert.is(currentRelease(root), '0.1.1', what);
    }
    // A signature that is not the one on the server (the order was altered or mixed up).
    const wrongSig = bundles.rebundle('wrong-sig', { version: '0.1.8' });
    const wm = publish(wrongSig);
    const failures = events('update_failed').length;
    const answer = await sendCommand({
      url: broker.url,
      village: '1809102004',
      device: 'kiosk-01',
      name: 'update',
      args: {
        version: wm.version,
        url: `${server.url}${wm.archive}`,
        sha256: wm.sha256,
        manifest_sig: Buffer.alloc(64, 1).toString('base64'),
      },
      privateKeyPem: district.privateKeyPem,
    });
    assert.is(answer.ok, true, JSON.stringify(answer));
    await watcher.waitFor('wrong signature', () => events('update_failed').length > failures, 120_000);
    assert.is(events('update_failed').at(-1)?.reason, 'signature');
    assert.equal(listing(root), before);
    assert.is(pathUnit.runs.length, 2, 'refused bundles never reach the root side');
  } finally {
    await pathUnit.stop();
    await supervisor.stop();
    await watcher.close();
    await broker.close();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test.run();
