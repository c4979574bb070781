/**
 * Online updates (cmd/update) on this machine, in process: the kiosk's side (OnlineUpdate)
 * against a real HTTPS release server with a test CA, and the root side (`anjungan update
 * --spool`'s installFromSpool) run by the test when the request file appears, as
 * anjungan-update.path does on a kiosk. The releases are small signed bundles (the whole path
 * with a real release, Mosquitto and a supervisor is tests/integration/update-mqtt.test.ts).
 *
 * Covered: download resumed after a cut (Range), verification before anything is unpacked,
 * waiting for no session and for update.quiet_hours on an injected clock, the install with its
 * health gate, the outcome reported once as events and in state.update, a rollback, and refusals
 * (tampered, wrong signature, unknown key, other arch, older, tampered in the spool) that change
 * nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { type DomainEvent, KioskBus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { eventPayload } from '../../src/mqtt/payloads.ts';
import { updateLayout } from '../../src/update/layout.ts';
import { trustedReleaseKeys } from '../../src/update/manifest.ts';
import { OnlineUpdate } from '../../src/update/online-update.ts';
import { installFromSpool } from '../../src/update/spool-install.ts';
import { spoolLayout } from '../../src/update/update-job.ts';
import { tempDir } from '../support/cli-process.ts';
import { makeTestPki, type TestPki } from '../support/mosquitto-tls.ts';
import { ReleaseServer } from '../support/release-server.ts';
import { releaseKey, tinyBundle, tinyKioskRoot } from '../support/tiny-release.ts';
import { waitFor } from '../support/wait.ts';

const work = tempDir();
const testPki = makeTestPki(work);
const key = releaseKey();

function needPki(): TestPki | null {
  if (testPki) return testPki;
  if (process.env.CI === 'true') throw new Error('online update tests: openssl is not installed');
  console.log('  skipped: openssl is not installed');
  return null;
}

interface Kiosk {
  root: string;
  config: Config;
  events: DomainEvent[];
  updater: OnlineUpdate;
  server: ReleaseServer;
  site: string;
  clock: { now: Date };
  busy: { value: boolean; asked: number };
}

let n = 0;
async function kiosk(
  pki: TestPki,
  opts: { quietHours?: string | null; running?: string } = {},
): Promise<Kiosk> {
  const root = tempDir();
  tinyKioskRoot(root, opts.running ?? '0.1.0', key);
  const site = path.join(work, `site-${n++}`);
  fs.mkdirSync(site);
  const config = defaultConfig();
  config.data_dir = path.join(root, 'var/lib/anjungan');
  config.update = { ...config.update, root, ca_file: pki.ca, quiet_hours: opts.quietHours ?? null };
  const bus = new KioskBus();
  const events: DomainEvent[] = [];
  bus.on('event', (e, at) => {
    events.push(e);
    // Every event as the district would receive it matches its schema.
    const errors = payloadErrors('event', eventPayload(e, at, '1809102004', 'kiosk-01'));
    assert.is(errors, null, `${e.type}: ${errors}`);
  });
  const clock = { now: new Date(2026, 11, 5, 12, 0) };
  const busy = { value: false, asked: 0 };
  const updater = new OnlineUpdate({
    config,
    bus,
    logger: silentLogger(),
    checks: {
      running: {
        version: opts.running ?? '0.1.0',
        arch: process.arch,
        nodeVersion: process.versions.node,
        nodeAbi: process.versions.modules,
      },
      neededNative: [],
    },
    busy: () => {
      busy.asked++;
      return busy.value;
    },
    onStatus: () => {},
    now: () => clock.now,
    pollMs: 10,
    retryDelayMs: () => 10,
  });
  const server = new ReleaseServer(site, {
    cert: fs.readFileSync(pki.serverCert),
    key: fs.readFileSync(pki.serverKey),
  });
  await server.start();
  updater.start();
  return { root, config, events, updater, server, site, clock, busy };
}

async function close(k: Kiosk) {
  k.updater.stop();
  await k.server.stop();
}

/** The order the district would send for the bundle published in the kiosk's site. */
function order(k: Kiosk, bundle: string, extra: Record<string, unknown> = {}) {
  const m = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'));
  for (const f of ['manifest.json', 'manifest.sig', m.archive])
    fs.copyFileSync(path.join(bundle, f), path.join(k.site, f));
  return {
    version: m.version,
    url: `${k.server.url}${m.archive}`,
    sha256: m.sha256,
    manifest_sig: fs.readFileSync(path.join(bundle, 'manifest.sig'), 'utf8').trim(),
    ...extra,
  };
}

