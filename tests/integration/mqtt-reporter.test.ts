import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { sendCommand } from '../../src/mqtt/district-client.ts';
import { type PayloadKind, payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { parseTopic } from '../../src/mqtt/topics.ts';
import { type Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TestKiosk, tempDir, testConfig, Watcher } from '../support/mosquitto-harness.ts';
import { waitFor } from '../support/wait.ts';

const available = mosquittoAvailable();
const district = generateDistrictKeyPair();
const ROOT = 'anjungan/1809102004/kiosk-01';
let broker: Mosquitto | null = null;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

// Test residents: none of this may ever appear in a payload.
const RESIDENTS = [
  { nik: '1809104507900001', nama: 'SITI AMINAH', uid: '04A1B2C3D4E5F6' },
  { nik: '1809101203850002', nama: 'BUDI SANTOSO', uid: '5D3A9C21' },
];

test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function start(kiosk: TestKiosk, over: Parameters<typeof testConfig>[2] = {}, dataDir = dir()) {
  const config = testConfig(broker!.url, dataDir, { district_public_key: district.publicKeyPem, ...over });
  const reporter = new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir,
    startedAt: Date.now(),
  });
  return { reporter, config, dataDir };
}

function schemaCheck(watcher: Watcher): void {
  for (const s of watcher.seen) {
    const t = parseTopic(s.topic);
    // cmd/* are the district's own requests (some deliberately broken here), not the kiosk's output.
    if (!t || t.kind === 'cmd') continue;
    const kind: PayloadKind = t.kind === 'reply' ? 'response' : t.kind;
    const body = kind === 'availability' ? s.text : JSON.parse(s.text);
    const errors = payloadErrors(kind, body);
    assert.is(errors, null, `${s.topic}: ${errors} in ${s.text}`);
  }
}

test('end to end: retained availability and state, events, telemetry, commands, clean stop — all schema-valid, no personal data', async () => {
  if (!broker) return;
  const kiosk = new TestKiosk();
  const { reporter } = start(kiosk, { telemetry_interval_s: 1 });
  const connection: string[] = [];
  reporter.on('connection', (c) => connection.push(c));
  const early = await new Watcher(broker.url, '#').start();
  const late = new Watcher(broker.url, '#');
  try {
    await session(reporter, kiosk, early, late, connection);
  } finally {
    await reporter.stop();
    await early.close();
    await late.close();
  }
});

