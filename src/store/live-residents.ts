/**
 * The running kiosk's resident data, kept current without a restart. `anjungan residents import`
 * and `anjungan cards bind|unbind|enroll` replace `<data_dir>/residents.json` by an atomic rename
 * (see durable-file.ts); the daemon watches the directory and reopens the file about half a
 * second after it changed, so a card bound at the kiosk works at the next tap.
 *
 * - A file that cannot be read (nor its backup) keeps the data already loaded, with an error in
 *   the log: a bad copy never empties a working kiosk.
 * - A kiosk that started without readable data (out of service, "Data penduduk tidak
 *   tersedia") comes back into service by itself once the file is restored.
 * - A session in progress is unaffected: residents are found again by their ref, which depends
 *   only on the device key and the NIK.
 *
 *   fs.watch(data_dir) ──residents.json──▶ debounce ──▶ stat changed? ──▶ open ──▶ swap (or keep)
 *   every 30 s ────────────────────────────────────────┘
 */
import { constants, type FSWatcher, watch } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fileVersion } from './durable-file.ts';
import type { Resident } from './resident.ts';
import type { ResidentLookup } from './resident-lookup.ts';

export interface LiveResidentsOptions {
  /** `<data_dir>/residents.json`. */
  file: string;
  /** Opens the file (ResidentStore.open); throws when it cannot be read. */
  open: () => Promise<ResidentLookup>;
  /** Called when the data becomes usable after the kiosk started without it. */
  onAvailable: () => void;
  /** Called after each reload with the new counts (reported to the district). */
  onReloaded?: (counts: { residents: number; cards: number }) => void;
  logger: Logger;
  /** Quiet time after the last change before reopening (a write is several renames). */
  debounceMs?: number;
  /** How often the file is checked even without a change notice (default 30 s). */
  pollMs?: number;
}

export class LiveResidents implements ResidentLookup {
  #current: ResidentLookup;
  #available: boolean;
  #version: string | null;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #checks: Promise<void> = Promise.resolve();
  readonly #opts: LiveResidentsOptions;
  readonly #log: Logger;

  /**
   * @param initial the data opened at start (or UnavailableResidents when it could not be read)
   * @param version fileVersion() taken before `initial` was opened, so no change is missed
   */
  constructor(
    opts: LiveResidentsOptions,
    initial: ResidentLookup,
    available: boolean,
    version: string | null,
  ) {
    this.#opts = opts;
    this.#current = initial;
    this.#available = available;
    this.#version = version;
    this.#log = opts.logger.child({ file: opts.file });
  }

  get available(): boolean {
    return this.#available;
  }

  cardKeyOf(uid: Buffer): string {
    return this.#current.cardKeyOf(uid);
  }

  findByCard(uid: Buffer): Resident | undefined {
    return this.#current.findByCard(uid);
  }

  refOf(nik: string): string {
    return this.#current.refOf(nik);
  }

  byRef(ref: string): Resident | undefined {
    return this.#current.byRef(ref);
  }

  count(): number {
    return this.#current.count();
  }

  cardCount(): number {
    return this.#current.cardCount();
  }

  /** Starts watching; also checks once for a change made while the kiosk was starting. */
  start(): void {
    const dir = path.dirname(this.#opts.file);
    const name = path.basename(this.#opts.file);
    const cannotWatch = (err: unknown) =>
      this.#log.warn(
        { err: errorMessage(err) },
        'cannot watch the resident data: restart the kiosk after changing residents or cards',
      );
    try {
      this.#watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename === null || filename === name) this.#schedule();
      });
      this.#watcher.on('error', cannotWatch);
    } catch (err) {
      cannotWatch(err);
    }
    // Some file systems (network mounts, some overlays) never report changes: a stat now and
    // then costs nothing and catches those too.
    this.#poll = setInterval(() => void this.check(), this.#opts.pollMs ?? 30_000);
    this.#poll.unref();
    this.#schedule();
  }

  /** Stops watching and waits for a reload in progress. */
  async stop(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#checks;
  }

  /** Reopens the file if it changed since it was last read; resolves when done. */
  check(): Promise<void> {
    this.#checks = this.#checks.then(() => this.#reloadIfChanged());
    return this.#checks;
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.check();
    }, this.#opts.debounceMs ?? 500);
  }

  async #reloadIfChanged(): Promise<void> {
    const version = await fileVersion(this.#opts.file);
    // Gone (being replaced, or deleted by hand): keep what is loaded until a file is back.
    if (version === null || version === this.#version) return;
    try {
      await access(this.#opts.file, constants.R_OK);
    } catch (err) {
      // Written by root and not yet handed over (its owner changes next, which is a new version):
      // opening now would fall back to the old backup and log a false alarm.
      this.#version = version;
      this.#log.warn(
        { err: errorMessage(err) },
        'resident data changed on disk but the kiosk may not read it: give it to the service user (sudo chown anjungan: …)',
      );
      return;
    }
    try {
      const next = await this.#opts.open();
      this.#current = next;
      this.#version = version;
      const counts = { residents: next.count(), cards: next.cardCount() };
      this.#log.info(counts, 'resident data changed on disk: reloaded');
      if (!this.#available) {
        this.#available = true;
        this.#opts.onAvailable();
      }
      this.#opts.onReloaded?.(counts);
    } catch (err) {
      // Remember this version as seen: the next write will be another inode and is tried again.
      this.#version = version;
      this.#log.error(
        { err: errorMessage(err) },
        this.#available
          ? 'resident data changed on disk but cannot be read: keeping the data loaded before'
          : 'resident data still unreadable: restore the file (see the log above)',
      );
    }
  }
}
