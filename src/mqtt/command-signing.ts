/**
 * Signing of district commands, shared by the kiosk (verify) and `anjungan command` (sign).
 *
 * v2 (current): src/crypto/signed-payload.ts with the purpose prefix `anjungan-cmd-v2` over
 *
 *   { "topic": <full command topic>, "command": <the request payload without "signature"> }
 *
 * encoded as RFC 8785 (JCS). The topic binds a signature to one kiosk and one command name, so a
 * command signed for one kiosk cannot be replayed to another; time + nonce stop replays to the
 * same kiosk; reply_to and correlation_id are signed with the rest.
 *
 * v1 (accepted for one release, then removed): UTF-8 of
 *   anjungan-cmd-v1 \n <topic> \n <time> \n <nonce> \n <hand-sorted JSON of args>
 * whose JSON is not RFC 8785 (a signer in another language could not reproduce it for non-ASCII).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { signPayload, verifyPayload } from '../crypto/signed-payload.ts';
import { type CommandRequest, PAYLOAD_VERSION } from './payloads.ts';

export const COMMAND_PREFIX = 'anjungan-cmd-v2';
const V1_DOMAIN = 'anjungan-cmd-v1';

/** What a v2 signature covers: the command topic and the request without its signature. */
export function commandDocument(topic: string, req: CommandRequest): { topic: string; command: object } {
  const { signature: _signature, ...command } = req;
  return { topic, command };
}

/** v1 only (deprecated): JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** v1 only (deprecated): the bytes a v1 signature covers. */
function v1Bytes(topic: string, req: CommandRequest): Buffer {
  return Buffer.from([V1_DOMAIN, topic, req.time, req.nonce, canonicalJson(req.args)].join('\n'), 'utf8');
}

/** Builds a signed command request for `topic` (…/cmd/<name>); `scheme: 'v1'` only for tests of the old form. */
export function signCommand(
  topic: string,
  args: Record<string, unknown>,
  privateKey: KeyObject | string,
  opts: { now?: number; nonce?: string; replyTo?: string; correlationId?: string; scheme?: 'v1' | 'v2' } = {},
): CommandRequest {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const time = new Date(opts.now ?? Date.now()).toISOString();
  const nonce = opts.nonce ?? randomBytes(16).toString('hex');
  const req: CommandRequest = { v: PAYLOAD_VERSION, time, nonce, args };
  if (opts.replyTo !== undefined) req.reply_to = opts.replyTo;
  if (opts.correlationId !== undefined) req.correlation_id = opts.correlationId;
  req.signature =
    opts.scheme === 'v1'
      ? sign(null, v1Bytes(topic, req), key).toString('base64')
      : signPayload(COMMAND_PREFIX, commandDocument(topic, req), key);
  return req;
}

/** A key a kiosk accepts commands from, and whose it is (CONTRACTS "Keys"). */
export interface CommandKey {
  key: KeyObject;
  role: 'district' | 'operator';
}

export type VerifyResult =
  | { ok: true; role: CommandKey['role']; scheme: 'v1' | 'v2' }
  | { ok: false; reason: 'unsigned' | 'bad_signature' | 'expired'; detail: string };

/** Which of `keys` signed the request (v2 first, then the deprecated v1), or null. */
function signer(
  topic: string,
  req: CommandRequest,
  keys: CommandKey[],
): Omit<VerifyResult & { ok: true }, 'ok'> | null {
  const signature = req.signature ?? '';
  for (const k of keys)
    if (verifyPayload(COMMAND_PREFIX, commandDocument(topic, req), signature, k.key))
      return { role: k.role, scheme: 'v2' };
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) return null;
  for (const k of keys) {
    try {
      if (verify(null, v1Bytes(topic, req), k.key, bytes)) return { role: k.role, scheme: 'v1' };
    } catch {
      // a key of another type cannot verify: not this one
    }
  }
  return null;
}

/**
 * Checks signature and age. Replay (nonce reuse) and what each role may do are the caller's job.
 * `maxAgeS` applies both ways: a command from the future beyond it is refused as well.
 */
export function verifyCommand(
  topic: string,
  req: CommandRequest,
  keys: CommandKey[],
  now: number,
  maxAgeS: number,
): VerifyResult {
  if (typeof req.signature !== 'string' || req.signature.length === 0) {
    return { ok: false, reason: 'unsigned', detail: 'the command carries no signature' };
  }
  const by = signer(topic, req, keys);
  if (!by)
    return { ok: false, reason: 'bad_signature', detail: 'the signature does not match the district key' };
  const at = Date.parse(req.time);
  if (!Number.isFinite(at)) return { ok: false, reason: 'expired', detail: `unreadable time '${req.time}'` };
  const ageS = (now - at) / 1000;
  if (Math.abs(ageS) > maxAgeS) {
    return {
      ok: false,
      reason: 'expired',
      detail: `signed ${Math.round(ageS)} s ${ageS >= 0 ? 'ago' : 'in the future'}; the limit is ${maxAgeS} s`,
    };
  }
  return { ok: true, ...by };
}

/** Reads a PEM public key (`mqtt.district_public_key`, an entry of `mqtt.operator_public_keys`). */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** A new district key pair: PKCS#8 private PEM (keep secret) and SPKI public PEM (kiosk config). */
export function generateDistrictKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
