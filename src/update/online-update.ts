/**
 * Online updates on the kiosk's side (`cmd/update`): the unprivileged daemon downloads, verifies
 * and waits for a quiet moment, then asks the root side, and reports each step to the district.
 *
 *   accepted ─▶ downloading: manifest.json checked (signature by a trusted release key, the
 *   │           order's version and sha256, arch, version, Node) ─▶ update_available
 *   │           archive fetched resumably, capped at update.bandwidth_kbps
 *   ├▶ verifying: every check again on the whole bundle (sha256 of the archive)
 *   ├▶ waiting_quiet: no resident session (a letter printing is finished first), within
 *   │                 update.quiet_hours
 *   ├▶ installing: request.json written ─▶ update_started; anjungan-update.path starts the root
 *   │              unit, which verifies again, installs, switches and holds the health gate
 *   └▶ done ─▶ update_done │ rolled_back ─▶ rolled_back + update_failed(health) │ failed ─▶ update_failed
 *
 * The outcome is read from the root updater's state file (`var/lib/anjungan-update/state.json`,
 * under update.root), by whichever daemon runs then: the new release after a good switch, the
 * old one after a rollback. Every state is kept in the spool (update-job.ts), so a restart
 * resumes the download with a Range request and never reports an outcome twice.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { errorMessage } from '../errors.ts';
import type { KioskBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { checkBundle, checkManifest, type ManifestCheckOptions, UpdateRefusal } from './check-bundle.ts';
import { downloadResumable, fetchSmall, type HttpsSource } from './download.ts';
import { updateLayout } from './layout.ts';
import { parseManifest, trustedReleaseKeys } from './manifest.ts';
import { parseQuietHours, type QuietHours, withinQuietHours } from './quiet-hours.ts';
import {
  parseUpdateOrder,
  readJob,
  type SpoolLayout,
  saveJob,
  spoolLayout,
  type UpdateJob,
  type UpdateStatus,
  writeRequest,
} from './update-job.ts';
import { readUpdateState } from './updater.ts';

export interface OnlineUpdateDeps {
  config: Config;
  bus: KioskBus;
  logger: Logger;
  /** What this kiosk runs and needs (version, arch, Node, native modules). */
  checks: Omit<ManifestCheckOptions, 'keys' | 'allowDowngrade'>;
  /** True while a resident session or a print is in progress. */
  busy: () => boolean;
  /** Called when `status()` changed (the retained state is republished). */
  onStatus: () => void;
  /** The kiosk's clock (local time for quiet hours); injectable. */
  now?: () => Date;
  /** How often quiet time and the root side's progress are looked at. */
  pollMs?: number;
  /** Download attempts before `update_failed` (download); each resumes the partial file. */
  attempts?: number;
  /** Pause before the n-th retry (ms); injectable. */
  retryDelayMs?: (attempt: number) => number;
}

const FINISHED = new Set(['idle', 'done', 'failed', 'rolled_back']);

