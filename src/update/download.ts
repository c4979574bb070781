/**
 * Downloads from the district's HTTPS server for online updates: resumable (a partial file
 * `<file>.part` is continued with an HTTP Range request after a dropped connection or a
 * restart), capped at `update.bandwidth_kbps`, over TLS verified against the system's CAs plus
 * `update.ca_file` (a district's own CA), never without verification.
 *
 *   <file>.part exists (n bytes) ──▶ GET Range: bytes=n- ──▶ 206: append │ 200: start over
 *                                                          └▶ throttle ─▶ .part ─▶ size ok? ─▶ rename to <file>
 */
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import { KioskError } from '../errors.ts';
import { UpdateRefusal } from './check-bundle.ts';
import { Throttle } from './throttle.ts';

export interface HttpsSource {
  /** Extra CA certificate (PEM file) trusted besides the system's; null: the system's only. */
  caFile: string | null;
  /** Seconds without a byte before the connection counts as dropped. */
  idleTimeoutS?: number;
}

export interface DownloadOptions extends HttpsSource {
  url: string;
  /** Where the whole file ends up; `<file>.part` while it comes in. */
  file: string;
  /** The size the signed manifest names: a file is whole only at exactly this size. */
  size: number;
  /** 0 = unlimited. */
  bandwidthKbps: number;
  signal?: AbortSignal;
}

export interface DownloadResult {
  /** Bytes received by this call (not counting those resumed from). */
  received: number;
  /** Where this call started: > 0 when it continued a partial file. */
  resumedFrom: number;
}

const downloadError = (message: string) => new UpdateRefusal('download', message);

function trusted(caFile: string | null): string[] | undefined {
  if (!caFile) return undefined;
  try {
    return [...rootCertificates, readFileSync(caFile, 'utf8')];
  } catch (err) {
    throw downloadError(`update.ca_file ${caFile} cannot be read: ${(err as Error).message}`);
  }
}

function get(url: string, source: HttpsSource, headers: Record<string, string>, signal?: AbortSignal) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:')
    throw downloadError(`only https:// URLs are fetched, not ${parsed.protocol}`);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = https.get(parsed, { ca: trusted(source.caFile), headers, signal }, resolve);
    req.setTimeout((source.idleTimeoutS ?? 60) * 1000, () =>
      req.destroy(downloadError('the server stopped sending (idle timeout)')),
    );
    req.on('error', (err) =>
      reject(err instanceof KioskError ? err : downloadError(`${parsed.host}: ${err.message}`)),
    );
  });
}

/** A small file (a manifest) into memory, at most `maxBytes`. */
export async function fetchSmall(url: string, source: HttpsSource, maxBytes = 65_536): Promise<string> {
  const res = await get(url, source, {});
  if (res.statusCode !== 200) {
    res.resume();
    throw downloadError(`${url}: HTTP ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.destroy();
      throw downloadError(`${url} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const sizeOf = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

/**
 * One attempt: continues `<file>.part` from where it stopped. Throws 'update_download' when the
 * connection drops or the server misbehaves; the partial file stays for the next attempt.
 */
export async function downloadResumable(opts: DownloadOptions): Promise<DownloadResult> {
  const part = `${opts.file}.part`;
  if (existsSync(opts.file) && sizeOf(opts.file) === opts.size)
    return { received: 0, resumedFrom: opts.size };
  let from = sizeOf(part);
  if (from > opts.size) {
    rmSync(part, { force: true });
    from = 0;
  }
  if (from < opts.size) {
    const res = await get(opts.url, opts, from > 0 ? { range: `bytes=${from}-` } : {}, opts.signal);
    if (res.statusCode === 200)
      from = 0; // the server ignores Range: start over
    else if (res.statusCode !== 206 || !res.headers['content-range']?.startsWith(`bytes ${from}-`)) {
      res.resume();
      throw downloadError(
        `${opts.url}: HTTP ${res.statusCode}${res.statusCode === 206 ? ' with an unexpected Content-Range' : ''}`,
      );
    }
    const out = createWriteStream(part, { flags: from > 0 ? 'a' : 'w' });
    try {
      await pipeline(res, new Throttle(opts.bandwidthKbps), out, { signal: opts.signal });
    } catch (err) {
      throw err instanceof KioskError
        ? err
        : downloadError(`the download broke off: ${(err as Error).message}`);
    }
  }
  const have = sizeOf(part);
  if (have < opts.size) throw downloadError(`the connection ended after ${have} of ${opts.size} bytes`);
  if (have > opts.size) {
    rmSync(part, { force: true });
    throw downloadError(`the server sent ${have} bytes, the signed manifest says ${opts.size}`);
  }
  renameSync(part, opts.file);
  return { received: have - from, resumedFrom: from };
}
