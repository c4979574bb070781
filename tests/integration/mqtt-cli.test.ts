import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.ts';
import { silentLogger } from '../../src/log.ts';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker.ts';
import type { KioskRow } from '../../src/mqtt/fleet-view.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { type Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TestKiosk, tempDir, testConfig, Watcher } from '../support/mosquitto-harness.ts';

const available = mosquittoAvailable();
let broker: Mosquitto | null = null;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), env: {} });
  return { code, out, err };
}

test('keygen, then monitor --json sees the kiosk and command out_of_service switches it', async () => {
  if (!broker) return;
  const keys = dir();
  const gen = await cli(['command', 'keygen', '--out', keys]);
  assert.is(gen.code, 0, gen.err);
  assert.is(statSync(join(keys, 'district-command.key')).mode & 0o777, 0o600);
  assert.is((await cli(['command', 'keygen', '--out', keys])).code, 2, 'never overwrites the district key');

  const kiosk = new TestKiosk();
  const d = dir();
  const config = testConfig(broker.url, d, {
    district_public_key: readFileSync(join(keys, 'district-command.pub.pem'), 'utf8'),
  });
  const reporter = new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  const watcher = await new Watcher(broker.url, 'anjungan/+/kiosk-01/availability').start();
  try {
    await reporter.start();
    await watcher.waitFor('online', () => watcher.seen.some((s) => s.text === 'online'));
    kiosk.change({ letters_today: 4, printer: 'paper_near_end' });

    const sent = await cli([
      'command',
      '1809102004/kiosk-01',
      'out_of_service',
      'on',
      'Sedang',
      'perbaikan',
      '--key',
      join(keys, 'district-command.key'),
      '--url',
      broker.url,
    ]);
    assert.is(sent.code, 0, sent.err);
    assert.is(JSON.parse(sent.out).result.remote_reason, 'Sedang perbaikan');
    assert.is(kiosk.current.remote_reason, 'Sedang perbaikan');

    const v4 = await cli([
      'command',
      '1809102004/kiosk-01',
      'ping',
      '--key',
      join(keys, 'district-command.key'),
      '--url',
      broker.url,
      '--mqtt-version',
      '4',
    ]);
    assert.is(v4.code, 0, v4.err);

    const snap = await cli(['monitor', '--url', broker.url, '--json', '--wait', '1']);
    assert.is(snap.code, 0, snap.err);
    const rows = JSON.parse(snap.out) as KioskRow[];
    const row = rows.find((r) => r.device === 'kiosk-01')!;
    assert.is(row.availability, 'online');
    assert.is(row.village, '1809102004');
    assert.is(row.printer, 'paper_near_end');
    assert.is(row.letters_today, 4);
    assert.is(row.remote_reason, 'Sedang perbaikan');
    assert.ok(row.last_seen);

    const other = await cli([
      'monitor',
      '--url',
      broker.url,
      '--json',
      '--wait',
      '0.5',
      '--village',
      '1809102005',
    ]);
    assert.equal(JSON.parse(other.out), [], 'another village shows nothing');
    assert.is((await cli(['command', 'kiosk-01', 'ping', '--key', 'x'])).code, 2);
  } finally {
    await reporter.stop();
    await watcher.close();
  }
});

test('simulator mode: the embedded broker works out of the box (MQTT 5 configured, falls back to 3.1.1)', async () => {
  const embedded = await startEmbeddedBroker(0);
  const kiosk = new TestKiosk();
  const d = dir();
  const reporter = new Reporter({
    config: testConfig(embedded.url, d, { protocol_version: 5 }),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  const watcher = await new Watcher(embedded.url, 'anjungan/#').start();
  try {
    await reporter.start();
    kiosk.bus.emitEvent({ type: 'card_unknown' });
    await watcher.waitFor('event', () => watcher.on('/event/card_unknown').length === 1);
    assert.ok(watcher.on('/availability').some((s) => s.text === 'online'));
  } finally {
    await reporter.stop();
    await watcher.close();
    await embedded.close();
  }
});

test.run();
