/**
 * Signing of district commands, shared by the kiosk (verify) and `anjungan command` (sign).
 *
 * What is signed (UTF-8, fields joined by "\n"):
 *
 *   anjungan-cmd-v1 \n <full command topic> \n <time> \n <nonce> \n <canonical JSON of args>
 *
 * The topic binds a signature to one kiosk and one command name, so a command signed for one
 * kiosk cannot be replayed to another; time + nonce stop replays to the same kiosk. Canonical
 * JSON sorts object keys recursively so both sides serialise args identically.
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
import { type CommandRequest, PAYLOAD_VERSION } from './payloads.ts';

const DOMAIN = 'anjungan-cmd-v1';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The exact bytes that are signed. */
export function signedBytes(
  topic: string,
  time: string,
  nonce: string,
  args: Record<string, unknown>,
): Buffer {
  return Buffer.from([DOMAIN, topic, time, nonce, canonicalJson(args)].join('\n'), 'utf8');
}

/** Builds a signed command request for `topic` (…/cmd/<name>). */
export function signCommand(
  topic: string,
  args: Record<string, unknown>,
  privateKey: KeyObject | string,
  opts: { now?: number; nonce?: string; replyTo?: string; correlationId?: string } = {},
): CommandRequest {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const time = new Date(opts.now ?? Date.now()).toISOString();
  const nonce = opts.nonce ?? randomBytes(16).toString('hex');
  const signature = sign(null, signedBytes(topic, time, nonce, args), key).toString('base64');
  const req: CommandRequest = { v: PAYLOAD_VERSION, time, nonce, args, signature };
  if (opts.replyTo !== undefined) req.reply_to = opts.replyTo;
  if (opts.correlationId !== undefined) req.correlation_id = opts.correlationId;
  return req;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: 'unsigned' | 'bad_signature' | 'expired'; detail: string };

/**
 * Checks signature and age. Replay (nonce reuse) is the caller's job: it keeps the nonces.
 * `maxAgeS` applies both ways: a command from the future beyond it is refused as well.
 */
export function verifyCommand(
  topic: string,
  req: CommandRequest,
  publicKey: KeyObject,
  now: number,
  maxAgeS: number,
): VerifyResult {
  if (typeof req.signature !== 'string' || req.signature.length === 0) {
    return { ok: false, reason: 'unsigned', detail: 'the command carries no signature' };
  }
  const signature = Buffer.from(req.signature, 'base64');
  let good = false;
  try {
    good =
      signature.length === 64 &&
      verify(null, signedBytes(topic, req.time, req.nonce, req.args), publicKey, signature);
  } catch {
    good = false;
  }
  if (!good)
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
  return { ok: true };
}

/** Reads a PEM public key (the `mqtt.district_public_key` config value). */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the district key must be Ed25519, not ${key.asymmetricKeyType}`);
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