/** The root unit's part, as anjungan-update.path starts it when request.json appears. */
async function rootUnit(k: Kiosk, healthy: boolean) {
  const layout = updateLayout(k.root);
  await waitFor('request.json', () => fs.existsSync(spoolLayout(k.config).requestFile), 10_000);
  return installFromSpool(
    k.config,
    {
      layout,
      healthWindowMs: healthy ? 10_000 : 800,
      settleMs: 50,
      pollMs: 20,
      logger: silentLogger(),
      // The new release "starts" and reports healthy, or never does.
      restart: async () => {
        const current = path.basename(fs.readlinkSync(layout.currentLink));
        if (!healthy && current !== '0.1.0') return;
        fs.mkdirSync(path.dirname(layout.healthFile), { recursive: true });
        fs.writeFileSync(
          layout.healthFile,
          JSON.stringify({
            version: current,
            pid: process.pid,
            at: new Date().toISOString(),
            ready: true,
            flow_state: 'idle',
            out_of_service: [],
            printer: 'ready',
            reader_present: true,
            data_ok: true,
            broker_connected: false,
          }),
        );
      },
    },
    {
      keys: trustedReleaseKeys(layout.releaseKeysDir),
      running: {
        version: '0.1.0',
        arch: process.arch,
        nodeVersion: process.versions.node,
        nodeAbi: process.versions.modules,
      },
      neededNative: [],
    },
  );
}

const types = (k: Kiosk) => k.events.map((e) => e.type);
const current = (k: Kiosk) => path.basename(fs.readlinkSync(path.join(k.root, 'opt/anjungan/current')));
const releases = (k: Kiosk) => fs.readdirSync(path.join(k.root, 'opt/anjungan/releases')).sort();

test('download resumed after a cut, verified, installed at a quiet time, reported done once', async () => {
  const pki = needPki();
  if (!pki) return;
  const k = await kiosk(pki, { quietHours: '22:00-05:00' });
  try {
    const bundle = path.join(work, 'b-0.1.1');
    const m = tinyBundle(bundle, { version: '0.1.1', key });
    k.server.cutAfter.set(m.archive, Math.floor(m.size / 3));
    k.busy.value = true;
    const answer = await k.updater.accept(order(k, bundle));
    assert.equal(answer, { version: '0.1.1', state: 'downloading' });

    await waitFor('verified', () => k.updater.status().state === 'waiting_quiet', 20_000);
    assert.equal(k.events[0], { type: 'update_available', version: '0.1.1', size: m.size });
    const cut = Math.floor(m.size / 3);
    const ranges = k.server.served.ranges.get(m.archive) ?? [];
    assert.is(ranges.length, 2, 'one cut, one resume');
    const from = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    assert.ok(from > 0 && from <= cut, `resumed with Range from ${from} (cut at ${cut})`);
    assert.is(k.server.served.bytes.get(m.archive), cut + m.size - from, 'only the rest sent again');
    assert.equal(k.updater.status(), { version: '0.1.1', state: 'waiting_quiet', available: '0.1.1' });

    // Noon, nobody at the kiosk: outside the quiet hours, no request.
    k.busy.value = false;
    const asked = k.busy.asked;
    await waitFor('several looks at the clock', () => k.busy.asked > asked + 5);
    assert.not.ok(fs.existsSync(spoolLayout(k.config).requestFile), 'not outside quiet_hours');
    // 23:00, but a resident is being served: still no request.
    k.busy.value = true;
    k.clock.now = new Date(2026, 11, 5, 23, 0);
    const asked2 = k.busy.asked;
    await waitFor('several looks at the session', () => k.busy.asked > asked2 + 5);
    assert.not.ok(fs.existsSync(spoolLayout(k.config).requestFile), 'not during a session');
    assert.equal(releases(k), ['0.1.0'], 'nothing unpacked by the kiosk');
    k.busy.value = false;

    const state = await rootUnit(k, true);
    assert.is(state?.phase, 'done', state?.reason ?? '');
    assert.is(current(k), '0.1.1');
    await waitFor('update_done', () => types(k).includes('update_done'), 10_000);
    assert.equal(types(k), ['update_available', 'update_started', 'update_done']);
    assert.equal(k.updater.status(), { version: '0.1.1', state: 'done', available: null });
    assert.not.ok(fs.existsSync(spoolLayout(k.config).bundleDir), 'the spool is emptied');

    // A restart (the new release's daemon) reports nothing twice.
    k.updater.stop();
    const again = new OnlineUpdate({
      ...(k.updater as unknown as { deps: ConstructorParameters<typeof OnlineUpdate>[0] }).deps,
    });
    again.start();
    assert.equal(again.status().state, 'done');
    assert.is(types(k).length, 3);
  } finally {
    await close(k);
  }
});

