/**
 * `mqtt.operator_public_keys` (CONTRACTS "Keys"): a dashboard's key signs only status,
 * out_of_service and ping; the district's main key signs every command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import type { KioskControls, KioskStatus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDistrictKeyPair, signCommand } from '../../src/mqtt/command-signing.ts';
import { CommandHandler, OPERATOR_COMMANDS } from '../../src/mqtt/commands.ts';
import type { StatePayload } from '../../src/mqtt/payloads.ts';
import { kioskTopics } from '../../src/mqtt/topics.ts';

const district = generateDistrictKeyPair();
const operator = generateDistrictKeyPair();
const stranger = generateDistrictKeyPair();
const topics = kioskTopics('1809102004', 'kiosk-01');
const NOW = Date.parse('2026-11-23T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'anj-opkeys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function handler(operatorPublicKeys: string[], districtPublicKey: string | null = district.publicKeyPem) {
  const remote: (string | null)[] = [];
  const status = { flow_state: 'idle', out_of_service: [], remote_reason: null } as unknown as KioskStatus;
  const controls: KioskControls = {
    status: () => status,
    setRemoteOutOfService: (r) => {
      remote.push(r);
    },
  };
  const h = new CommandHandler({
    topics,
    village: '1809102004',
    device: 'kiosk-01',
    districtPublicKey,
    operatorPublicKeys,
    maxAgeS: 300,
    controls,
    logger: silentLogger(),
    now: () => NOW,
    state: () => ({ uptime_s: 1 }) as unknown as StatePayload,
    publishState: () => {},
    nonceFile: null,
  });
  return { h, remote };
}

const send = (h: CommandHandler, name: string, args: Record<string, unknown>, key: string) => {
  const req = signCommand(topics.cmd(name), args, key, { now: NOW });
  return h.handle({ topic: topics.cmd(name), payload: Buffer.from(JSON.stringify(req)) });
};

test('config: operator_public_keys defaults to none, reads a list from the file and a JSON array from the environment', () => {
  assert.equal(
    loadConfig({ defaultPath: join(dir, 'none.json'), env: {} }).config.mqtt.operator_public_keys,
    [],
  );
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ mqtt: { operator_public_keys: [operator.publicKeyPem] } }));
  assert.equal(loadConfig({ path: file, env: {} }).config.mqtt.operator_public_keys, [operator.publicKeyPem]);
  const env = {
    ANJUNGAN_MQTT_OPERATOR_PUBLIC_KEYS: JSON.stringify([operator.publicKeyPem, stranger.publicKeyPem]),
  };
  const fromEnv = loadConfig({ defaultPath: join(dir, 'none.json'), env });
  assert.equal(fromEnv.config.mqtt.operator_public_keys, [operator.publicKeyPem, stranger.publicKeyPem]);
  assert.equal(fromEnv.warnings, []);
  writeFileSync(file, JSON.stringify({ mqtt: { operator_public_keys: operator.publicKeyPem } }));
  assert.throws(() => loadConfig({ path: file, env: {} }), /operator_public_keys/);
});

test('an operator key signs status, out_of_service and ping', async () => {
  const { h, remote } = handler([operator.publicKeyPem]);
  await h.start();
  assert.equal([...OPERATOR_COMMANDS].sort(), ['out_of_service', 'ping', 'status']);
  for (const name of OPERATOR_COMMANDS) {
    const args = name === 'out_of_service' ? { on: true, reason: 'Perbaikan printer' } : {};
    const out = await send(h, name, args, operator.privateKeyPem);
    assert.is(out.refused, null, `${name}: ${out.refused?.detail}`);
  }
  assert.equal(remote, ['Perbaikan printer']);
});

test('an operator key is refused for anything else; the district key is not; an unknown key never', async () => {
  const { h } = handler([operator.publicKeyPem]);
  await h.start();
  const districtOnly = 'update'; // a command name an operator key may never sign, known or not
  const byOperator = await send(h, districtOnly, {}, operator.privateKeyPem);
  assert.is(byOperator.refused?.reason, 'not_permitted');
  const byDistrict = await send(h, districtOnly, {}, district.privateKeyPem);
  // Past the key check, this handler has no online updates to give the order to.
  assert.is(byDistrict.refused?.reason, 'bad_args', 'the district key passes the key check');
  assert.is((await send(h, 'ping', {}, stranger.privateKeyPem)).refused?.reason, 'bad_signature');
});

test('operator keys alone do not open a kiosk without the district key; a bad one is skipped', async () => {
  const none = handler([operator.publicKeyPem], null);
  await none.h.start();
  assert.is((await send(none.h, 'ping', {}, operator.privateKeyPem)).refused?.reason, 'no_district_key');
  const bad = handler(['not a key', operator.publicKeyPem]);
  await bad.h.start();
  assert.is((await send(bad.h, 'ping', {}, operator.privateKeyPem)).refused, null);
});

test.run();
