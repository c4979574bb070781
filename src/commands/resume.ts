/**
 * `anjungan resume`: a technician on site lifts the out-of-service the district set over MQTT
 * (`out_of_service on`), without the network. Root only (it overrides the district), logged, and
 * reported to the district (`resumed_on_site`) once the kiosk is online.
 */
import { createLogger } from '../log.ts';
import { liftRemoteHoldOnSite } from '../store/remote-hold.ts';
import { isRoot } from '../systemd/service-user.ts';
import type { Command } from './command.ts';
import {
  CONFIG_HELP,
  CONFIG_OPTION,
  openContext,
  parseCommandArgs,
  settleOwnership,
  usageError,
} from './context.ts';

const HELP = `Usage: sudo anjungan resume [--config FILE]

Lifts the out-of-service the district set with 'anjungan command … out_of_service on' (the
reason on the kiosk's screen), for when the kiosk has been checked on site and the district
cannot be reached. That out-of-service is kept across restarts until the district lifts it
('out_of_service off') or a technician runs this. The running kiosk serves again within a
second; the lift is written to the log and reported to the district as the event
'resumed_on_site' when the kiosk is online. Other reasons (paper out, no reader, clock) clear
by themselves when the device is fixed.

Options:
${CONFIG_HELP}

Exit codes: 0 lifted (or nothing to lift), 1 not root or the data cannot be written, 2 wrong usage.`;

const resume: Command = {
  name: 'resume',
  summary: "lift the district's out-of-service on site, without the network (root)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...CONFIG_OPTION }, 'resume');
    if (positionals.length > 0) throw usageError('resume takes no arguments', 'resume');
    if (!isRoot()) {
      io.stderr.write('anjungan resume overrides the district: run it as root (sudo anjungan resume)\n');
      return 1;
    }
    const ctx = openContext(io, values.config);
    const reason = await liftRemoteHoldOnSite(ctx.config.data_dir, ctx.logger, new Date());
    if (reason === null) {
      io.stdout.write('the district has not put this kiosk out of service: nothing to lift\n');
      return 0;
    }
    settleOwnership(ctx);
    // Logged at warn whatever the terminal's level: overriding the district is worth a line in the journal.
    createLogger('info', io.stderr).warn(
      { reason, by_uid: process.getuid?.(), sudo_user: io.env.SUDO_USER ?? null },
      'remote out-of-service lifted on site',
    );
    io.stdout.write(
      `lifted the district's out-of-service ("${reason}")\n` +
        'the running kiosk serves again within a second; the district is told when the kiosk is online\n',
    );
    return 0;
  },
};

export default resume;
