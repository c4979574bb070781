/**
 * Garbage campaign, target "mqtt_commands" (issue 9, §3): any sequence of payloads on the
 * kiosk's `cmd/<name>` topics through the real CommandHandler — non-JSON bytes, oversized
 * payloads, any JSON object, unsigned requests, requests signed by another key or altered after
 * signing or signed for another command, expired or future requests, replays of an accepted one,
 * and good ones among them:
 *
 *   - `handle` never throws, and answers every payload exactly once (accepted or refused: counted);
 *   - each kind of garbage is refused with its reason (malformed / too_large / unsigned /
 *     bad_signature / expired / replayed);
 *   - nothing is acted on but a well-signed, fresh, first-seen command: the kiosk's controls are
 *     called once per accepted `out_of_service`, never otherwise;
 *   - every answer is JSON on this kiosk's own reply topics.
 */
import fc from 'fast-check';
import type { KioskControls, KioskStatus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDistrictKeyPair, signCommand } from '../../src/mqtt/command-signing.ts';
import { CommandHandler, MAX_COMMAND_BYTES } from '../../src/mqtt/commands.ts';
import type { StatePayload } from '../../src/mqtt/payloads.ts';
import { kioskTopics } from '../../src/mqtt/topics.ts';

const district = generateDistrictKeyPair();
const intruder = generateDistrictKeyPair();
const topics = kioskTopics('1809102004', 'kiosk-01');
const NOW = Date.parse('2026-11-23T10:00:00Z');
const MAX_AGE_S = 300;

type Kind =
  | 'good'
  | 'replay'
  | 'non_json'
  | 'oversized'
  | 'any_object'
  | 'unsigned'
  | 'other_key'
  | 'altered'
  | 'other_command'
  | 'expired';

interface Sent {
  kind: Kind;
  name: string;
  payload: Buffer;
  responseTopic?: string;
}

/** The reason each kind must be refused with (good: accepted, or bad_args / unknown_command). */
const EXPECTED: Partial<Record<Kind, string[]>> = {
  replay: ['replayed'],
  non_json: ['malformed'],
  oversized: ['too_large'],
  unsigned: ['unsigned'],
  other_key: ['bad_signature'],
  altered: ['bad_signature'],
  other_command: ['bad_signature'],
  expired: ['expired'],
};

/** Outcomes of a request whose nonce was taken: sent again, it is a replay. */
const PAST_NONCE = new Set(['accepted', 'bad_args', 'unknown_command', 'not_permitted']);

