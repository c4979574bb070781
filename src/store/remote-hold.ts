/**
 * The district's out-of-service (`cmd/out_of_service on`), kept with the data so that a restart
 * or a power cut does not put a kiosk the district took down (e.g. "DIRETAS") back into service.
 * It lasts until the district lifts it (`out_of_service off`) or a technician on site does
 * (`sudo anjungan resume`, without the network). A lift on site is marked in the file until the
 * daemon has handed the `resumed_on_site` event to its outbox, so the district learns of it
 * whenever the kiosk is next online, even if the daemon was not running at the time.
 *
 *   cmd/out_of_service ─▶ daemon ─▶ set(reason) ─▶ <data_dir>/remote-out-of-service.json
 *   anjungan resume ─────────────────────────────▶ (reason null, lifted_on_site {…})
 *   fs.watch(data_dir) ─▶ daemon ─▶ apply(null) + resumed_on_site event ─▶ marker cleared
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DurableJsonFile } from './durable-file.ts';

export const REMOTE_HOLD_FILE = 'remote-out-of-service.json';

export interface RemoteHoldData {
  /** The district's reason, shown on the kiosk's screen; null: not held. */
  reason: string | null;
  /** When the district set it (ISO 8601). */
  since: string | null;
  /** Lifted on site by a technician and not yet reported to the district. */
  lifted_on_site: { at: string; reason: string } | null;
}

const NONE: RemoteHoldData = { reason: null, since: null, lifted_on_site: null };

function validate(data: unknown): RemoteHoldData {
  const d = data as Partial<RemoteHoldData> | null;
  if (typeof d !== 'object' || d === null || (d.reason !== null && typeof d.reason !== 'string'))
    throw new Error('not a remote out-of-service record');
  return { ...NONE, ...d };
}

function holdFile(dataDir: string, logger: Logger): DurableJsonFile<RemoteHoldData> {
  // 0640: the service user writes it, its group (and root) read it; no personal data in it.
  return new DurableJsonFile(path.join(dataDir, REMOTE_HOLD_FILE), {
    logger,
    validate,
    mode: 0o640,
    indent: 2,
  });
}

/** The record as stored (none: not held). */
export async function readRemoteHold(dataDir: string, logger: Logger): Promise<RemoteHoldData> {
  return (await holdFile(dataDir, logger).read()) ?? { ...NONE };
}

/** `anjungan resume`: lifts the hold on site; the previous reason, or null when none was set. */
export async function liftRemoteHoldOnSite(
  dataDir: string,
  logger: Logger,
  now: Date,
): Promise<string | null> {
  const file = holdFile(dataDir, logger);
  const current = (await file.read()) ?? { ...NONE };
  if (current.reason === null) return null;
  await file.write({
    reason: null,
    since: null,
    lifted_on_site: { at: now.toISOString(), reason: current.reason },
  });
  return current.reason;
}

export interface RemoteHoldOptions {
  dataDir: string;
  logger: Logger;
  /** Puts the running kiosk out of service with the reason (null: back in service). */
  apply: (reason: string | null) => void;
  /** A technician lifted it on site: report it (the event goes to the outbox). */
  onLiftedOnSite: (reason: string, at: string) => void;
  now?: () => number;
}

/** The daemon's side: loads the hold at start, persists the district's changes, follows the file. */
export class RemoteHold {
  #data: RemoteHoldData = { ...NONE };
  #watcher: FSWatcher | null = null;
  #checks: Promise<void> = Promise.resolve();
  readonly #file: DurableJsonFile<RemoteHoldData>;

  constructor(private readonly opts: RemoteHoldOptions) {
    this.#file = holdFile(opts.dataDir, opts.logger);
  }

  /** The reason held at start (read before the first frame is drawn). */
  async load(): Promise<string | null> {
    try {
      this.#data = (await this.#file.read()) ?? { ...NONE };
    } catch (err) {
      this.opts.logger.error({ err: errorMessage(err) }, 'remote out-of-service record unreadable: ignored');
    }
    if (this.#data.reason !== null)
      this.opts.logger.warn(
        { reason: this.#data.reason },
        'still out of service by the district (set before a restart)',
      );
    return this.#data.reason;
  }

  /** Follows changes made by `anjungan resume`, and reports a lift made while the daemon was stopped. */
  start(): void {
    this.#watcher = watch(this.opts.dataDir, (_event, name) => {
      if (name === REMOTE_HOLD_FILE) this.#check();
    });
    this.#watcher.on('error', (err) =>
      this.opts.logger.warn({ err: err.message }, 'cannot watch the data directory'),
    );
    this.#check();
  }

  stop(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  /** The district's command: applied at once, then persisted (awaited before the command is answered). */
  set(reason: string | null): Promise<void> {
    this.opts.apply(reason);
    // In line with the file checks, so a lift on site being reported is never overwritten.
    this.#checks = this.#checks.then(async () => {
      const now = new Date(this.opts.now?.() ?? Date.now()).toISOString();
      this.#data = { ...this.#data, reason, since: reason === null ? null : now };
      await this.#save();
    });
    return this.#checks;
  }

  #check(): void {
    this.#checks = this.#checks.then(async () => {
      let data: RemoteHoldData;
      try {
        data = (await this.#file.read()) ?? { ...NONE };
      } catch (err) {
        this.opts.logger.error(
          { err: errorMessage(err) },
          'remote out-of-service record unreadable: kept as it was',
        );
        return;
      }
      const lifted = data.lifted_on_site;
      if (data.reason !== this.#data.reason) this.opts.apply(data.reason);
      this.#data = data;
      if (!lifted) return;
      this.opts.logger.warn(
        { reason: lifted.reason, at: lifted.at },
        'remote out-of-service lifted on site (anjungan resume)',
      );
      this.opts.onLiftedOnSite(lifted.reason, lifted.at);
      this.#data = { ...data, lifted_on_site: null };
      await this.#save();
    });
  }

  async #save(): Promise<void> {
    try {
      await this.#file.write(this.#data);
    } catch (err) {
      this.opts.logger.error(
        { err: errorMessage(err) },
        'remote out-of-service not saved: a restart would forget it',
      );
    }
  }
}
