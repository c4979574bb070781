/**
 * The district's side of a command: sign, send, wait for the answer. Used by
 * `anjungan command` and by the tests. The request carries its reply topic and correlation id
 * both as MQTT 5 properties and in the payload, so it works on MQTT 5 and 3.1.1 brokers alike.
 * The reply topic is the kiosk's own `reply/<name>` (the only place a kiosk answers); several
 * district tools may listen there at once, so an answer is ours by its correlation id.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions } from 'mqtt';
import { KioskError } from '../errors.ts';
import { signCommand } from './command-signing.ts';
import type { CommandRequest, CommandResponse } from './payloads.ts';
import { kioskTopics } from './topics.ts';

export interface SendCommandOptions {
  url: string;
  village: string;
  device: string;
  name: string;
  args: Record<string, unknown>;
  privateKeyPem: string;
  protocolVersion?: 4 | 5;
  timeoutMs?: number;
  /** Extra client options (TLS files, username/password). */
  client?: IClientOptions;
  /** Send this payload instead of signing one (tests of refusals). */
  rawPayload?: Buffer | string;
  /** Modify the signed request before it is sent (tests). */
  tamper?: (req: CommandRequest) => unknown;
}

/** Sends one command and resolves with the kiosk's answer; KioskError 'mqtt_error' on timeout. */
export async function sendCommand(o: SendCommandOptions): Promise<CommandResponse> {
  const topics = kioskTopics(o.village, o.device);
  const id = randomBytes(8).toString('hex');
  const replyTo = topics.reply(o.name);
  const topic = topics.cmd(o.name);
  const client = mqtt.connect(o.url, {
    protocolVersion: o.protocolVersion ?? 5,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    clientId: `anjungan-district-${id}`,
    ...o.client,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) =>
        reject(new KioskError('mqtt_error', `cannot connect to ${o.url}: ${err.message}`)),
      );
    });
    const answer = new Promise<CommandResponse>((resolve) => {
      client.on('message', (t, payload, packet) => {
        if (t !== replyTo) return;
        try {
          const body = JSON.parse(payload.toString()) as CommandResponse;
          const data = packet.properties?.correlationData;
          const corr = Buffer.isBuffer(data) ? data.toString() : undefined;
          // Accept only an answer to us, or one to a request that could not say whose it was.
          const ours = body.correlation_id ?? corr;
          if (ours === id || (ours === undefined && o.rawPayload !== undefined)) resolve(body);
        } catch {
          // not an answer
        }
      });
    });
    await client.subscribeAsync(replyTo, { qos: 1 });
    let payload: Buffer | string;
    if (o.rawPayload !== undefined) payload = o.rawPayload;
    else {
      const req = signCommand(topic, o.args, o.privateKeyPem, { replyTo, correlationId: id });
      payload = JSON.stringify(o.tamper ? o.tamper(req) : req);
    }
    const v5 = (o.protocolVersion ?? 5) === 5;
    await client.publishAsync(topic, payload, {
      qos: 1,
      ...(v5 ? { properties: { responseTopic: replyTo, correlationData: Buffer.from(id) } } : {}),
    });
    const timeoutMs = o.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KioskError(
              'mqtt_error',
              `no answer from ${o.village}/${o.device} within ${timeoutMs / 1000} s: is it online?`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await client.endAsync(true);
  }
}