const name = fc.constantFrom(
  'status',
  'out_of_service',
  'ping',
  'logs',
  'health',
  'reboot',
  'Out_Of_Service',
);
const args = fc.oneof(
  fc.record({ on: fc.boolean(), reason: fc.string({ maxLength: 140 }) }, { requiredKeys: [] }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
const replyTo = fc.option(
  fc.oneof(
    fc.constant(topics.reply('mine')),
    fc.constant('zigbee2mqtt/bridge/request/restart'),
    fc.string({ maxLength: 40 }).map((s) => topics.reply('') + s),
  ),
  { nil: undefined },
);

function signed(
  topicName: string,
  a: Record<string, unknown>,
  o: { key?: string; at?: number; reply?: string | undefined } = {},
) {
  return signCommand(topics.cmd(topicName), a, o.key ?? district.privateKeyPem, {
    now: o.at ?? NOW,
    ...(o.reply !== undefined ? { replyTo: o.reply } : {}),
  });
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

const message: fc.Arbitrary<Omit<Sent, 'kind'> & { kind: Exclude<Kind, 'replay'> }> = fc.oneof(
  fc
    .tuple(name, args, replyTo)
    .map(([n, a, r]) => ({ kind: 'good' as const, name: n, payload: json(signed(n, a, { reply: r })) })),
  fc.tuple(name, fc.uint8Array({ maxLength: 300 })).map(([n, bytes]) => ({
    kind: 'non_json' as const,
    name: n,
    // A byte that no JSON text may start with keeps random bytes from being valid JSON by luck.
    payload: Buffer.concat([Buffer.from([0x01]), Buffer.from(bytes)]),
  })),
  fc.tuple(name, fc.integer({ min: 1, max: 4 * MAX_COMMAND_BYTES })).map(([n, extra]) => {
    const req = signed(n, { pad: 'x'.repeat(MAX_COMMAND_BYTES + extra) });
    return { kind: 'oversized' as const, name: n, payload: json(req) };
  }),
  fc
    .tuple(name, fc.object({ maxDepth: 2 }))
    .map(([n, o]) => ({ kind: 'any_object' as const, name: n, payload: json(o) })),
  fc.tuple(name, args).map(([n, a]) => {
    const { signature: _s, ...req } = signed(n, a);
    return { kind: 'unsigned' as const, name: n, payload: json(req) };
  }),
  fc.tuple(name, args).map(([n, a]) => ({
    kind: 'other_key' as const,
    name: n,
    payload: json(signed(n, a, { key: intruder.privateKeyPem })),
  })),
  fc.tuple(name, args, fc.string({ minLength: 1, maxLength: 10 })).map(([n, a, extra]) => {
    const req = signed(n, a);
    return {
      kind: 'altered' as const,
      name: n,
      payload: json({ ...req, args: { ...req.args, [`x${extra}`]: 1 } }),
    };
  }),
  fc
    .tuple(name, name, args)
    .filter(([a, b]) => a !== b)
    .map(([n, other, a]) => ({ kind: 'other_command' as const, name: n, payload: json(signed(other, a)) })),
  fc
    .tuple(name, args, fc.integer({ min: MAX_AGE_S + 1, max: 10 * 365 * 86_400 }), fc.boolean())
    .map(([n, a, s, past]) => ({
      kind: 'expired' as const,
      name: n,
      payload: json(signed(n, a, { at: NOW + (past ? -s : s) * 1000 })),
    })),
);

/** A handler with real keys and a record of what it did to the kiosk. */
function kiosk() {
  const actions: (string | null)[] = [];
  const status: KioskStatus = {
    flow_state: 'idle',
    out_of_service: [],
    remote_reason: null,
    printer: 'ready',
    reader_present: true,
    clock_trusted: true,
    letters_today: 0,
  };
  const controls: KioskControls = {
    status: () => status,
    setRemoteOutOfService: (r) => {
      actions.push(r);
    },
  };
  const handler = new CommandHandler({
    topics,
    village: '1809102004',
    device: 'kiosk-01',
    districtPublicKey: district.publicKeyPem,
    maxAgeS: MAX_AGE_S,
    controls,
    logger: silentLogger(),
    now: () => NOW,
    state: () => ({ uptime_s: 1 }) as unknown as StatePayload,
    publishState: () => undefined,
    nonceFile: null,
  });
  return { handler, actions };
}

export function commandsProperty() {
  return fc.asyncProperty(
    fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 6 }),
    async (plan) => {
      const { handler, actions } = kiosk();
      await handler.start();
      const sent: Sent[] = [];
      for (const [m, replayIt] of plan) {
        sent.push(m);
        if (replayIt) sent.push({ ...m, kind: m.kind === 'good' ? 'replay' : m.kind });
      }
      let acceptedOutOfService = 0;
      let answered = 0;
      const first = new Map<Buffer, string>();
      for (const s of sent) {
        const out = await handler.handle({ topic: topics.cmd(s.name), payload: s.payload });
        answered++;
        const reason = out.refused?.reason ?? 'accepted';
        const before = first.get(s.payload);
        first.set(s.payload, before ?? reason);
        // A request refused before its nonce was taken (its reply topic) is refused the same again.
        const expected =
          s.kind === 'replay' && before !== undefined && !PAST_NONCE.has(before)
            ? [before]
            : EXPECTED[s.kind];
        if (expected && !expected.includes(reason))
          throw new Error(`${s.kind} on cmd/${s.name} ended ${reason}: ${out.refused?.detail ?? ''}`);
        if (s.kind === 'any_object' && reason === 'accepted')
          throw new Error('an unsigned object was accepted');
        if (reason === 'accepted' && s.name === 'out_of_service') acceptedOutOfService++;
        if (!out.reply.topic.startsWith(topics.reply('')))
          throw new Error(`answered on ${out.reply.topic}, not under the kiosk's reply topics`);
        JSON.parse(out.reply.payload);
      }
      if (answered !== sent.length) throw new Error(`${sent.length} sent, ${answered} answered`);
      if (actions.length !== acceptedOutOfService)
        throw new Error(
          `${actions.length} actions on the kiosk for ${acceptedOutOfService} accepted commands`,
        );
    },
  );
}
