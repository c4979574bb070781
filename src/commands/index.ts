import type { Command } from './command.ts';

/** Subcommands, loaded lazily so `anjungan --help` does not load sharp, mqtt or PC/SC. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'run the kiosk daemon (default)', load: async () => (await import('./run.ts')).default },
  residents: {
    summary: 'import residents (CSV or OpenSID export), list or show them',
    load: async () => (await import('./residents.ts')).default,
  },
  config: {
    summary: "show the effective config and the district's remote settings layer",
    load: async () => (await import('./config.ts')).default,
  },
  provision: {
    summary: "write this kiosk's config and create its keys",
    load: async () => (await import('./provision.ts')).default,
  },
  cards: {
    summary: 'bind e-KTP cards to residents (enroll by tap, bind, unbind, list)',
    load: async () => (await import('./cards.ts')).default,
  },
  letters: {
    summary: 'the letter register: list, show, export a month as CSV, revoke, pdf',
    load: async () => (await import('./letters.ts')).default,
  },
  ratings: {
    summary: "residents' ratings after their letters, per day and month (CSV)",
    load: async () => (await import('./ratings.ts')).default,
  },
  touch: {
    summary: 'touch panel: calibrate (crosshairs in the corners → hardware.touch axis settings)',
    load: async () => (await import('./touch.ts')).default,
  },
  'print-test': {
    summary: "print a test page with the printer's status",
    load: async () => (await import('./print-test.ts')).default,
  },
  verify: {
    summary: "check a letter's QR code offline against the village's public key",
    load: async () => (await import('./verify.ts')).default,
  },
  keys: {
    summary: "print this kiosk's public key record for the district's verification key list",
    load: async () => (await import('./keys.ts')).default,
  },
  district: {
    summary: "the district's tools: the verification page's signed key list and site",
    load: async () => (await import('./district.ts')).default,
  },
  update: {
    summary: 'install a signed release (USB stick), check one, status, rollback',
    load: async () => (await import('./update.ts')).default,
  },
  release: {
    summary: "make the release signing key pair ('release keygen')",
    load: async () => (await import('./release.ts')).default,
  },
  selftest: {
    summary: 'check each configured device: PASS / FAIL with the remedy',
    load: async () => (await import('./selftest.ts')).default,
  },
  monitor: {
    summary: 'district fleet view over MQTT: every kiosk online/offline, state, paper, letters today',
    load: async () => (await import('./monitor.ts')).default,
  },
  command: {
    summary: "send a signed command to a kiosk over MQTT ('command keygen' makes the district key)",
    load: async () => (await import('./send-command.ts')).default,
  },
  resume: {
    summary: "lift the district's out-of-service on site, without the network (root)",
    load: async () => (await import('./resume.ts')).default,
  },
  dashboard: {
    summary:
      "the district's web dashboard: fleet table, alerts, history, figures ('dashboard user' for accounts)",
    load: async () => (await import('./dashboard.ts')).default,
  },
};
