/**
 * District commands on `cmd/<name>`: checked, executed, answered.
 *
 *   size ≤ 8 KiB → JSON → shape → district key configured → signature → age → nonce unused
 *        → known command → args → execute → answer (ok / refused with the reason)
 *
 * The answer goes to the MQTT 5 response topic with the request's correlation data; with
 * MQTT 3.1.1 to the payload's `reply_to`, echoing `correlation_id`; with neither, to
 * `<root>/reply/<name>`. A reply topic anywhere but one level under `<root>/reply/` is refused
 * (and the refusal answered on `<root>/reply/<name>`), so a forged request cannot make the kiosk
 * publish on another system's topics, another kiosk's replies or its own state.
 * Nonces of accepted commands are kept (and persisted) for twice the age window, so a restart
 * does not reopen the window for a replay.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { KioskControls } from '../events.ts';
import type { Logger } from '../log.ts';
import { type CommandKey, parsePublicKey, verifyCommand } from './command-signing.ts';
import {
  type CommandRefusal,
  type CommandRequest,
  type CommandResponse,
  PAYLOAD_VERSION,
  type StatePayload,
} from './payloads.ts';
import { collectLogs } from './remote-logs.ts';
import type { KioskTopics } from './topics.ts';

export const MAX_COMMAND_BYTES = 8192;
export const COMMAND_NAMES = [
  'status',
  'out_of_service',
  'ping',
  'logs',
  'health',
  'config',
  'update',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
/** What a key of `mqtt.operator_public_keys` (the dashboard's) may sign; the district key signs all. */
export const OPERATOR_COMMANDS: readonly string[] = ['status', 'out_of_service', 'ping'];
const MAX_NONCES = 10_000;
const MAX_REASON_CHARS = 120;

export interface IncomingCommand {
  topic: string;
  payload: Buffer;
  /** MQTT 5 properties. */
  responseTopic?: string | undefined;
  correlationData?: Buffer | undefined;
}

export interface CommandOutcome {
  command: string;
  reply: { topic: string; payload: string; correlationData?: Buffer | undefined };
  refused: { reason: CommandRefusal; detail: string } | null;
}

export interface CommandHandlerOptions {
  topics: KioskTopics;
  village: string;
  device: string;
  districtPublicKey: string | null;
  /** Keys accepted for OPERATOR_COMMANDS only (`mqtt.operator_public_keys`). */
  operatorPublicKeys?: readonly string[] | undefined;
  maxAgeS: number;
  controls: KioskControls;
  logger: Logger;
  now: () => number;
  /** The current state payload (`status` answers with it). */
  state: () => StatePayload;
  /** Republish the retained state now. */
  publishState: () => void;
  /** Where accepted nonces are kept across restarts; null: memory only. */
  nonceFile: string | null;
  /** The kiosk's own log folder, for `logs` (src/log-file.ts); null: no log file. */
  logDir?: string | null;
}

class Refusal extends Error {
  constructor(
    readonly reason: CommandRefusal,
    readonly detail: string,
    /** cmd/config: every problem found, one per line of the answer. */
    readonly errors?: string[],
  ) {
    super(detail);
  }
}

export class CommandHandler {
  private readonly keys: CommandKey[] = [];
  private readonly nonces = new Map<string, number>();

  constructor(private readonly opts: CommandHandlerOptions) {}

  /**
   * Reads the keys and the remembered nonces. A bad district key is logged and every command is
   * then refused; a bad operator key is logged and left out.
   */
  async start(): Promise<void> {
    if (this.opts.districtPublicKey) {
      try {
        this.keys.push({ key: parsePublicKey(this.opts.districtPublicKey), role: 'district' });
      } catch (err) {
        this.opts.logger.error(
          { err },
          'mqtt.district_public_key is not a valid Ed25519 PEM key: commands are refused',
        );
      }
    }
    if (this.keys.length > 0) {
      (this.opts.operatorPublicKeys ?? []).forEach((pem, i) => {
        try {
          this.keys.push({ key: parsePublicKey(pem), role: 'operator' });
        } catch (err) {
          this.opts.logger.error(
            { err },
            `mqtt.operator_public_keys[${i}] is not a valid Ed25519 PEM key: ignored`,
          );
        }
      });
    }
    if (this.opts.nonceFile) {
      try {
        const saved = JSON.parse(await readFile(this.opts.nonceFile, 'utf8')) as Record<string, number>;
        for (const [n, until] of Object.entries(saved))
          if (until > this.opts.now()) this.nonces.set(n, until);
      } catch {
        // none yet (or unreadable: the age window still bounds replays to max_age after a restart)
      }
    }
  }

