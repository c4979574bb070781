/**
 * `anjungan selftest [--config FILE]`: checks each configured device (and whatever other checks
 * are installed in src/selftest/) and prints PASS / FAIL with a remedy for each.
 */
import type { Command } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, openContext, parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan selftest [--json] [--config FILE]

Checks every configured device the way the kiosk uses it: the card reader (present?), the
printer (DLE EOT status: ready, paper, cover), the buttons and indicator (GPIO claimable), the
display (framebuffer found and writable), plus the other installed checks. Prints one PASS or
FAIL line per check, with what to do for each FAIL. Stop the kiosk first (sudo systemctl stop
anjungan): a USB printer has room for one user only.

Options:
  --json          print the results as JSON
${CONFIG_HELP}

Exit codes: 0 all passed, 1 at least one FAIL, 2 wrong usage.`;

const selftest: Command = {
  name: 'selftest',
  summary: 'check each configured device: PASS / FAIL with the remedy',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...CONFIG_OPTION, json: { type: 'boolean' } },
      'selftest',
    );
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`, 'selftest');
    const ctx = openContext(io, values.config);
    const { formatOutcomes, loadChecks, runChecks } = await import('../selftest/checks.ts');
    const outcomes = await runChecks(
      { config: ctx.config, logger: ctx.logger, simulator: ctx.simulator, env: io.env },
      await loadChecks(),
    );
    io.stdout.write(values.json ? `${JSON.stringify(outcomes, null, 2)}\n` : formatOutcomes(outcomes));
    return outcomes.every((o) => o.ok) ? 0 : 1;
  },
};

export default selftest;
