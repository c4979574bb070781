import type { Command } from './command.ts';

/** Subcommands, loaded lazily so `anjungan --help` does not load sharp, mqtt or PC/SC. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'run the kiosk daemon (default)', load: async () => (await import('./run.ts')).default },
};