  /** Checks and executes one command; always returns the answer to send. Never throws. */
  async handle(msg: IncomingCommand): Promise<CommandOutcome> {
    const name = msg.topic.slice(msg.topic.lastIndexOf('/') + 1);
    let req: CommandRequest | null = null;
    let replyTopic = this.opts.topics.reply(name);
    try {
      if (msg.payload.length > MAX_COMMAND_BYTES) {
        throw new Refusal(
          'too_large',
          `payload of ${msg.payload.length} bytes; the limit is ${MAX_COMMAND_BYTES}`,
        );
      }
      req = parseRequest(msg.payload);
      replyTopic = this.replyTopic(msg.responseTopic ?? req.reply_to, name);
      const result = await this.accept(msg.topic, name, req);
      return {
        command: name,
        refused: null,
        reply: this.reply(replyTopic, msg, req, name, { ok: true, result }),
      };
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal('malformed', String(err));
      // Even a refused request with a valid MQTT 5 response topic is answered there.
      if (
        refusal.reason !== 'bad_reply_topic' &&
        msg.responseTopic &&
        replyTopic === this.opts.topics.reply(name)
      ) {
        try {
          replyTopic = this.replyTopic(msg.responseTopic, name);
        } catch {
          // keep the default reply topic
        }
      }
      this.opts.logger.warn(
        { command: name, reason: refusal.reason, detail: refusal.detail },
        'command refused',
      );
      return {
        command: name,
        refused: { reason: refusal.reason, detail: refusal.detail },
        reply: this.reply(replyTopic, msg, req, name, {
          ok: false,
          error: {
            reason: refusal.reason,
            message: refusal.detail,
            ...(refusal.errors ? { errors: refusal.errors } : {}),
          },
        }),
      };
    }
  }

