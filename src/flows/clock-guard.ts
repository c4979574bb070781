/**
 * Is the system clock right enough to date a letter? A Raspberry Pi has no battery clock: after
 * a power cut it starts at its last saved time (or 1970) until NTP answers, and an offline
 * village may never reach a time server. A letter dated wrongly is worse than no letter, so the
 * kiosk stays out of service ("jam belum disetel") while the clock is:
 *   - earlier than the software's build date (it cannot be older than the code running it),
 *   - earlier than the newest letter in the register (time does not run backwards),
 *   - or, with `clock.require_sync`, not reported synchronised by the system.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';

export interface ClockGuardOptions {
  clock: Clock;
  buildDate: Date;
  /** Newest `issued_at` in the letter register (null when empty). */
  newestRegisterTime: () => Date | null;
  requireSync: boolean;
  /** Defaults to systemClockSynced. */
  isSynced?: () => Promise<boolean>;
  /** How often start() re-checks. */
  intervalMs: number;
  logger: Logger;
}

export interface ClockVerdict {
  trusted: boolean;
  /** Why not, for logs and the technician (English); null when trusted. */
  reason: string | null;
}

export class ClockGuard {
  readonly #opts: ClockGuardOptions;
  #timer: unknown = null;
  #running = false;
  #last: boolean | null = null;
  #generation = 0;
  #onChange: ((trusted: boolean) => void) | null = null;

  constructor(opts: ClockGuardOptions) {
    this.#opts = opts;
  }

  /** The verdict of the last check (null before the first). */
  get trusted(): boolean | null {
    return this.#last;
  }

  /** Checks the clock once. Never rejects: a failing sync query counts as "not synchronised". */
  async check(): Promise<ClockVerdict> {
    const { clock, buildDate, newestRegisterTime, requireSync } = this.#opts;
    const now = clock.now();
    if (now < buildDate.getTime()) {
      return {
        trusted: false,
        reason: `system time ${iso(now)} is earlier than the build date ${buildDate.toISOString()}: set the clock (timedatectl set-time) or connect to a time server`,
      };
    }
    const newest = newestRegisterTime();
    if (newest && now < newest.getTime()) {
      return {
        trusted: false,
        reason: `system time ${iso(now)} is earlier than the newest letter in the register (${newest.toISOString()}): set the clock`,
      };
    }
    if (requireSync) {
      let synced = false;
      try {
        synced = await (this.#opts.isSynced ?? systemClockSynced)();
      } catch (err) {
        this.#opts.logger.warn({ err: errorMessage(err) }, 'could not ask whether the clock is synchronised');
      }
      if (!synced) {
        return {
          trusted: false,
          reason:
            'the system clock is not synchronised (clock.require_sync is set): check the network and the time server',
        };
      }
    }
    return { trusted: true, reason: null };
  }

  /**
   * Checks now and every `intervalMs`. `onChange` is called with the first verdict and then on
   * every change, never twice in a row with the same value.
   */
  start(onChange: (trusted: boolean) => void): void {
    if (this.#running) return;
    this.#running = true;
    this.#onChange = onChange;
    void this.#tick();
  }

  /**
   * Checks at once instead of at the next poll (the register just refused a letter dated before
   * its newest entry); the poll goes on from here. Resolves when the verdict was applied.
   */
  async checkNow(): Promise<void> {
    if (!this.#running) return;
    if (this.#timer !== null) this.#opts.clock.clearTimeout(this.#timer);
    await this.#tick();
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    // A newer check started while this one waited (checkNow): its verdict is the fresher one.
    const generation = ++this.#generation;
    const verdict = await this.check();
    if (!this.#running || generation !== this.#generation) return;
    if (verdict.trusted !== this.#last) {
      if (verdict.trusted) this.#opts.logger.info('clock trusted');
      else this.#opts.logger.warn({ reason: verdict.reason }, 'clock not trusted: kiosk out of service');
      this.#last = verdict.trusted;
      try {
        this.#onChange?.(verdict.trusted);
      } catch (err) {
        this.#opts.logger.error({ err: errorMessage(err) }, 'clock change listener failed');
      }
    }
    // Re-arm only after the check finished, so slow timedatectl calls never pile up.
    this.#timer = this.#opts.clock.setTimeout(() => void this.#tick(), this.#opts.intervalMs);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== null) this.#opts.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}

const SYNC_FLAG = '/run/systemd/timesync/synchronized';

/**
 * Whether the system reports its clock synchronised: `timedatectl show -p NTPSynchronized
 * --value` (yes/no), or, where timedatectl is missing or fails (no systemd, containers), the
 * flag file systemd-timesyncd touches once it has synchronised. False when neither answers.
 */
export async function systemClockSynced(
  opts: { command?: string; flagFile?: string; timeoutMs?: number } = {},
): Promise<boolean> {
  const answer = await new Promise<string | null>((resolve) => {
    execFile(
      opts.command ?? 'timedatectl',
      ['show', '-p', 'NTPSynchronized', '--value'],
      { timeout: opts.timeoutMs ?? 3000 },
      (err, stdout) => resolve(err ? null : String(stdout).trim()),
    );
  });
  if (answer === 'yes') return true;
  if (answer === 'no') return false;
  try {
    await access(opts.flagFile ?? SYNC_FLAG);
    return true;
  } catch {
    return false;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
