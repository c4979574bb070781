import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { backoffDelay } from '../../src/mqtt/connection.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { TestKiosk, tempDir, testConfig } from '../support/mosquitto-harness.ts';

test('backoff: a quick round through the nodes, then exponential with jitter, capped', () => {
  const lo = () => 0;
  const hi = () => 0.999;
  assert.ok(backoffDelay(0, 3, 1000, 60_000, hi) <= 500, 'first round: next node at once');
  assert.is(backoffDelay(3, 3, 1000, 60_000, lo), 500);
  assert.is(backoffDelay(4, 3, 1000, 60_000, lo), 1000);
  assert.is(backoffDelay(8, 3, 1000, 60_000, lo), 16_000);
  assert.ok(backoffDelay(50, 3, 1000, 60_000, hi) <= 60_000);
  assert.ok(backoffDelay(50, 3, 1000, 60_000, lo) >= 30_000, 'never less than half the ceiling');
  const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(6, 1, 1000, 60_000, Math.random)));
  assert.ok(spread.size > 10, 'jitter spreads a fleet');
});

test('a refused CONNACK (bad credentials) is retried with the configured username/password until accepted', async () => {
  let attempts = 0;
  const seen: (string | undefined)[] = [];
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      attempts++;
      seen.push(username);
      // The district fixes the broker's user table after the kiosk's first two attempts.
      const ok =
        attempts > 2 && username === 'kiosk-1809102004-kiosk-01' && password?.toString() === 's3cret';
      if (ok) done(null, true);
      else done(Object.assign(new Error('bad user'), { returnCode: 4 }), false);
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    broker.handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const d = tempDir();
  const kiosk = new TestKiosk();
  const reporter = new Reporter({
    config: testConfig(`mqtt://127.0.0.1:${port}`, d, {
      protocol_version: 4,
      username: 'kiosk-1809102004-kiosk-01',
      password: 's3cret',
    }),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  try {
    const online = new Promise<void>((resolve) =>
      reporter.once('connection', (c) => c === 'online' && resolve()),
    );
    await reporter.start();
    await Promise.race([
      online,
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`still offline after ${attempts} attempts`)), 10_000),
      ),
    ]);
    assert.ok(attempts >= 3);
    assert.ok(seen.every((u) => u === 'kiosk-1809102004-kiosk-01'));
  } finally {
    await reporter.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
    rmSync(d, { recursive: true, force: true });
  }
});

test.run();
