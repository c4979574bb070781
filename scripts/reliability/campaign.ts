/**
 * What every reliability campaign gives `run.ts`: its figures for the results file and rows for
 * the printed table. Campaigns are registered in `campaigns.ts`, one line each.
 */
export interface CampaignOptions {
  seed: number;
  /** Wall-clock budget for this campaign; it stops there and reports how far it got. */
  budgetMs: number;
  /** `--runs`: the size override (inputs, kills, days…), where the campaign has one. */
  runs?: number;
}

export interface CampaignRow {
  campaign: string;
  target: string;
  /** How many cases ran (inputs, kills, byte offsets, days, messages…). */
  inputs: number;
  /** Invariant violations: anything above 0 fails the run. */
  failures: number;
  seconds: number;
  note: string;
}

export interface CampaignResult {
  /** Written under `campaigns.<name>` in docs/reliability-results.json. */
  figures: Record<string, unknown>;
  rows: CampaignRow[];
}

export interface Campaign {
  name: string;
  run(opts: CampaignOptions): Promise<CampaignResult>;
}
