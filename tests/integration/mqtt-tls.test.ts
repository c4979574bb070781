import { chmodSync, rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TestKiosk, tempDir, testConfig } from '../support/mosquitto-harness.ts';
import { makeTestPki } from '../support/mosquitto-tls.ts';
import { waitFor } from '../support/wait.ts';

test('TLS with client certificate and password: the kiosk reports over mqtts:// with ca/cert/key files from config', async () => {
  if (!mosquittoAvailable()) return;
  const pkiDir = tempDir();
  chmodSync(pkiDir, 0o755);
  const pki = makeTestPki(pkiDir);
  if (!pki) {
    console.warn('SKIP: openssl is missing');
    return;
  }
  // A second listener with TLS and a required client certificate, next to the plain one.
  const { freePort } = await import('../support/mosquitto.ts');
  const tlsPort = await freePort();
  const broker = await startMosquitto({
    extraConf: [
      `listener ${tlsPort} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${pki.serverCert}`,
      `keyfile ${pki.serverKey}`,
      'require_certificate true',
    ].join('\n'),
  });
  const d = tempDir();
  const kiosk = new TestKiosk();
  const reporter = new Reporter({
    config: testConfig(`mqtts://127.0.0.1:${tlsPort}`, d, {
      ca_file: pki.ca,
      cert_file: pki.clientCert,
      key_file: pki.clientKey,
      username: 'kiosk-1809102004-kiosk-01',
      password: 'unused-by-this-broker',
    }),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  try {
    const online = new Promise<void>((resolve) => reporter.once('connection', () => resolve()));
    await reporter.start();
    await Promise.race([
      online,
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`no TLS connection:\n${broker.log()}`)), 10_000),
      ),
    ]);
    assert.ok(reporter.connected);

    // Without the client certificate the broker refuses the kiosk (and it keeps retrying quietly).
    const d2 = tempDir();
    const stranger = new Reporter({
      config: testConfig(`mqtts://127.0.0.1:${tlsPort}`, d2, { ca_file: pki.ca }, 'kiosk-02'),
      bus: kiosk.bus,
      controls: kiosk,
      logger: silentLogger(),
      dataDir: d2,
      startedAt: Date.now(),
    });
    const refusedBefore = refusals(broker.log());
    await stranger.start();
    // Wait for the broker to have refused it twice (a first attempt and a retry), not for a guess.
    await waitFor('two refused handshakes', () => refusals(broker.log()) >= refusedBefore + 2, 30_000);
    assert.is(stranger.connected, false);
    await stranger.stop();
    rmSync(d2, { recursive: true, force: true });
  } finally {
    await reporter.stop();
    await broker.close();
    rmSync(d, { recursive: true, force: true });
    rmSync(pkiDir, { recursive: true, force: true });
  }
});

/** TLS handshakes the broker refused (here: the client sent no certificate). */
function refusals(log: string): number {
  return log.split('\n').filter((l) => l.includes('OpenSSL Error')).length;
}

test.run();