async function session(
  reporter: Reporter,
  kiosk: TestKiosk,
  early: Watcher,
  late: Watcher,
  connection: string[],
) {
  if (!broker) return;
  await reporter.start();
  await early.waitFor('online', () => early.on('/availability').some((s) => s.text === 'online'));
  assert.equal(connection, ['online']);
  assert.ok(reporter.connected);

  // A dashboard connecting later gets the retained availability and state.
  await late.start();
  await late.waitFor('retained state', () => late.on('/state').some((s) => s.retain));
  assert.ok(late.on('/availability').some((s) => s.retain && s.text === 'online'));
  const state = JSON.parse(late.on('/state')[0]!.text);
  assert.is(state.printer, 'ready');
  assert.is(state.version.length > 0, true);

  // The session: status changes and domain events, with test residents' references only.
  kiosk.change({ flow_state: 'reading' });
  kiosk.change({ flow_state: 'printing', letters_today: 1 });
  kiosk.bus.emitEvent({
    type: 'letter_issued',
    number: 'S-11/001/1809102004/XI/2026',
    letter_type: 'domisili',
    policy: 'final',
    resident_ref: 'r_0123456789abcdef0123',
  });
  kiosk.bus.emitEvent({ type: 'card_unknown' });
  kiosk.bus.emitEvent({ type: 'residents_reloaded', residents: 2431, cards: 1802 });
  kiosk.bus.emitEvent({ type: 'letter_failed', number: null, letter_type: 'sktm', reason: 'paper_out' });
  kiosk.change({ printer: 'paper_out', out_of_service: ['paper_out'], flow_state: 'out_of_service' });
  kiosk.bus.emitEvent({ type: 'paper_out' });
  await early.waitFor('events', () => early.on('/event/paper_out').length === 1);
  await early.waitFor('state paper_out', () =>
    early.on('/state').some((s) => JSON.parse(s.text).printer === 'paper_out'),
  );
  assert.equal(
    JSON.parse(early.on('/event/residents_reloaded')[0]!.text).residents,
    2431,
    'counts only: no personal data',
  );
  const issued = JSON.parse(early.on('/event/letter_issued')[0]!.text);
  assert.is(issued.number, 'S-11/001/1809102004/XI/2026');
  assert.is(issued.resident_ref, 'r_0123456789abcdef0123');
  assert.ok(early.on('/event/started').length === 1);
  await early.waitFor('telemetry', () => early.on('/telemetry').length > 0, 5000);
  const telemetry = JSON.parse(early.on('/telemetry')[0]!.text);
  assert.ok(telemetry.disk_free_bytes > 0, 'disk free of the data dir is reported');

  // Commands over the wire: MQTT 5 response topic, MQTT 3.1.1 reply_to in the payload.
  const ping = await sendCommand({
    url: broker.url,
    village: '1809102004',
    device: 'kiosk-01',
    name: 'ping',
    args: {},
    privateKeyPem: district.privateKeyPem,
  });
  assert.is(ping.ok, true);
  const oos = await sendCommand({
    url: broker.url,
    village: '1809102004',
    device: 'kiosk-01',
    name: 'out_of_service',
    args: { on: true, reason: 'Dalam perbaikan' },
    privateKeyPem: district.privateKeyPem,
    protocolVersion: 4,
  });
  assert.is(oos.ok, true);
  assert.is(kiosk.current.remote_reason, 'Dalam perbaikan');
  await early.waitFor('state remote', () =>
    early.on('/state').some((s) => JSON.parse(s.text).remote_reason === 'Dalam perbaikan'),
  );
  const wrong = generateDistrictKeyPair();
  const refused = await sendCommand({
    url: broker.url,
    village: '1809102004',
    device: 'kiosk-01',
    name: 'status',
    args: {},
    privateKeyPem: wrong.privateKeyPem,
  });
  assert.is(refused.ok, false);
  assert.is(refused.error?.reason, 'bad_signature');
  const garbage = await sendCommand({
    url: broker.url,
    village: '1809102004',
    device: 'kiosk-01',
    name: 'status',
    args: {},
    privateKeyPem: district.privateKeyPem,
    rawPayload: '{not json',
  });
  assert.is(garbage.error?.reason, 'malformed');
  const huge = await sendCommand({
    url: broker.url,
    village: '1809102004',
    device: 'kiosk-01',
    name: 'status',
    args: {},
    privateKeyPem: district.privateKeyPem,
    rawPayload: Buffer.alloc(200_000, 0x7b),
  });
  assert.is(huge.error?.reason, 'too_large');
  await early.waitFor('refusals reported', () => early.on('/event/command_refused').length === 3);

  // Clean stop: `stopping`, then availability offline (retained).
  await reporter.stop();
  await early.waitFor('offline', () => early.on('/availability').at(-1)?.text === 'offline');
  assert.is(early.on('/event/stopping').length, 1);
  assert.equal(connection, ['online', 'offline']);
  const after = await new Watcher(broker.url, `${ROOT}/availability`).start();
  await after.waitFor('retained offline', () => after.seen.some((s) => s.retain && s.text === 'offline'));
  await after.close();

  schemaCheck(early);
  // Privacy: nothing a resident could be identified by.
  const all = early.seen
    .map((s) => `${s.topic} ${s.text}`)
    .join('\n')
    .toUpperCase();
  for (const r of RESIDENTS) {
    assert.not.ok(all.includes(r.nik), 'NIK leaked');
    assert.not.ok(all.includes(r.nama), 'name leaked');
    assert.not.ok(all.includes(r.uid), 'card UID leaked');
    assert.not.ok(all.includes(`${r.nik.slice(-4)}"`), 'masked NIK tail leaked');
  }
}

test('start() resolves at once with no broker; events wait in the outbox', async () => {
  if (!broker) return;
  const kiosk = new TestKiosk();
  const d = dir();
  const config = testConfig('mqtt://127.0.0.1:1', d);
  const reporter = new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  const t0 = Date.now();
  const starting = reporter.start();
  // Emitted while the outbox is still opening (the daemon reports interrupted letters at start).
  kiosk.bus.emitEvent({
    type: 'letter_interrupted',
    number: 'S-11/002/1809102004/XI/2026',
    letter_type: 'sktm',
  });
  await starting;
  kiosk.bus.emitEvent({ type: 'card_unknown' });
  // Not a timing test: waiting for the broker would take its connect timeout (10 s).
  assert.ok(Date.now() - t0 < 5000, 'start() does not wait for a broker');
  // started + letter_interrupted + card_unknown are queued (appends are asynchronous).
  await waitFor('three events queued', () => reporter.outboxDepth() === 3, 5000);
  assert.is(reporter.connected, false);
  await reporter.stop();
});

test.run();
