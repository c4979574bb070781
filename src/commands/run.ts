import { parseArgs } from 'node:util';
import { KioskError } from '../errors.ts';
import { startDaemon } from '../main.ts';
import { splitWebFlag, type WebOptions, webOptions } from '../web/web-options.ts';
import type { Command } from './command.ts';

/** How long a start-up interrupted by SIGTERM may take to notice before the process just exits. */
const STARTUP_SIGNAL_GRACE_MS = 10_000;
/** Time for the error to reach the journal before a failed start's leftovers are cut off. */
const EXIT_AFTER_FAILED_START_MS = 500;

const run: Command = {
  name: 'run',
  summary: 'run the kiosk daemon (default)',
  help: `Usage: anjungan run [--config FILE | --sim] [--web [PORT]] [--web-host HOST]

Runs the kiosk: card reader, buttons, display, printer and district reporting.

Options:
  --config FILE   config file (default /etc/anjungan/config.json, or $ANJUNGAN_CONFIG)
  --sim           simulator mode: the demo village on embedded defaults, whatever config file
                  exists (ANJUNGAN_* variables still apply, e.g. ANJUNGAN_DATA_DIR)
  --web [PORT]    simulator mode only: serve the kiosk in a browser on 127.0.0.1:PORT
                  (default 8080; 0: off); the page's address is printed at start; with --web
                  the end of standard input does not stop the kiosk
  --web-host HOST listen on HOST instead of loopback (e.g. 0.0.0.0 to show it on a LAN)

With no config file the kiosk runs the demo village in simulator mode (data under ./var).
Whenever a port is simulated, commands are read from standard input; type 'help'. In simulator
mode the end of standard input stops the kiosk as 'quit' does, so a piped script ends the run:
  printf 'tap 04A1B2C3D4E5F6\npress ok\n' | anjungan run --sim
Stops cleanly on SIGTERM / SIGINT (a letter being printed is finished or marked).`,
  async run(argv, io) {
    let values: { config?: string | undefined; sim?: boolean | undefined; 'web-host'?: string | undefined };
    let web: WebOptions | null;
    try {
      const split = splitWebFlag(argv);
      ({ values } = parseArgs({
        args: split.rest,
        options: {
          config: { type: 'string', short: 'c' },
          sim: { type: 'boolean' },
          'web-host': { type: 'string' },
        },
        strict: true,
      }));
      web = webOptions(split.port, values['web-host']);
    } catch (err) {
      throw new KioskError('usage', `${(err as Error).message} (see anjungan run --help)`);
    }
    if (values.sim && values.config !== undefined)
      throw new KioskError(
        'usage',
        '--sim runs the demo village without a config file: give --sim or --config FILE, not both',
      );
    const { createNotifier } = await import('../systemd/sd-notify.ts');
    const notifier = createNotifier(io.env);
    let quit: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      quit = resolve;
    });
    let started = false;
    let startupDeadline: NodeJS.Timeout | undefined;
    // Listen before starting: a SIGTERM during start-up must still end in a clean stop. If the
    // start itself hangs (a device that never answers), the signal still ends the process.
    const onSignal = () => {
      quit();
      if (!started && !startupDeadline)
        startupDeadline = setTimeout(() => process.exit(1), STARTUP_SIGNAL_GRACE_MS).unref();
    };
    // `on`, not `once`: a second SIGTERM while stopping must not kill the process mid-stop.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    let daemon: Awaited<ReturnType<typeof startDaemon>>;
    try {
      daemon = await startDaemon({
        configPath: values.config,
        forceSimulator: values.sim === true,
        env: io.env,
        stdin: io.stdin,
        stdout: io.stdout,
        onQuit: () => quit(),
        web,
        // CONTRACTS: the end of standard input stops the simulator only when --web is off.
        ...(web ? { stopAtEndOfInput: false } : {}),
      });
    } catch (err) {
      // A failed start leaves no daemon to stop: the handlers would only swallow SIGTERM, and what
      // the half-started kiosk opened (devices, timers) must not keep the process alive.
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      setTimeout(() => process.exit(1), EXIT_AFTER_FAILED_START_MS).unref();
      throw err;
    }
    started = true;
    // Started after all: the clean stop below takes over (it may need longer, to finish a letter).
    clearTimeout(startupDeadline);
    notifier.ready();
    notifier.startWatchdog(() => daemon.healthy());
    await finished;
    notifier.stopping();
    await daemon.stop();
    notifier.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    // Native handles (PC/SC, GPIO) can keep the loop alive after a clean stop: exit explicitly.
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
    return 0;
  },
};

export default run;
