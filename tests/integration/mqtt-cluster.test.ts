import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import type { EventPayload } from '../../src/mqtt/payloads.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { sleep, TestKiosk, tempDir, testConfig, Watcher } from '../support/mosquitto-harness.ts';
import { type NatsCluster, natsAvailable, startNatsCluster } from '../support/nats.ts';

const available = natsAvailable();
let cluster: NatsCluster | null = null;
const dirs: string[] = [];

test.before(async () => {
  if (available) cluster = await startNatsCluster(3);
});
test.after(async () => {
  await cluster?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a kiosk on a 3-node NATS cluster keeps reporting when its node is killed, nothing lost', async () => {
  if (!cluster) return;
  const d = tempDir();
  dirs.push(d);
  const kiosk = new TestKiosk();
  // mqtt.url lists every node. NATS speaks MQTT 3.1.1 only: the default protocol_version 5 is
  // refused with a CONNACK and the kiosk falls back to 3.1.1 by itself.
  const config = testConfig(cluster.mqttUrls, d, { protocol_version: 5 });
  const reporter = new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  const connection: string[] = [];
  reporter.on('connection', (c) => connection.push(c));
  // The district watches through node 3, with a persistent session.
  const watcher = await new Watcher(
    cluster.mqttUrls[2]!,
    'anjungan/+/kiosk-01/event/+',
    4,
    'anj-test-cluster-watch',
  ).start();
  const numbers = () =>
    new Set(
      watcher.seen
        .map((s) => (JSON.parse(s.text) as EventPayload & { number?: string }).number)
        .filter(Boolean),
    );
  try {
    await reporter.start();
    await watcher.waitFor('started', () => watcher.seen.length > 0, 15_000);
    for (let n = 1; n <= 30; n++) {
      if (n === 11) await cluster.kill(0); // the kiosk's node dies mid-stream
      kiosk.bus.emitEvent({
        type: 'letter_issued',
        number: `S-11/${String(n).padStart(3, '0')}/1809102004/XI/2026`,
        letter_type: 'domisili',
        policy: 'final',
        resident_ref: 'r_0123456789abcdef0123',
      });
      await sleep(100);
    }
    await watcher.waitFor('all 30 letters through the surviving nodes', () => numbers().size === 30, 45_000);
    await watcher.waitFor('outbox empty', () => reporter.outboxDepth() === 0, 10_000);
    assert.ok(connection.filter((c) => c === 'online').length >= 2, `failed over: ${connection.join(',')}`);
    assert.ok(reporter.connected);
  } finally {
    await reporter.stop();
    await watcher.close();
  }
});

test.run();
