/**
 * The residents' ratings after their letters (flow.rating), kept for the village's own report:
 * `<data_dir>/ratings.jsonl`, append-only and synced like the register, one line per answer with
 * the local day, the answer and the letter type — never who gave it. Counted per day and month for
 * the Indeks Kepuasan Masyarakat (Permen PANRB 14/2017) with `anjungan ratings --month`.
 */
import path from 'node:path';
import { RATING_CHOICES, type RatingChoice } from '../flows/kiosk-state.ts';
import type { Logger } from '../log.ts';
import { AppendLog } from './append-log.ts';

export interface RatingRecord {
  /** The kiosk's local day, YYYY-MM-DD. */
  day: string;
  choice: RatingChoice;
  letter_type: string;
}

export type RatingCounts = Record<RatingChoice, number>;

export class RatingsLog {
  private constructor(
    private readonly log: AppendLog,
    private readonly records: RatingRecord[],
  ) {}

  static file(dataDir: string): string {
    return path.join(dataDir, 'ratings.jsonl');
  }

  /** Opens (creating it when absent); `readOnly` for a CLI reading while the kiosk runs. */
  static async open(dataDir: string, logger: Logger, opts: { readOnly?: boolean } = {}): Promise<RatingsLog> {
    const records: RatingRecord[] = [];
    const log = await AppendLog.open(RatingsLog.file(dataDir), {
      logger,
      readOnly: opts.readOnly,
      corruptCode: 'data_corrupt',
      repairHint: 'the ratings file is only a tally: move it aside and the kiosk starts a new one',
      onRecord: (r) => {
        const rec = r as Partial<RatingRecord>;
        if (typeof rec.day !== 'string' || !RATING_CHOICES.includes(rec.choice as RatingChoice))
          throw new Error('not a rating');
        records.push(rec as RatingRecord);
      },
    });
    return new RatingsLog(log, records);
  }

  async append(record: RatingRecord): Promise<void> {
    await this.log.append(record);
    this.records.push(record);
  }

  /** Counts per day of a month (YYYY-MM), days in order, and the month's total. */
  month(month: string): { days: [string, RatingCounts][]; total: RatingCounts } {
    const zero = (): RatingCounts => ({ puas: 0, cukup: 0, kurang: 0 });
    const days = new Map<string, RatingCounts>();
    const total = zero();
    for (const r of this.records) {
      if (!r.day.startsWith(`${month}-`)) continue;
      const day = days.get(r.day) ?? zero();
      day[r.choice]++;
      total[r.choice]++;
      days.set(r.day, day);
    }
    return { days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)), total };
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
