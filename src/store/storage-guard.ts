/**
 * Watches the free space of the data directory (`storage.min_free_mb`, issue 9 §6). Below the
 * threshold the kiosk goes out of service (`storage_full`, *penyimpanan penuh*) BEFORE a letter
 * number is taken: a register line, the letter's archived copy and the outbox's events all need
 * room, and a write the disk refuses halfway must never be the first sign of a full disk.
 *
 * Measured every `storage.check_interval_s`, before every letter (`checkNow`), and at once after
 * a write failed with ENOSPC (the threshold raced). Recovery needs no one: the next measurement
 * that finds room again brings the kiosk back.
 */
import { statfs } from 'node:fs/promises';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface StorageReading {
  ok: boolean;
  /** Free MB for the kiosk's user (statfs bavail), null when it could not be measured. */
  freeMb: number | null;
}

export interface StorageGuardOptions {
  dataDir: string;
  minFreeMb: number;
  intervalMs: number;
  logger: Logger;
  /** Called when `ok` or the whole number of free MB changes. */
  onChange?: (reading: StorageReading) => void;
}

const MB = 2 ** 20;

/** Free MB in `dir` for an unprivileged writer (what root reserves does not count). */
export async function freeMegabytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Math.floor((s.bavail * s.bsize) / MB);
}

export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export class StorageGuard {
  #reading: StorageReading = { ok: true, freeMb: null };
  #timer: NodeJS.Timeout | null = null;
  #checking: Promise<StorageReading> | null = null;
  #sawFull = false;

  constructor(private readonly opts: StorageGuardOptions) {}

  get reading(): StorageReading {
    return this.#reading;
  }

  /** Measures now (concurrent callers share one measurement). */
  checkNow(): Promise<StorageReading> {
    this.#checking ??= this.#measure().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  /** A write was refused for lack of space: out of service at once, whatever statfs said. */
  noteFull(file: string): void {
    this.opts.logger.error({ file }, 'the disk refused a write (no space left): out of service');
    this.#sawFull = true;
    this.#set({ ok: false, freeMb: this.#reading.freeMb === null ? null : 0 });
    void this.checkNow();
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.checkNow(), this.opts.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #measure(): Promise<StorageReading> {
    let freeMb: number;
    try {
      freeMb = await freeMegabytes(this.opts.dataDir);
    } catch (err) {
      // Not measurable (a vanished mount): say so, but do not stop a kiosk on that alone.
      this.opts.logger.warn({ dir: this.opts.dataDir, err: errorMessage(err) }, 'cannot measure free space');
      this.#set({ ok: this.#reading.ok, freeMb: null });
      return this.#reading;
    }
    // min_free_mb 0 turns the threshold off; after the disk refused a write, though, the kiosk
    // stays out until at least 1 MB is free again (else it would refuse one resident after another).
    const ok = freeMb >= (this.#sawFull ? Math.max(1, this.opts.minFreeMb) : this.opts.minFreeMb);
    if (ok) this.#sawFull = false;
    if (ok !== this.#reading.ok) {
      const fields = { dir: this.opts.dataDir, free_mb: freeMb, min_free_mb: this.opts.minFreeMb };
      if (ok) this.opts.logger.info(fields, 'free space is back: storage in service again');
      else
        this.opts.logger.error(
          fields,
          'storage almost full: out of service (storage_full) until space is freed in the data directory',
        );
    }
    this.#set({ ok, freeMb });
    return this.#reading;
  }

  #set(next: StorageReading): void {
    const changed = next.ok !== this.#reading.ok || next.freeMb !== this.#reading.freeMb;
    this.#reading = next;
    if (changed) this.opts.onChange?.(next);
  }
}