export class OnlineUpdate {
  private readonly spool: SpoolLayout;
  private quiet: QuietHours | null;
  private job: UpdateJob | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly deps: OnlineUpdateDeps) {
    this.spool = spoolLayout(deps.config);
    this.quiet = null;
    try {
      this.quiet = parseQuietHours(deps.config.update.quiet_hours);
    } catch (err) {
      // The schema lets through only an empty window ("10:00-10:00"): said, not fatal.
      deps.logger.error({ err: errorMessage(err) }, 'update.quiet_hours ignored');
    }
  }

  status(): UpdateStatus {
    const job = this.job;
    if (!job) return { version: null, state: 'idle', available: null };
    const verified = job.state === 'waiting_quiet' || job.state === 'installing';
    return { version: job.order.version, state: job.state, available: verified ? job.order.version : null };
  }

  /** Resumes an order a restart interrupted (or learns the outcome of an install). */
  start(): void {
    this.job = readJob(this.spool);
    if (this.job && !FINISHED.has(this.job.state)) this.drive();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  /** `cmd/update`: takes the order and answers at once; the steps follow as events. */
  async accept(args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const order = parseUpdateOrder(args);
    const current = this.job;
    if (current && !FINISHED.has(current.state)) {
      if (current.state === 'installing' || current.order.version !== order.version)
        throw new Error(`an update to ${current.order.version} is in progress (${current.state})`);
      return { version: order.version, state: current.state };
    }
    rmSync(this.spool.bundleDir, { recursive: true, force: true });
    this.setJob({
      order,
      state: 'downloading',
      size: null,
      accepted_at: this.now().toISOString(),
      request_id: null,
      reason: null,
    });
    this.drive();
    return { version: order.version, state: 'downloading' };
  }

  /** Runs the job to its end or to the root side's hands (single-flight). */
  private drive(): void {
    if (this.running || this.stopped) return;
    this.running = this.steps()
      .catch((err: unknown) => {
        if (this.stopped) return;
        const reason = err instanceof UpdateRefusal ? err.reason : 'install';
        this.fail(reason, errorMessage(err));
      })
      .finally(() => {
        this.running = null;
      });
  }

  private async steps(): Promise<void> {
    for (;;) {
      const job = this.job;
      if (!job || this.stopped) return;
      switch (job.state) {
        case 'downloading':
          await this.download(job);
          this.setJob({ ...job, state: 'verifying', size: this.job?.size ?? null });
          break;
        case 'verifying':
          await checkBundle(this.spool.bundleDir, this.checkOptions(job));
          this.setJob({ ...job, state: 'waiting_quiet' });
          break;
        case 'waiting_quiet':
          await this.until(() => !this.deps.busy() && withinQuietHours(this.quiet, this.now()));
          this.requestInstall(job);
          break;
        case 'installing':
          await this.until(() => this.outcome(job));
          return;
        default:
          return;
      }
    }
  }

  private checkOptions(job: UpdateJob): ManifestCheckOptions {
    return {
      ...this.deps.checks,
      keys: trustedReleaseKeys(updateLayout(this.deps.config.update.root).releaseKeysDir),
      allowDowngrade: job.order.allow_downgrade,
    };
  }

  private source(): HttpsSource {
    return { caFile: this.deps.config.update.ca_file };
  }

  /** The manifest first (nothing big is fetched for a release this kiosk would refuse), then the archive. */
  private async download(job: UpdateJob): Promise<void> {
    const { order } = job;
    const dir = this.spool.bundleDir;
    const manifestText = await this.withRetries(() =>
      fetchSmall(new URL('manifest.json', order.url).href, this.source()),
    );
    const manifest = parseManifest(manifestText);
    if (manifest.version !== order.version)
      throw new UpdateRefusal(
        'manifest',
        `the server's manifest is for ${manifest.version}, the order for ${order.version}`,
      );
    if (manifest.sha256 !== order.sha256)
      throw new UpdateRefusal('hash', 'the signed manifest names another sha256 than the order');
    if (manifest.archive !== decodeURIComponent(path.posix.basename(new URL(order.url).pathname)))
      throw new UpdateRefusal(
        'manifest',
        `the order's URL does not name the manifest's archive ${manifest.archive}`,
      );
    if (!Number.isSafeInteger(manifest.size) || manifest.size <= 0)
      throw new UpdateRefusal('manifest', 'the manifest gives no archive size');
    const served = await this.withRetries(() =>
      fetchSmall(new URL('manifest.sig', order.url).href, this.source(), 4096),
    ).catch(() => null);
    if (served !== null && served.trim() !== order.manifest_sig)
      throw new UpdateRefusal(
        'signature',
        "manifest.sig on the server is not the signature the district's order names",
      );
    checkManifest(manifest, order.manifest_sig, this.checkOptions(job));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), manifestText);
    writeFileSync(path.join(dir, 'manifest.sig'), `${order.manifest_sig}\n`);
    if (job.size === null) {
      this.setJob({ ...job, size: manifest.size });
      this.deps.bus.emitEvent({ type: 'update_available', version: order.version, size: manifest.size });
    }
    const result = await this.withRetries(() =>
      downloadResumable({
        url: order.url,
        file: path.join(dir, manifest.archive),
        size: manifest.size,
        bandwidthKbps: this.deps.config.update.bandwidth_kbps,
        caFile: this.deps.config.update.ca_file,
        signal: this.abort.signal,
      }),
    );
    this.deps.logger.info({ version: order.version, ...result }, 'update: bundle downloaded');
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    const attempts = this.deps.attempts ?? 10;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        const retryable = err instanceof UpdateRefusal && err.reason === 'download';
        if (!retryable || n >= attempts || this.stopped) throw err;
        const delay = this.deps.retryDelayMs?.(n) ?? Math.min(60_000, 2000 * 2 ** (n - 1));
        this.deps.logger.warn(
          { attempt: n, retry_in_ms: delay, err: errorMessage(err) },
          'update: download failed, resuming later',
        );
        await this.sleep(delay);
      }
    }
  }

  private requestInstall(job: UpdateJob): void {
    const request = writeRequest(this.spool, job, this.now());
    this.setJob({ ...job, state: 'installing', request_id: request.id });
    this.deps.bus.emitEvent({ type: 'update_started', version: job.order.version });
    this.deps.logger.info({ version: job.order.version }, 'update: verified and quiet; install requested');
  }

  /** The root side's answer to this job's request, reported once; true when there is one. */
  private outcome(job: UpdateJob): boolean {
    const state = readUpdateState(updateLayout(this.deps.config.update.root));
    if (!state || !job.request_id || state.request_id !== job.request_id) return false;
    const { version } = job.order;
    if (state.phase === 'done') {
      this.finish({ ...job, state: 'done' });
      this.deps.bus.emitEvent({ type: 'update_done', version });
    } else if (state.phase === 'rolled_back') {
      this.finish({ ...job, state: 'rolled_back', reason: state.reason });
      const to = state.previous ?? 'unknown';
      this.deps.bus.emitEvent({
        type: 'rolled_back',
        from: version,
        to,
        reason: state.reason ?? 'not healthy',
      });
      this.deps.bus.emitEvent({
        type: 'update_failed',
        version,
        reason: 'health',
        detail: state.reason ?? '',
      });
    } else if (state.phase === 'failed') {
      this.fail(state.failure ?? 'install', state.reason ?? 'the install failed');
    } else return false;
    return true;
  }

  private fail(reason: UpdateRefusal['reason'], detail: string): void {
    const job = this.job;
    if (!job) return;
    this.deps.logger.warn({ version: job.order.version, reason, detail }, 'update failed');
    this.finish({ ...job, state: 'failed', reason: detail });
    this.deps.bus.emitEvent({ type: 'update_failed', version: job.order.version, reason, detail });
  }

  /** A finished job keeps no bundle in the spool (space on the SD card). */
  private finish(job: UpdateJob): void {
    this.setJob(job);
    rmSync(this.spool.bundleDir, { recursive: true, force: true });
    rmSync(this.spool.requestFile, { force: true });
  }

  private setJob(job: UpdateJob): void {
    this.job = job;
    saveJob(this.spool, job);
    this.deps.onStatus();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private sleep(ms: number): Promise<void> {
    const { signal } = this.abort;
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!this.stopped && !ready()) await this.sleep(this.deps.pollMs ?? 1000);
    if (this.stopped) throw new Error('stopped');
  }
}
