/** What the crash campaign counts, shared by its lanes. */

export const SCENARIOS = ['print', 'stop', 'import', 'bind', 'drain'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface CrashCounts {
  /** SIGKILLs that hit a live process (the kiosk, or the CLI beside it). */
  kills: number;
  /** Kill moments that came after the process had already ended by itself (not counted as kills). */
  exited_before_kill: number;
  cycles: Record<Scenario, number>;
  /** Milliseconds from spawn to the idle screen, per start. */
  startup_ms: number[];
  /** Starts that ended or hung before the idle screen, retried (with how they ended). */
  failed_starts: string[];
  letters_done: number;
  /** CLI runs (import, bind) that finished before their kill (the rest were cut part-way). */
  cli_completed: { import: number; bind: number };
  printer_jobs: number;
  printer_jobs_without_number: number;
  /** Per lane, at the last check. */
  register_entries: number[];
  interrupted: number[];
  events_queued: number;
  events_lost: number;
  duplicates: number;
  violations: string[];
}

export function emptyCounts(): CrashCounts {
  return {
    kills: 0,
    exited_before_kill: 0,
    cycles: { print: 0, stop: 0, import: 0, bind: 0, drain: 0 },
    startup_ms: [],
    failed_starts: [],
    letters_done: 0,
    cli_completed: { import: 0, bind: 0 },
    printer_jobs: 0,
    printer_jobs_without_number: 0,
    register_entries: [],
    interrupted: [],
    events_queued: 0,
    events_lost: 0,
    duplicates: 0,
    violations: [],
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
