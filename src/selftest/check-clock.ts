/**
 * Selftest: is the clock trustworthy enough to date letters? The same ClockGuard rules as the
 * daemon (not before the build date, not before the newest letter in the register, synchronised
 * when clock.require_sync), plus whether the system says it is synchronised at all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { systemClock } from '../flows/clock.ts';
import { ClockGuard, systemClockSynced } from '../flows/clock-guard.ts';
import { LetterRegister } from '../letters/register.ts';
import { BUILD_DATE } from '../version.ts';
import type { SelftestCheck, SelftestContext } from './checks.ts';

/** Newest letter time in the register (read-only; none when there is no register yet). */
async function newestLetter(ctx: SelftestContext): Promise<Date | null> {
  const file = path.join(ctx.config.data_dir, 'register.jsonl');
  if (!existsSync(file)) return null;
  const reg = await LetterRegister.open(ctx.config.data_dir, {
    numbering: ctx.config.letters.numbering,
    villageCode: ctx.config.village.code,
    logger: ctx.logger,
    readOnly: true,
  });
  try {
    return reg.newestTime();
  } finally {
    await reg.close();
  }
}

export const clockCheck: SelftestCheck = {
  name: 'clock',
  async run(ctx) {
    let newest: Date | null;
    try {
      newest = await newestLetter(ctx);
    } catch (err) {
      return {
        ok: false,
        detail: `cannot read the letter register: ${errorMessage(err)}`,
        remedy: 'the register is the village record: see the message, repair the named line',
      };
    }
    const synced = await systemClockSynced();
    const guard = new ClockGuard({
      clock: systemClock,
      buildDate: new Date(BUILD_DATE),
      newestRegisterTime: () => newest,
      requireSync: ctx.config.clock.require_sync,
      isSynced: async () => synced,
      intervalMs: ctx.config.clock.check_interval_s * 1000,
      logger: ctx.logger,
    });
    const verdict = await guard.check();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const detail = `${now}, ${synced ? 'synchronised' : 'not synchronised (no time server reached)'}`;
    if (!verdict.trusted) {
      return {
        ok: false,
        detail: `${detail}: ${verdict.reason ?? 'not trusted'}`,
        remedy:
          'set the time: sudo timedatectl set-time "YYYY-MM-DD HH:MM:SS" (or connect the kiosk to a network with NTP); ' +
          'a Pi without a real-time clock loses the time at every power cut: fit an RTC module for offline villages',
      };
    }
    return { ok: true, detail, remedy: null };
  },
};

export default clockCheck;
