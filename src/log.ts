/**
 * Structured logs (pino), one JSON line per event, on stderr (stdout carries the simulator's
 * screen text). Each line starts with a syslog priority `<N>` so journald files it at the right
 * level instead of everything at 6. Never log a full NIK or a card UID: use maskNik().
 */
import { type Logger, pino } from 'pino';
import type { RotatingLogFile } from './log-file.ts';

export type { Logger } from 'pino';

const PRIORITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

/** A pino destination that prefixes each line with its journald priority (and keeps a copy). */
function journaldStream(out: NodeJS.WritableStream, file?: RotatingLogFile) {
  return {
    write(line: string) {
      const match = /"level":(\d+)/.exec(line);
      const priority = PRIORITY[Number(match?.[1] ?? 30)] ?? 6;
      out.write(`<${priority}>${line}`);
      file?.write(line);
    },
  };
}

/** A logger to `out` (stderr: the journal), and to the kiosk's own log file when given. */
export function createLogger(
  level: string = process.env.ANJUNGAN_LOG_LEVEL ?? 'info',
  out: NodeJS.WritableStream = process.stderr,
  file?: RotatingLogFile,
): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (l, n) => ({ level: n, lvl: l }) },
    },
    journaldStream(out, file),
  );
}

/** A logger that drops everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
