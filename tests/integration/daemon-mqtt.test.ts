/**
 * The whole daemon reporting to a real Mosquitto: retained availability and state, the events of
 * a real session (schema-valid, no personal data in any payload), `offline` from the broker when
 * the process is killed with SIGKILL, and `offline` published by the kiosk itself on SIGTERM.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type PayloadKind, payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { DEMO_CARDS, demoResidents } from '../../src/store/demo-data.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { Watcher } from '../support/mosquitto-harness.ts';
import { provisionMqttKiosk } from '../support/mqtt-daemon.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

const available = mosquittoAvailable();
const ROOT_TOPIC = 'anjungan/1809102004/kiosk-mqtt/';

const provision = (dir: string, brokerUrl: string) => provisionMqttKiosk(dir, brokerUrl);

function kindOf(topic: string): PayloadKind | null {
  const rest = topic.slice(ROOT_TOPIC.length);
  if (rest === 'availability') return 'availability';
  if (rest === 'state') return 'state';
  if (rest === 'telemetry') return 'telemetry';
  if (rest.startsWith('event/')) return 'event';
  return null;
}

test('a session reported to Mosquitto: schema-valid, no personal data; SIGKILL → offline by Last Will', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-dmqtt-'));
  let kiosk: DaemonProcess | null = null;
  try {
    kiosk = new DaemonProcess(['run', '--config', await provision(dir, broker.url)], {});
    const k = kiosk;
    const availability = () => watcher.on(`${ROOT_TOPIC}availability`).at(-1)?.text;
    await watcher.waitFor('availability online', () => availability() === 'online', PROCESS_START_MS);
    await watcher.waitFor('a retained state', () => watcher.on(`${ROOT_TOPIC}state`).length > 0);

    const card = DEMO_CARDS[0]!;
    await waitFor('idle', () => k.screens().at(-1) === 'idle', 10_000);
    k.send(`tap ${card.uid}`);
    await k.waitOut('--- screen: greeting ---');
    for (const next of ['choose_letter', 'choose_purpose', 'confirm', 'done']) {
      k.send('press ok');
      await k.waitOut(`--- screen: ${next} ---`, 10_000);
    }
    k.send('tap DEADBEEF');
    await watcher.waitFor('letter_issued', () => watcher.on('event/letter_issued').length === 1);
    await watcher.waitFor('card_unknown', () => watcher.on('event/card_unknown').length === 1);
    await watcher.waitFor('telemetry', () => watcher.on('telemetry').length > 0, 5000);
    const issued = JSON.parse(watcher.on('event/letter_issued')[0]!.text) as Record<string, unknown>;
    assert.match(String(issued.number), /\/001\/1809102004\//);

    // Every payload validates against its schema, and none carries personal data.
    const secrets = demoResidents().flatMap((r) => [r.nik, r.nama, r.nik.slice(-8)]);
    for (const c of DEMO_CARDS) secrets.push(c.uid, c.uid.toLowerCase(), BigInt(`0x${c.uid}`).toString());
    for (const seen of watcher.seen) {
      const kind = kindOf(seen.topic);
      assert.ok(kind, `unexpected topic ${seen.topic}`);
      const payload = kind === 'availability' ? seen.text : JSON.parse(seen.text);
      assert.is(payloadErrors(kind, payload), null, `${seen.topic}: ${seen.text.slice(0, 200)}`);
      for (const secret of secrets)
        assert.not.ok(seen.text.includes(secret), `${seen.topic} leaks ${secret}`);
    }

    kiosk.child.kill('SIGKILL');
    await kiosk.exit;
    await watcher.waitFor('offline by Last Will', () => availability() === 'offline', 15_000);
  } finally {
    await kiosk?.kill('SIGKILL');
    await watcher.close();
    await broker.close();
  }
});

test('SIGTERM: the kiosk publishes `stopping` and `offline` itself, then exits 0', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-dmqtt-'));
  let kiosk: DaemonProcess | null = null;
  try {
    kiosk = new DaemonProcess(['run', '--config', await provision(dir, broker.url)], {});
    const availability = () => watcher.on(`${ROOT_TOPIC}availability`).at(-1)?.text;
    await watcher.waitFor('availability online', () => availability() === 'online', PROCESS_START_MS);
    kiosk.child.kill('SIGTERM');
    assert.is(await kiosk.exit, 0);
    await watcher.waitFor('offline', () => availability() === 'offline', 5000);
    assert.ok(watcher.on('event/stopping').length === 1, 'stopping event');
  } finally {
    await kiosk?.kill('SIGKILL');
    await watcher.close();
    await broker.close();
  }
});

/** One letter from the terminal: tap, `down` × downs on the letter menu, ok through to done. */
async function issueLetter(k: DaemonProcess, uid: string, downs: number): Promise<void> {
  const count = (id: string) => k.stdout.split(`--- screen: ${id} ---`).length - 1;
  const done = count('done');
  await waitFor('idle', () => k.screens().at(-1) === 'idle', 15_000);
  k.send(`tap ${uid}`);
  await waitFor('greeting', () => k.screens().at(-1) === 'greeting', 10_000);
  k.send('press ok');
  await waitFor('letter menu', () => k.screens().at(-1) === 'choose_letter');
  for (let i = 0; i < downs; i++) k.send('press down');
  k.send('press ok');
  await waitFor('purpose menu', () => k.screens().at(-1) === 'choose_purpose');
  k.send('press ok');
  await waitFor('confirm', () => k.screens().at(-1) === 'confirm');
  k.send('press ok');
  await waitFor('done', () => count('done') > done, 15_000);
  k.send('press ok');
}