test('a release that never proves healthy is rolled back and reported by the old one', async () => {
  const pki = needPki();
  if (!pki) return;
  const k = await kiosk(pki);
  try {
    const bundle = path.join(work, 'b-0.1.2');
    tinyBundle(bundle, { version: '0.1.2', key });
    await k.updater.accept(order(k, bundle));
    const state = await rootUnit(k, false);
    assert.is(state?.phase, 'rolled_back');
    assert.is(current(k), '0.1.0');
    await waitFor('rolled_back', () => types(k).includes('rolled_back'), 10_000);
    const rolled = k.events.find((e) => e.type === 'rolled_back');
    assert.equal(
      { ...rolled, reason: undefined },
      { type: 'rolled_back', from: '0.1.2', to: '0.1.0', reason: undefined },
    );
    const failed = k.events.find((e) => e.type === 'update_failed');
    assert.is(failed?.type === 'update_failed' && failed.reason, 'health');
    assert.is(k.updater.status().state, 'rolled_back');
  } finally {
    await close(k);
  }
});

test('tampered, wrongly signed, unknown key, other arch, older: update_failed, nothing changed', async () => {
  const pki = needPki();
  if (!pki) return;
  const other = releaseKey();
  const cases: [string, (dir: string) => Record<string, unknown>, string, boolean][] = [];
  const make = (
    name: string,
    version: string,
    o: Parameters<typeof tinyBundle>[1] extends infer P ? Partial<P> : never = {},
  ) => {
    const dir = path.join(work, name);
    tinyBundle(dir, { version, key, ...o });
    return dir;
  };
  cases.push([
    'tampered archive',
    () => {
      const dir = make('tampered', '0.2.0');
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      const bytes = fs.readFileSync(path.join(dir, m.archive));
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
      fs.writeFileSync(path.join(dir, m.archive), bytes);
      return { dir };
    },
    'hash',
    true,
  ]);
  cases.push([
    'wrong signature in the order',
    () => ({ dir: make('wrong-sig', '0.2.0'), manifest_sig: Buffer.alloc(64, 7).toString('base64') }),
    'signature',
    false,
  ]);
  cases.push(['unknown key', () => ({ dir: make('unknown-key', '0.2.0', { key: other }) }), 'key', false]);
  const otherArch = process.arch === 'x64' ? 'arm64' : 'x64';
  cases.push([
    'other arch',
    () => ({ dir: make('other-arch', '0.2.0', { arch: otherArch }) }),
    'arch',
    false,
  ]);
  cases.push(['older', () => ({ dir: make('older', '0.0.9') }), 'downgrade', false]);
  for (const [what, build, reason, downloads] of cases) {
    const k = await kiosk(pki);
    try {
      const { dir, ...extra } = build('') as { dir: string };
      const o = order(k, dir, extra);
      await k.updater.accept(o);
      await waitFor(`${what}: update_failed`, () => types(k).includes('update_failed'), 20_000);
      const failed = k.events.find((e) => e.type === 'update_failed');
      assert.is(
        failed?.type === 'update_failed' && failed.reason,
        reason,
        `${what}: ${JSON.stringify(failed)}`,
      );
      assert.is(k.updater.status().state, 'failed', what);
      assert.not.ok(fs.existsSync(spoolLayout(k.config).requestFile), `${what}: the root side is not asked`);
      assert.equal(releases(k), ['0.1.0'], `${what}: nothing unpacked`);
      assert.is(current(k), '0.1.0', what);
      const archive = path.basename(new URL(o.url).pathname);
      if (!downloads)
        assert.not.ok(k.server.served.bytes.get(archive), `${what}: refused before downloading`);
    } finally {
      await close(k);
    }
  }
});

test('a bundle changed in the spool after the kiosk verified it is refused by the root side', async () => {
  const pki = needPki();
  if (!pki) return;
  const k = await kiosk(pki);
  try {
    const bundle = path.join(work, 'b-0.1.3');
    const m = tinyBundle(bundle, { version: '0.1.3', key });
    await k.updater.accept(order(k, bundle));
    await waitFor('request.json', () => fs.existsSync(spoolLayout(k.config).requestFile), 20_000);
    // Whoever holds the service user's rights swaps the archive before the root unit runs.
    fs.appendFileSync(path.join(spoolLayout(k.config).bundleDir, m.archive), 'x');
    const state = await rootUnit(k, true);
    assert.is(state?.phase, 'failed');
    assert.is(state?.failure, 'hash');
    assert.is(current(k), '0.1.0');
    assert.equal(releases(k), ['0.1.0']);
    await waitFor('update_failed', () => types(k).includes('update_failed'), 10_000);
    assert.not.ok(fs.existsSync(spoolLayout(k.config).requestFile), 'the request was taken');
  } finally {
    await close(k);
  }
});

test.after(() => fs.rmSync(work, { recursive: true, force: true }));

test.run();
