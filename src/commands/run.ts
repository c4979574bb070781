import { parseArgs } from 'node:util';
import { KioskError } from '../errors.ts';
import { startDaemon } from '../main.ts';
import { splitWebFlag, type WebOptions, webOptions } from '../web/web-options.ts';
import type { Command } from './command.ts';

const run: Command = {
  name: 'run',
  summary: 'run the kiosk daemon (default)',
  help: `Usage: anjungan run [--config FILE] [--web [PORT]] [--web-host HOST]

Runs the kiosk: card reader, buttons, display, printer and district reporting.

Options:
  --config FILE   config file (default /etc/anjungan/config.json, or $ANJUNGAN_CONFIG)
  --web [PORT]    simulator mode only: serve the kiosk in a browser on 127.0.0.1:PORT
                  (default 8080; 0: off); the page's address is printed at start
  --web-host HOST listen on HOST instead of loopback (e.g. 0.0.0.0 to show it on a LAN)

With no config file the kiosk runs the demo village in simulator mode (data under ./var).
Whenever a port is simulated, commands are read from standard input; type 'help'.
Stops cleanly on SIGTERM / SIGINT (a letter being printed is finished or marked).`,
  async run(argv, io) {
    let values: { config?: string | undefined; 'web-host'?: string | undefined };
    let web: WebOptions | null;
    try {
      const split = splitWebFlag(argv);
      ({ values } = parseArgs({
        args: split.rest,
        options: { config: { type: 'string', short: 'c' }, 'web-host': { type: 'string' } },
        strict: true,
      }));
      web = webOptions(split.port, values['web-host']);
    } catch (err) {
      throw new KioskError('usage', `${(err as Error).message} (see anjungan run --help)`);
    }
    const { createNotifier } = await import('../systemd/sd-notify.ts');
    const notifier = createNotifier(io.env);
    let quit: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      quit = resolve;
    });
    // Listen before starting: a SIGTERM during start-up must still end in a clean stop.
    const onSignal = () => quit();
    // `on`, not `once`: a second SIGTERM while stopping must not kill the process mid-stop.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const daemon = await startDaemon({
      configPath: values.config,
      env: io.env,
      stdin: io.stdin,
      stdout: io.stdout,
      onQuit: () => quit(),
      web,
    });
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
