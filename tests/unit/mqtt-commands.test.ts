import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signedMessage } from '../../src/crypto/signed-payload.ts';
import type { KioskControls, KioskStatus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import {
  COMMAND_PREFIX,
  canonicalJson,
  commandDocument,
  generateDistrictKeyPair,
  signCommand,
} from '../../src/mqtt/command-signing.ts';
import { CommandHandler, type IncomingCommand } from '../../src/mqtt/commands.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import type { CommandResponse, StatePayload } from '../../src/mqtt/payloads.ts';
import { kioskTopics } from '../../src/mqtt/topics.ts';

const district = generateDistrictKeyPair();
const intruder = generateDistrictKeyPair();
const topics = kioskTopics('1809102004', 'kiosk-01');
const NOW = Date.parse('2026-11-23T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'anj-'));

function setup(opts: { key?: string | null; nonceFile?: string | null } = {}) {
  const remote: (string | null)[] = [];
  let statePublished = 0;
  const status: KioskStatus = {
    flow_state: 'idle',
    out_of_service: [],
    remote_reason: null,
    printer: 'ready',
    reader_present: true,
    clock_trusted: true,
    letters_today: 3,
  };
  const controls: KioskControls = {
    status: () => status,
    setRemoteOutOfService: (r) => {
      remote.push(r);
    },
  };
  const handler = new CommandHandler({
    topics,
    village: '1809102004',
    device: 'kiosk-01',
    districtPublicKey: opts.key === undefined ? district.publicKeyPem : opts.key,
    maxAgeS: 300,
    controls,
    logger: silentLogger(),
    now: () => NOW,
    state: () => ({ ...status, uptime_s: 5 }) as unknown as StatePayload,
    publishState: () => statePublished++,
    nonceFile: opts.nonceFile ?? null,
  });
  return { handler, remote, published: () => statePublished };
}

function signed(
  name: string,
  args: Record<string, unknown> = {},
  o: { key?: string; at?: number; nonce?: string } = {},
) {
  const topic = topics.cmd(name);
  const req = signCommand(topic, args, o.key ?? district.privateKeyPem, {
    now: o.at ?? NOW,
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
  return { topic, req };
}

const incoming = (topic: string, body: unknown, extra: Partial<IncomingCommand> = {}): IncomingCommand => ({
  topic,
  payload: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  responseTopic: topics.reply('district-abc'),
  correlationData: Buffer.from('corr-1'),
  ...extra,
});
const answer = (o: { reply: { payload: string } }) => JSON.parse(o.reply.payload) as CommandResponse;

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('canonical JSON does not depend on key order', () => {
  assert.is(
    canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
  );
});

test('a valid signed out_of_service switches the kiosk and is answered on the response topic', async () => {
  const { handler, remote } = setup();
  await handler.start();
  const { topic, req } = signed('out_of_service', { on: true, reason: 'Kertas habis, hubungi kantor desa' });
  const out = await handler.handle(incoming(topic, req));
  assert.is(out.refused, null);
  assert.equal(remote, ['Kertas habis, hubungi kantor desa']);
  assert.is(out.reply.topic, topics.reply('district-abc'));
  assert.equal(out.reply.correlationData, Buffer.from('corr-1'));
  assert.is(answer(out).ok, true);
  assert.is(payloadErrors('command', req), null);
  assert.is(payloadErrors('response', answer(out)), null);
  const off = signed('out_of_service', { on: false });
  assert.is((await handler.handle(incoming(off.topic, off.req))).refused, null);
  assert.equal(remote, ['Kertas habis, hubungi kantor desa', null]);
});

test('status republishes the state and answers with it; ping answers pong', async () => {
  const { handler, published } = setup();
  await handler.start();
  const s = signed('status');
  const out = await handler.handle(incoming(s.topic, s.req));
  assert.is(published(), 1);
  assert.is((answer(out).result as { state: { letters_today: number } }).state.letters_today, 3);
  const p = signed('ping');
  assert.is((answer(await handler.handle(incoming(p.topic, p.req))).result as { pong: boolean }).pong, true);
});

const refusals: [string, () => IncomingCommand, string][] = [
  [
    'unsigned',
    () => {
      const { topic, req } = signed('ping');
      delete req.signature;
      return incoming(topic, req);
    },
    'unsigned',
  ],
  [
    'signed with another key',
    () => {
      const { topic, req } = signed('ping', {}, { key: intruder.privateKeyPem });
      return incoming(topic, req);
    },
    'bad_signature',
  ],
  [
    'args changed after signing',
    () => {
      const { topic, req } = signed('out_of_service', { on: false });
      return incoming(topic, { ...req, args: { on: true, reason: 'x' } });
    },
    'bad_signature',
  ],
  [
    'signed for another kiosk',
    () => {
      const req = signCommand(kioskTopics('1809102004', 'kiosk-02').cmd('ping'), {}, district.privateKeyPem, {
        now: NOW,
      });
      return incoming(topics.cmd('ping'), req);
    },
    'bad_signature',
  ],
  [
    'expired (10 min old)',
    () => {
      const { topic, req } = signed('ping', {}, { at: NOW - 600_000 });
      return incoming(topic, req);
    },
    'expired',
  ],
  [
    'from the future',
    () => {
      const { topic, req } = signed('ping', {}, { at: NOW + 600_000 });
      return incoming(topic, req);
    },
    'expired',
  ],
  ['malformed JSON', () => incoming(topics.cmd('ping'), '{"time": "2026-'), 'malformed'],
  ['not an object', () => incoming(topics.cmd('ping'), '[1,2]'), 'malformed'],
  ['huge payload', () => incoming(topics.cmd('ping'), Buffer.alloc(100_000, 0x20)), 'too_large'],
  [
    'unknown command',
    () => {
      const { topic, req } = signed('reboot');
      return incoming(topic, req);
    },
    'unknown_command',
  ],
  [
    'out_of_service without a reason',
    () => {
      const { topic, req } = signed('out_of_service', { on: true });
      return incoming(topic, req);
    },
    'bad_args',
  ],
  [
    'reply topic aimed at the kiosk state',
    () => {
      const { topic, req } = signed('ping');
      return incoming(topic, req, { responseTopic: topics.state });
    },
    'bad_reply_topic',
  ],
  [
    'reply topic of another system',
    () => {
      const { topic, req } = signed('ping');
      return incoming(topic, req, { responseTopic: 'zigbee2mqtt/bridge/request/restart' });
    },
    'bad_reply_topic',
  ],
  [
    'reply_to of another kiosk (MQTT 3.1.1)',
    () => {
      const topic = topics.cmd('ping');
      const replyTo = kioskTopics('1809102004', 'kiosk-02').reply('ping');
      const req = signCommand(topic, {}, district.privateKeyPem, { now: NOW, replyTo });
      return incoming(topic, req, { responseTopic: undefined, correlationData: undefined });
    },
    'bad_reply_topic',
  ],
];

for (const [name, make, reason] of refusals) {
  test(`refused: ${name} → ${reason}, answered with the reason`, async () => {
    const { handler, remote } = setup();
    await handler.start();
    const out = await handler.handle(make());
    assert.is(out.refused?.reason, reason);
    const a = answer(out);
    assert.is(a.ok, false);
    assert.is(a.error?.reason, reason);
    assert.is(payloadErrors('response', a), null);
    assert.equal(remote, [], 'nothing was changed');
    if (reason === 'bad_reply_topic') assert.is(out.reply.topic, topics.reply('ping'));
    else assert.is(out.reply.topic, topics.reply('district-abc'));
  });
}

test('a replayed command is refused, also after a restart (nonces persist)', async () => {
  const nonceFile = join(dir, 'nonces.json');
  const first = setup({ nonceFile });
  await first.handler.start();
  const { topic, req } = signed('out_of_service', { on: true, reason: 'Perbaikan' });
  assert.is((await first.handler.handle(incoming(topic, req))).refused, null);
  assert.is((await first.handler.handle(incoming(topic, req))).refused?.reason, 'replayed');
  const second = setup({ nonceFile });
  await second.handler.start();
  assert.is((await second.handler.handle(incoming(topic, req))).refused?.reason, 'replayed');
  assert.equal(second.remote, []);
});

test('MQTT 3.1.1: reply_to and correlation_id come from the payload', async () => {
  const { handler } = setup();
  await handler.start();
  const topic = topics.cmd('ping');
  const req = signCommand(topic, {}, district.privateKeyPem, {
    now: NOW,
    replyTo: topics.reply('r9'),
    correlationId: 'c-9',
  });
  const out = await handler.handle({ topic, payload: Buffer.from(JSON.stringify(req)) });
  assert.is(out.reply.topic, topics.reply('r9'));
  assert.is(answer(out).correlation_id, 'c-9');
});

test('the deprecated v1 signature is still accepted (for one release); v2 is what is signed now', async () => {
  const { handler, remote } = setup();
  await handler.start();
  const topic = topics.cmd('out_of_service');
  const v1 = signCommand(topic, { on: true, reason: 'Perbaikan' }, district.privateKeyPem, {
    now: NOW,
    scheme: 'v1',
  });
  assert.is((await handler.handle(incoming(topic, v1))).refused, null);
  const v2 = signCommand(topic, { on: false }, district.privateKeyPem, { now: NOW });
  const doc = signedMessage(COMMAND_PREFIX, commandDocument(topic, v2));
  assert.ok(doc.toString().startsWith('anjungan-cmd-v2\n{"command":{"args":{"on":false},"nonce":'));
  assert.is((await handler.handle(incoming(topic, v2))).refused, null);
  assert.equal(remote, ['Perbaikan', null]);
});

test('a v2 signature covers reply_to: redirecting a signed answer breaks it', async () => {
  const { handler } = setup();
  await handler.start();
  const topic = topics.cmd('ping');
  const req = signCommand(topic, {}, district.privateKeyPem, { now: NOW, replyTo: topics.reply('a') });
  const out = await handler.handle(
    incoming(topic, { ...req, reply_to: topics.reply('b') }, { responseTopic: undefined }),
  );
  assert.is(out.refused?.reason, 'bad_signature');
});

test('without a district key every command is refused', async () => {
  const { handler } = setup({ key: null });
  await handler.start();
  const { topic, req } = signed('ping');
  assert.is((await handler.handle(incoming(topic, req))).refused?.reason, 'no_district_key');
});

test.run();
