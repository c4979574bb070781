/**
 * An online update order (`cmd/update`) and what the kiosk has done with it, kept in the spool
 * directory the unprivileged daemon owns, so that a restart (or the new release after a switch)
 * carries on where the last one stopped:
 *
 *   <data_dir>/spool/update/job.json       the order and its state (this file)
 *   <data_dir>/spool/update/bundle/        manifest.json, manifest.sig, the archive (.part while
 *                                          it comes in)
 *   <data_dir>/spool/update/request.json   the ask to the root side; anjungan-update.path starts
 *                                          anjungan-update.service when it appears
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';

export type UpdateStateName =
  | 'idle'
  | 'downloading'
  | 'verifying'
  | 'waiting_quiet'
  | 'installing'
  | 'done'
  | 'failed'
  | 'rolled_back';

/** `state.update` (state v2). */
export interface UpdateStatus {
  /** The version of the latest order (null: none yet). */
  version: string | null;
  state: UpdateStateName;
  /** A downloaded and verified version waiting for its install (null: none). */
  available: string | null;
}

/** The arguments of `cmd/update`. */
export interface UpdateOrder {
  version: string;
  /** HTTPS URL of the archive; manifest.json and manifest.sig are fetched beside it. */
  url: string;
  sha256: string;
  /** The release key's signature of the manifest (manifest.sig), as the district vouches for it. */
  manifest_sig: string;
  allow_downgrade: boolean;
}

export interface UpdateJob {
  order: UpdateOrder;
  state: UpdateStateName;
  /** The archive's size from the verified manifest (null until then). */
  size: number | null;
  accepted_at: string;
  /** Set when the root side was asked; its answer in the updater's state carries the same id. */
  request_id: string | null;
  reason: string | null;
}

/** What the kiosk writes for the root side (`anjungan update --spool`). */
export interface InstallRequest {
  id: string;
  version: string;
  allow_downgrade: boolean;
  requested_at: string;
}

export interface SpoolLayout {
  dir: string;
  jobFile: string;
  bundleDir: string;
  requestFile: string;
}

export function spoolLayout(config: Pick<Config, 'data_dir'>): SpoolLayout {
  const dir = path.join(config.data_dir, 'spool', 'update');
  return {
    dir,
    jobFile: path.join(dir, 'job.json'),
    bundleDir: path.join(dir, 'bundle'),
    requestFile: path.join(dir, 'request.json'),
  };
}

const VERSION_RE = /^\d+\.\d+\.\d+$/;

/** Checks the shape of `cmd/update`'s args; throws a message naming what is wrong. */
export function parseUpdateOrder(args: Record<string, unknown>): UpdateOrder {
  const { version, url, sha256, manifest_sig, allow_downgrade } = args;
  if (typeof version !== 'string' || !VERSION_RE.test(version)) throw new Error('args.version must be x.y.z');
  let parsed: URL | null = null;
  try {
    parsed = typeof url === 'string' ? new URL(url) : null;
  } catch {
    parsed = null;
  }
  if (parsed?.protocol !== 'https:' || !parsed.pathname.endsWith('.tar.gz'))
    throw new Error('args.url must be the https:// URL of the release archive (.tar.gz)');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
    throw new Error('args.sha256 must be 64 lower-case hex digits');
  if (typeof manifest_sig !== 'string' || manifest_sig.trim().length === 0 || manifest_sig.length > 512)
    throw new Error('args.manifest_sig must be the release signature (the text of manifest.sig)');
  if (allow_downgrade !== undefined && typeof allow_downgrade !== 'boolean')
    throw new Error('args.allow_downgrade must be true or false');
  return {
    version,
    url: parsed.href,
    sha256,
    manifest_sig: manifest_sig.trim(),
    allow_downgrade: allow_downgrade ?? false,
  };
}

function writeAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { flush: true });
  renameSync(tmp, file);
}

export function readJob(spool: SpoolLayout): UpdateJob | null {
  try {
    return JSON.parse(readFileSync(spool.jobFile, 'utf8')) as UpdateJob;
  } catch {
    return null;
  }
}

export function saveJob(spool: SpoolLayout, job: UpdateJob): void {
  writeAtomic(spool.jobFile, job);
}

/** Asks the root side to install the verified bundle (the path unit watches this file). */
export function writeRequest(spool: SpoolLayout, job: UpdateJob, at: Date): InstallRequest {
  const request: InstallRequest = {
    id: randomUUID(),
    version: job.order.version,
    allow_downgrade: job.order.allow_downgrade,
    requested_at: at.toISOString(),
  };
  writeAtomic(spool.requestFile, request);
  return request;
}

export function readRequest(spool: SpoolLayout): InstallRequest | null {
  try {
    return JSON.parse(readFileSync(spool.requestFile, 'utf8')) as InstallRequest;
  } catch {
    return null;
  }
}