  private async accept(topic: string, name: string, req: CommandRequest): Promise<Record<string, unknown>> {
    if (this.keys.length === 0)
      throw new Refusal(
        'no_district_key',
        'this kiosk has no district public key (mqtt.district_public_key)',
      );
    const now = this.opts.now();
    const verdict = verifyCommand(topic, req, this.keys, now, this.opts.maxAgeS);
    if (!verdict.ok) throw new Refusal(verdict.reason, verdict.detail);
    if (verdict.role === 'operator' && !OPERATOR_COMMANDS.includes(name)) {
      throw new Refusal(
        'not_permitted',
        `an operator key may sign only ${OPERATOR_COMMANDS.join(', ')}; '${name}' needs the district key`,
      );
    }
    if (verdict.scheme === 'v1')
      this.opts.logger.warn({ command: name }, 'command signed with the deprecated anjungan-cmd-v1 scheme');
    this.forgetOldNonces(now);
    if (this.nonces.has(req.nonce)) throw new Refusal('replayed', `nonce ${req.nonce} was already used`);
    if (this.nonces.size >= MAX_NONCES)
      throw new Refusal('replayed', 'too many recent commands; try again later');
    this.nonces.set(req.nonce, now + 2 * this.opts.maxAgeS * 1000);
    await this.saveNonces();
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
      throw new Refusal('unknown_command', `unknown command '${name}'; known: ${COMMAND_NAMES.join(', ')}`);
    }
    return this.execute(name as CommandName, req.args);
  }

  private async execute(name: CommandName, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (name) {
      case 'ping':
        return { pong: true, uptime_s: this.opts.state().uptime_s };
      case 'status':
        this.opts.publishState();
        return { state: this.opts.state() };
      case 'out_of_service': {
        const on = args.on;
        if (typeof on !== 'boolean') throw new Refusal('bad_args', 'args.on must be true or false');
        const reason = args.reason;
        if (on && (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_CHARS)) {
          throw new Refusal('bad_args', `args.reason must be a text of 1..${MAX_REASON_CHARS} characters`);
        }
        await this.opts.controls.setRemoteOutOfService(on ? (reason as string).trim() : null);
        return { remote_reason: on ? (reason as string).trim() : null };
      }
      case 'logs': {
        if (!this.opts.logDir) throw new Refusal('bad_args', 'this kiosk keeps no log file');
        try {
          return { ...collectLogs(this.opts.logDir, args) };
        } catch (err) {
          throw new Refusal('bad_args', (err as Error).message);
        }
      }
      case 'health': {
        if (!this.opts.controls.health) throw new Refusal('bad_args', 'health checks are not available');
        const checks = await this.opts.controls.health();
        return { ok: checks.every((c) => c.ok), checks };
      }
      case 'config': {
        if (!this.opts.controls.applyConfig)
          throw new Refusal('config_unavailable', 'remote settings are not available');
        const outcome = await this.opts.controls.applyConfig(args);
        if (!outcome.ok) throw new Refusal(outcome.reason, outcome.message, outcome.errors);
        return { ...outcome.result };
      }
      case 'update':
        return acceptUpdate(this.opts.controls, args);
    }
  }

  /**
   * Only a topic under this kiosk's own `reply/` level (one level below it, no wildcards): anyone
   * on the broker can send an unsigned request, and its answer must not land on another system's
   * topic (`zigbee2mqtt/bridge/request/restart`), another kiosk's replies or this kiosk's state.
   */
  private replyTopic(requested: string | undefined, name: string): string {
    if (requested === undefined) return this.opts.topics.reply(name);
    const own = this.opts.topics.reply('');
    const level = requested.startsWith(own) ? requested.slice(own.length) : '';
    if (level.length === 0 || level.length > 128 || /[/#+]/.test(level) || level.includes('\u0000')) {
      throw new Refusal(
        'bad_reply_topic',
        `reply topic '${requested.slice(0, 80)}' is not under ${own}: answered there instead`,
      );
    }
    return requested;
  }

  private reply(
    topic: string,
    msg: IncomingCommand,
    req: CommandRequest | null,
    name: string,
    body: Pick<CommandResponse, 'ok' | 'result' | 'error'>,
  ): CommandOutcome['reply'] {
    const payload: CommandResponse = {
      v: PAYLOAD_VERSION,
      village: this.opts.village,
      device: this.opts.device,
      command: name,
      time: new Date(this.opts.now()).toISOString(),
      ...body,
    };
    if (typeof req?.correlation_id === 'string') payload.correlation_id = req.correlation_id;
    return { topic, payload: JSON.stringify(payload), correlationData: msg.correlationData };
  }

  private forgetOldNonces(now: number): void {
    for (const [n, until] of this.nonces) if (until <= now) this.nonces.delete(n);
  }

  private async saveNonces(): Promise<void> {
    if (!this.opts.nonceFile) return;
    const tmp = `${this.opts.nonceFile}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.nonces)), { flush: true });
    await rename(tmp, this.opts.nonceFile);
  }
}

/** `cmd/update` (src/update/online-update.ts): accepted at once, its steps reported as events. */
async function acceptUpdate(controls: KioskControls, args: Record<string, unknown>) {
  if (!controls.update)
    throw new Refusal('bad_args', 'online updates are off on this kiosk (simulator mode)');
  try {
    return await controls.update(args);
  } catch (err) {
    throw new Refusal('bad_args', (err as Error).message);
  }
}

function parseRequest(payload: Buffer): CommandRequest {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new Refusal('malformed', `not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Refusal('malformed', 'not a JSON object');
  const r = value as Record<string, unknown>;
  if (typeof r.time !== 'string') throw new Refusal('malformed', 'time (ISO 8601 text) is missing');
  if (typeof r.nonce !== 'string' || r.nonce.length < 16 || r.nonce.length > 128) {
    throw new Refusal('malformed', 'nonce must be a text of 16..128 characters');
  }
  if (r.args !== undefined && (typeof r.args !== 'object' || r.args === null || Array.isArray(r.args))) {
    throw new Refusal('malformed', 'args must be an object');
  }
  if (r.signature !== undefined && typeof r.signature !== 'string')
    throw new Refusal('malformed', 'signature must be text');
  if (r.reply_to !== undefined && typeof r.reply_to !== 'string')
    throw new Refusal('malformed', 'reply_to must be text');
  return { ...(r as unknown as CommandRequest), args: (r.args ?? {}) as Record<string, unknown> };
}