test('broker down: letters issued, daemon restarted while still down, broker back: every letter reported, none twice', async () => {
  if (!available) return;
  const broker = await startMosquitto({ persistent: true });
  // A persistent session: the watcher gets what the broker received while it was away.
  const watcher = await new Watcher(broker.url, 'anjungan/#', 4, 'anj-test-daemon-watcher').start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-dmqtt-'));
  const config = await provision(dir, broker.url);
  const uid = DEMO_CARDS[0]!.uid;
  const kiosks: DaemonProcess[] = [];
  const issuedNumbers = () =>
    watcher.on('event/letter_issued').map((s) => String((JSON.parse(s.text) as { number: string }).number));
  try {
    const first = new DaemonProcess(['run', '--config', config], {});
    kiosks.push(first);
    await watcher.waitFor(
      'online',
      () => watcher.on(`${ROOT_TOPIC}availability`).at(-1)?.text === 'online',
      PROCESS_START_MS,
    );
    await issueLetter(first, uid, 0);
    await watcher.waitFor('letter 1', () => issuedNumbers().length === 1);

    await broker.stop('SIGTERM');
    await issueLetter(first, uid, 1);
    await issueLetter(first, uid, 2);
    first.send('quit');
    assert.is(await first.exit, 0);

    const second = new DaemonProcess(['run', '--config', config], {});
    kiosks.push(second);
    await issueLetter(second, uid, 3);
    await broker.restart();
    await watcher.waitFor(
      `all 4 letters (saw ${issuedNumbers().join(', ')})`,
      () => new Set(issuedNumbers()).size === 4,
      30_000,
    );

    // Duplicates are allowed only as redeliveries of the same event id.
    const byId = new Map<string, string>();
    for (const s of watcher.on('event/letter_issued')) {
      const e = JSON.parse(s.text) as { id: string; number: string };
      assert.is(byId.get(e.id) ?? e.number, e.number);
      byId.set(e.id, e.number);
    }
    assert.is(byId.size, 4, 'one event id per letter');
    second.send('quit');
    assert.is(await second.exit, 0);
  } finally {
    for (const k of kiosks) await k.kill('SIGKILL');
    await watcher.close();
    await broker.close();
  }
});

test.run();
