/**
 * `anjungan selftest` as a process, for the technician's checks: MQTT against a real broker
 * (in-process aedes on a free loopback port) and one that is down; the clock against a register
 * holding a letter from the future.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker.ts';
import { provisionedKiosk, runCli } from '../support/cli-process.ts';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('selftest reports the broker reachable, and names an unreachable one with a remedy', async () => {
  const broker = await startEmbeddedBroker(0);
  try {
    // aedes speaks MQTT 3.1.1 only: the default (5) is refused, which selftest explains.
    const v5 = await provisionedKiosk(['--mqtt-url', broker.url]);
    const refused = await runCli(['selftest', '--config', v5.config]);
    assert.is(refused.code, 1);
    assert.match(refused.stdout, /FAIL mqtt .*Unacceptable protocol version/);
    assert.match(refused.stdout, /set mqtt\.protocol_version to 4/);
    const up = await provisionedKiosk(['--mqtt-url', broker.url, '--mqtt-protocol', '4']);
    const ok = await runCli(['selftest', '--config', up.config]);
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /PASS mqtt +mqtt:\/\/127\.0\.0\.1:\d+: connected/);
    assert.match(ok.stdout, /PASS clock/);
  } finally {
    await broker.close();
  }
  const port = await closedPort();
  const down = await provisionedKiosk(['--mqtt-url', `mqtt://127.0.0.1:${port}`]);
  const r = await runCli(['selftest', '--config', down.config]);
  assert.is(r.code, 1);
  assert.match(r.stdout, /FAIL mqtt +mqtt:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  assert.match(r.stdout + r.stderr, /check the network/);
});

test('selftest fails the clock when the register holds a letter newer than now', async () => {
  const k = await provisionedKiosk();
  const { config } = loadConfig({ path: k.config, env: {} });
  const reg = await LetterRegister.open(config.data_dir, {
    numbering: config.letters.numbering,
    villageCode: config.village.code,
    logger: silentLogger(),
  });
  const e = await reg.reserve({
    letter_type: 'domisili',
    code: '470',
    resident_ref: 'r_00000000000000000000',
    nik_masked: '************0001',
    purpose: 'x',
    policy: 'final',
    at: new Date('2099-01-01T08:00:00'),
  });
  await reg.markPrinted(e.id, new Date('2099-01-01T08:00:00'));
  await reg.close();
  const r = await runCli(['selftest', '--config', k.config]);
  assert.is(r.code, 1);
  assert.match(r.stdout, /FAIL clock .*2099/);
  assert.match(r.stdout + r.stderr, /timedatectl set-time/);
});

test.run();
