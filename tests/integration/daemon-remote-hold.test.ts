/**
 * The district's out-of-service survives a real daemon restart, and `sudo anjungan resume` lifts it
 * on site: the running kiosk serves again, the lift reaches the district as `resumed_on_site`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { sendCommand } from '../../src/mqtt/district-client.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { REMOTE_HOLD_FILE } from '../../src/store/remote-hold.ts';
import { isRoot } from '../../src/systemd/service-user.ts';
import { runCli } from '../support/cli-process.ts';
import { DaemonProcess, ROOT } from '../support/daemon-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { Watcher } from '../support/mosquitto-harness.ts';
import { provisionMqttKiosk } from '../support/mqtt-daemon.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const available = mosquittoAvailable();
const district = generateDistrictKeyPair();
const ROOT_TOPIC = 'anjungan/1809102004/kiosk-mqtt';

test('an out_of_service from the district survives a restart; anjungan resume lifts it on site and reports it', async () => {
  if (!available) return;
  if (!isRoot()) {
    if (process.env.CI === 'true')
      throw new Error('this test runs anjungan resume, which needs root, and CI=true');
    console.warn('SKIP: anjungan resume needs root');
    return;
  }
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-hold-'));
  const config = await provisionMqttKiosk(dir, broker.url, { district_public_key: district.publicKeyPem });
  const onlineCount = () =>
    watcher.on(`${ROOT_TOPIC}/availability`).filter((s) => s.text === 'online').length;
  let kiosk = new DaemonProcess(['run', '--config', config], {});
  try {
    await watcher.waitFor('online', () => onlineCount() === 1, PROCESS_START_MS);
    const answer = await sendCommand({
      url: broker.url,
      village: '1809102004',
      device: 'kiosk-mqtt',
      name: 'out_of_service',
      args: { on: true, reason: 'DIRETAS' },
      privateKeyPem: district.privateKeyPem,
    });
    assert.is(answer.ok, true, JSON.stringify(answer));
    await kiosk.waitOut('--- screen: out_of_service ---');

    kiosk.child.kill('SIGTERM');
    assert.is(await kiosk.exit, 0, kiosk.stderr);
    kiosk = new DaemonProcess(['run', '--config', config], {});
    await watcher.waitFor('online again', () => onlineCount() === 2, PROCESS_START_MS);
    const k = kiosk;
    await k.waitOut('--- screen: ');
    assert.is(k.screens()[0], 'out_of_service', 'the first frame after the restart is still out of service');
    assert.ok(k.stdout.includes('DIRETAS'), "with the district's reason on screen");

    const resumed = await runCli(['resume', '--config', config]);
    assert.is(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /lifted the district's out-of-service \("DIRETAS"\)/);
    assert.match(resumed.stderr, /remote out-of-service lifted on site/, 'logged');
    await k.waitOut('--- screen: idle ---');
    await watcher.waitFor('resumed_on_site', () => watcher.on('/event/resumed_on_site').length === 1);
    const event = JSON.parse(watcher.on('/event/resumed_on_site')[0]!.text);
    assert.is(event.remote_reason, 'DIRETAS');
    assert.is(payloadErrors('event', event), null);
    await watcher.waitFor('state back in service', () => {
      const last = watcher.on(`${ROOT_TOPIC}/state`).at(-1);
      return last !== undefined && JSON.parse(last.text).remote_reason === null;
    });
    const stored = JSON.parse(readFileSync(join(dir, 'data', REMOTE_HOLD_FILE), 'utf8'));
    assert.equal(
      { reason: stored.reason, lifted_on_site: stored.lifted_on_site },
      { reason: null, lifted_on_site: null },
      'reported once: the marker is cleared',
    );
    const again = await runCli(['resume', '--config', config]);
    assert.is(again.code, 0);
    assert.match(again.stdout, /nothing to lift/);
  } finally {
    await kiosk.kill('SIGKILL');
    await watcher.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('anjungan resume is refused to anyone but root, and the hold stays', async () => {
  if (!isRoot() || spawnSync('setpriv', ['--version']).status !== 0) {
    console.warn('SKIP: needs root and setpriv to run the CLI as another user');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'anj-hold-'));
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(
      join(data, REMOTE_HOLD_FILE),
      JSON.stringify({ reason: 'DIRETAS', since: '2026-11-23T10:00:00.000Z', lifted_on_site: null }),
    );
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ device: { id: 'kiosk-mqtt' }, data_dir: data }));
    chmodSync(dir, 0o755);
    chmodSync(config, 0o644);
    const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups'];
    const cli = [process.execPath, '--import', 'tsx', 'src/cli.ts', 'resume', '--config', config];
    if (spawnSync('setpriv', [...asNobody, 'test', '-r', join(ROOT, 'src/cli.ts')]).status !== 0) {
      console.warn('SKIP: the checkout is not readable by nobody');
      return;
    }
    const r = spawnSync('setpriv', [...asNobody, ...cli], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /run it as root \(sudo anjungan resume\)/);
    assert.is(JSON.parse(readFileSync(join(data, REMOTE_HOLD_FILE), 'utf8')).reason, 'DIRETAS');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
