/**
 * `update.quiet_hours`: the window in which an online update may switch releases, e.g.
 * "22:00-05:00" (crossing midnight) or "12:00-13:00", read on the kiosk's own clock in its local
 * time zone (the village's: a kiosk is set to WIB, WITA or WIT when it is installed). Null: any
 * time without a resident session.
 */
import { KioskError } from '../errors.ts';

export interface QuietHours {
  /** Minutes after local midnight where the window opens (inclusive) and closes (exclusive). */
  start: number;
  end: number;
}

export const QUIET_HOURS_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$';

/** "HH:MM-HH:MM" → minutes; null for null; throws for anything else or an empty window. */
export function parseQuietHours(text: string | null): QuietHours | null {
  if (text === null) return null;
  if (!new RegExp(QUIET_HOURS_PATTERN).test(text))
    throw new KioskError(
      'config_invalid',
      `update.quiet_hours '${text}' is not HH:MM-HH:MM (e.g. 22:00-05:00)`,
    );
  const [start, end] = text.split('-').map((hm) => {
    const [h, m] = hm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  }) as [number, number];
  if (start === end)
    throw new KioskError('config_invalid', `update.quiet_hours '${text}' is an empty window`);
  return { start, end };
}

/** Whether local time `at` falls within the window (which may cross midnight). */
export function withinQuietHours(window: QuietHours | null, at: Date): boolean {
  if (!window) return true;
  const minute = at.getHours() * 60 + at.getMinutes();
  return window.start < window.end
    ? minute >= window.start && minute < window.end
    : minute >= window.start || minute < window.end;
}

/** Milliseconds from `at` until the window next opens (0 when it is open now). */
export function msUntilQuiet(window: QuietHours | null, at: Date): number {
  if (withinQuietHours(window, at) || !window) return 0;
  const opens = new Date(at);
  opens.setHours(Math.floor(window.start / 60), window.start % 60, 0, 0);
  if (opens.getTime() <= at.getTime()) opens.setDate(opens.getDate() + 1);
  return opens.getTime() - at.getTime();
}
