/**
 * `anjungan ratings --month YYYY-MM`: the residents' ratings after their letters (flow.rating)
 * counted per day and for the month, as CSV for the village's satisfaction report (Indeks
 * Kepuasan Masyarakat). No resident is named: the kiosk never kept who answered.
 */
import { writeFileSync } from 'node:fs';
import { RatingsLog } from '../store/ratings.ts';
import type { Command } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, openContext, parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan ratings --month YYYY-MM [--out FILE] [--config FILE]

The answers residents gave to "Bagaimana layanan anjungan hari ini?" after their letters
(flow.rating), counted per day and for the whole month: CSV with the columns
tanggal, puas, cukup, kurang, jumlah (standard output unless --out).

Options:
  --month YYYY-MM   the month to count
  --out FILE        write the CSV to FILE (UTF-8 with BOM, opens in spreadsheet programs)
${CONFIG_HELP}`;

const ratings: Command = {
  name: 'ratings',
  summary: "residents' ratings after their letters, per day and month (CSV)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...CONFIG_OPTION, month: { type: 'string' }, out: { type: 'string' } },
      'ratings',
    );
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`, 'ratings');
    const month = values.month;
    if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw usageError('--month YYYY-MM is needed', 'ratings');
    const ctx = openContext(io, values.config);
    const log = await RatingsLog.open(ctx.config.data_dir, ctx.logger, { readOnly: true });
    try {
      const { days, total } = log.month(month);
      const row = (label: string, c: { puas: number; cukup: number; kurang: number }) =>
        `${label},${c.puas},${c.cukup},${c.kurang},${c.puas + c.cukup + c.kurang}`;
      const lines = [
        'tanggal,puas,cukup,kurang,jumlah',
        ...days.map(([d, c]) => row(d, c)),
        row(month, total),
      ];
      const csv = `${lines.join('\r\n')}\r\n`;
      if (values.out) {
        writeFileSync(values.out, `\uFEFF${csv}`);
        io.stdout.write(
          `${days.length} days, ${total.puas + total.cukup + total.kurang} ratings written to ${values.out}\n`,
        );
      } else io.stdout.write(csv);
      return 0;
    } finally {
      await log.close();
    }
  },
};

export default ratings;
