/**
 * The garbage campaign: every target's property over `runs` generated inputs, with shrinking,
 * from one seed. Stops at the wall-clock budget and says how far it got.
 */
import fc from 'fast-check';
import type { Campaign } from './campaign.ts';
import { pcscProperty } from './garbage-card.ts';
import { commandsProperty } from './garbage-commands.ts';
import { flowProperty } from './garbage-flow.ts';
import { importProperty } from './garbage-import.ts';
import { configProperty, hidProperty, hidRoundTripProperty } from './garbage-inputs.ts';
import { printerStatusProperty } from './garbage-printer.ts';
import { simStdinProperty } from './garbage-sim.ts';

export interface TargetResult {
  runs: number;
  failures: number;
  ms: number;
  /** fast-check's report of the shrunk counterexample, when the property failed. */
  counterexample?: string;
  /** Set when the budget ran out before all runs. */
  stopped_at_budget?: boolean;
}

type AnyProperty = fc.IRawProperty<unknown[]> | fc.IAsyncPropertyWithHooks<unknown[]>;

/** Each target's property (synchronous or asynchronous); new targets are added here. */
export const GARBAGE_TARGETS: Record<string, () => AnyProperty> = {
  flow: flowProperty as () => fc.IRawProperty<unknown[]>,
  hid_bytes: hidProperty as () => fc.IRawProperty<unknown[]>,
  hid_uid_roundtrip: hidRoundTripProperty as () => fc.IRawProperty<unknown[]>,
  config_file: configProperty as () => fc.IRawProperty<unknown[]>,
  mqtt_commands: commandsProperty as () => AnyProperty,
  printer_status: printerStatusProperty as () => AnyProperty,
  pcsc_answers: pcscProperty as () => AnyProperty,
  sim_stdin: simStdinProperty as () => AnyProperty,
  import_rows: importProperty as () => AnyProperty,
};

export async function runGarbage(opts: {
  runs: number;
  seed: number;
  budgetMs: number;
  targets?: string[];
}): Promise<Record<string, TargetResult>> {
  const out: Record<string, TargetResult> = {};
  const deadline = Date.now() + opts.budgetMs;
  for (const name of opts.targets ?? Object.keys(GARBAGE_TARGETS)) {
    const make = GARBAGE_TARGETS[name];
    if (!make) throw new Error(`unknown garbage target ${name}`);
    const started = Date.now();
    const left = deadline - started;
    if (left <= 0) {
      out[name] = { runs: 0, failures: 0, ms: 0, stopped_at_budget: true };
      continue;
    }
    // A synchronous property's check answers at once, an asynchronous one's with a Promise.
    const details = (await fc.check(make() as fc.IRawProperty<unknown[]>, {
      numRuns: opts.runs,
      seed: opts.seed,
      interruptAfterTimeLimit: left,
    })) as fc.RunDetails<unknown[]>;
    const ms = Date.now() - started;
    out[name] = {
      runs: details.numRuns,
      failures: details.failed ? 1 : 0,
      ms,
      ...(details.failed ? { counterexample: fc.defaultReportMessage(details) ?? 'failed' } : {}),
      ...(details.interrupted ? { stopped_at_budget: true } : {}),
    };
  }
  return out;
}

export const garbageCampaign: Campaign = {
  name: 'garbage',
  async run({ seed, budgetMs, runs = 10_000 }) {
    const r = await runGarbage({ runs, seed, budgetMs });
    const rows = Object.entries(r).map(([target, t]) => {
      if (t.counterexample) console.error(`\ngarbage/${target} FAILED:\n${t.counterexample}\n`);
      return {
        campaign: 'garbage',
        target,
        inputs: t.runs,
        failures: t.failures,
        seconds: Math.round(t.ms / 100) / 10,
        note: t.stopped_at_budget ? 'stopped at budget' : (t.counterexample?.split('\n')[1] ?? ''),
      };
    });
    return { figures: { runs_per_target: runs, targets: r }, rows };
  },
};
