/**
 * What a stranger on the broker can make a kiosk do with unsigned junk, against a real Mosquitto:
 * refusals are reported within a budget that comes back with time, and answers go only under the
 * kiosk's own `reply/` level, whatever reply topic the request names.
 */
import { rmSync } from 'node:fs';
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDistrictKeyPair, signCommand } from '../../src/mqtt/command-signing.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { type Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TestKiosk, tempDir, testConfig, Watcher } from '../support/mosquitto-harness.ts';

const available = mosquittoAvailable();
const district = generateDistrictKeyPair();
const ROOT = 'anjungan/1809102004/kiosk-01';
let broker: Mosquitto | null = null;
const dirs: string[] = [];

test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function kioskOn(url: string, now: () => number) {
  const d = tempDir();
  dirs.push(d);
  const kiosk = new TestKiosk();
  const reporter = new Reporter({
    config: testConfig(url, d, { district_public_key: district.publicKeyPem }),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: now(),
    now,
  });
  const watcher = await new Watcher(url, '#').start();
  await reporter.start();
  await watcher.waitFor('online', () => watcher.on(`${ROOT}/availability`).some((s) => s.text === 'online'));
  return { kiosk, reporter, watcher };
}

test('the refusal-report budget comes back with time: 20 in a burst, then one per 30 s', async () => {
  if (!broker) return;
  const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  const { reporter, watcher } = await kioskOn(broker.url, () => clock.now());
  const sender = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  const junk = async (n: number) => {
    const before = watcher.on(`${ROOT}/reply/ping`).length;
    for (let i = 0; i < n; i++) await sender.publishAsync(`${ROOT}/cmd/ping`, '{junk', { qos: 1 });
    await watcher.waitFor(
      `${n} refusals answered`,
      () => watcher.on(`${ROOT}/reply/ping`).length === before + n,
    );
  };
  const reported = () => watcher.on('/event/command_refused').length;
  try {
    await junk(25);
    clock.advance(1000); // lets the outbox drain (its rate is measured on the same clock)
    await watcher.waitFor('the burst reported', () => reported() === 20);
    // Old budget: +1/30 token per refusal, so after ~20 junk commands nothing was reported again.
    for (let round = 1; round <= 3; round++) {
      clock.advance(30_000);
      await junk(2);
      await watcher.waitFor(`round ${round}: one more report`, () => reported() === 20 + round);
    }
  } finally {
    await reporter.stop();
    await sender.endAsync(true);
  }
  await watcher.waitFor('stopping', () => watcher.on('/event/stopping').length === 1);
  assert.is(reported(), 23, 'within the budget: 20 + one per 30 s, the rest only counted');
  await watcher.close();
});

test("answers go only under the kiosk's own reply/: never to a topic the request names elsewhere", async () => {
  if (!broker) return;
  const { reporter, watcher } = await kioskOn(broker.url, Date.now);
  const v5 = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const v4 = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  const foreign = [
    'zigbee2mqtt/bridge/request/restart',
    'anjungan/1809102004/kiosk-02/reply/ping',
    `${ROOT}/state`,
    `${ROOT}/reply/ping/../../state`,
    'anjungan-district/replies/ab12',
  ];
  try {
    let expected = 0;
    for (const target of foreign) {
      // An unsigned request (anyone on the broker can send one) and a validly signed one alike.
      const unsigned = JSON.stringify({
        v: 1,
        time: new Date().toISOString(),
        nonce: 'n'.repeat(16),
        args: {},
      });
      const signed = JSON.stringify(
        signCommand(`${ROOT}/cmd/ping`, {}, district.privateKeyPem, { replyTo: target, correlationId: 'c1' }),
      );
      await v5.publishAsync(`${ROOT}/cmd/ping`, unsigned, {
        qos: 1,
        properties: { responseTopic: target, correlationData: Buffer.from('c1') },
      });
      await v4.publishAsync(`${ROOT}/cmd/ping`, signed, { qos: 1 });
      expected += 2;
      await watcher.waitFor(
        `answers for ${target}`,
        () => watcher.on(`${ROOT}/reply/ping`).length === expected,
      );
    }
    const answers = watcher.on(`${ROOT}/reply/ping`).map((s) => JSON.parse(s.text));
    assert.ok(
      answers.every((a) => a.ok === false && a.error.reason === 'bad_reply_topic'),
      JSON.stringify(answers),
    );
    // The kiosk's own reply level is fine, with MQTT 5 and 3.1.1.
    const own = `${ROOT}/reply/district-ab12`;
    const req = signCommand(`${ROOT}/cmd/ping`, {}, district.privateKeyPem, {
      replyTo: own,
      correlationId: 'c2',
    });
    await v4.publishAsync(`${ROOT}/cmd/ping`, JSON.stringify(req), { qos: 1 });
    await watcher.waitFor('answer on its own reply level', () => watcher.on(own).length === 1);
    assert.is(JSON.parse(watcher.on(own)[0]!.text).ok, true);
  } finally {
    await reporter.stop();
    await v5.endAsync(true);
    await v4.endAsync(true);
  }
  await watcher.waitFor('stopping', () => watcher.on('/event/stopping').length === 1);
  const kioskWrote = watcher.seen.filter((s) => !s.topic.startsWith(`${ROOT}/`));
  assert.equal(
    kioskWrote.map((s) => s.topic),
    [],
    "nothing published outside the kiosk's own subtree",
  );
  const answersOnState = watcher.on(`${ROOT}/state`).filter((s) => 'command' in JSON.parse(s.text));
  assert.is(answersOnState.length, 0, 'no answer over the retained state');
  await watcher.close();
});

test.run();
