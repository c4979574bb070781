import type { Command } from './command.ts';

/** Subcommands, loaded lazily so `anjungan --help` does not load sharp, mqtt or PC/SC. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'run the kiosk daemon (default)', load: async () => (await import('./run.ts')).default },
  residents: {
    summary: 'import residents (CSV or OpenSID export), list or show them',
    load: async () => (await import('./residents.ts')).default,
  },
  provision: {
    summary: "write this kiosk's config and create its keys",
    load: async () => (await import('./provision.ts')).default,
  },
  cards: { summary: 'bind e-KTP cards to residents (enroll by tap, bind, unbind, list)', load: async () => (await import('./cards.ts')).default },
};
