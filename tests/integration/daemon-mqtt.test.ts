/**
 * The whole daemon reporting to a real Mosquitto: retained availability and state, the events of
 * a real session (schema-valid, no personal data in any payload), `offline` from the broker when
 * the process is killed with SIGKILL, and `offline` published by the kiosk itself on SIGTERM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/log.ts';
import { type PayloadKind, payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { DEMO_CARDS, demoResidents } from '../../src/store/demo-data.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { Watcher } from '../support/mosquitto-harness.ts';
import { waitFor } from '../support/wait.ts';

const available = mosquittoAvailable();
const ROOT_TOPIC = 'anjungan/1809102004/kiosk-mqtt/';

async function provision(dir: string, brokerUrl: string): Promise<string> {
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      device: { id: 'kiosk-mqtt' },
      data_dir: join(dir, 'data'),
      mqtt: { url: brokerUrl, telemetry_interval_s: 1 },
    }),
  );
  const loaded = loadConfig({ path: config, env: {} });
  const keys = await loadOrCreateKeys(loaded.config);
  const store = await ResidentStore.open(loaded.config.data_dir, keys.uidKey, silentLogger());
  await store.upsertMany(demoResidents());
  for (const card of DEMO_CARDS) await store.bindCard(Buffer.from(card.uid, 'hex'), card.nik);
  return config;
}

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
    await watcher.waitFor('availability online', () => availability() === 'online', 20_000);
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
    await watcher.waitFor('availability online', () => availability() === 'online', 20_000);
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

test.run();
