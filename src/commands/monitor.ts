/**
 * `anjungan monitor`: the district's fleet view over MQTT. A live table of every kiosk under
 * `anjungan/#` (or one village), or with --json one snapshot for scripts.
 */
import { KioskError } from '../errors.ts';
import { BROKER_HELP, BROKER_OPTIONS, brokerFrom, parseCli } from '../mqtt/cli-options.ts';
import { FleetView, renderFleetTable } from '../mqtt/fleet-view.ts';
import type { Command } from './command.ts';

const monitor: Command = {
  name: 'monitor',
  summary: 'district fleet view: every kiosk online/offline, state, paper, letters today (MQTT)',
  help: `Usage: anjungan monitor [--url URL] [--village CODE] [--json] [--wait S]

Subscribes to anjungan/+/+/{availability,state,telemetry,event/+} on the district broker and
shows every kiosk: village, device, online/offline, state, paper, letters today, outbox depth,
last seen. Retained availability and state give the whole fleet within a second of connecting.

Options:
  --village CODE       only this village (10-digit kode wilayah)
  --json               print one snapshot as JSON (an array of kiosks) and exit
  --wait S             with --json: seconds to collect retained messages first (default 2)
  --interval S         live table refresh period (default 1)

${BROKER_HELP}

Examples:
  anjungan monitor --url mqtts://broker.pesawaran.go.id:8883 --ca ca.pem --username district
  anjungan monitor --village 1809102004 --json | jq '.[] | select(.availability=="offline")'
`,
  async run(argv, io) {
    const { values } = parseCli(
      argv,
      {
        ...BROKER_OPTIONS,
        village: { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'string' },
        interval: { type: 'string' },
      },
      'monitor',
    );
    if (values.village !== undefined && !/^[0-9]{10}$/.test(values.village)) {
      throw new KioskError('usage', `--village must be a 10-digit kode wilayah, not '${values.village}'`);
    }
    const broker = brokerFrom(values, io.env, 4, (m) => io.stderr.write(`warning: ${m}\n`));
    const view = new FleetView({
      url: broker.url,
      village: values.village,
      client: { ...broker.client, protocolVersion: broker.protocolVersion },
    });
    await view.start();
    try {
      if (values.json) {
        await new Promise((r) => setTimeout(r, seconds(values.wait, 2) * 1000));
        io.stdout.write(`${JSON.stringify(view.rows(), null, 2)}\n`);
        return 0;
      }
      const tty = (io.stdout as NodeJS.WriteStream).isTTY === true;
      const draw = () => {
        const table = renderFleetTable(view.rows(), Date.now());
        io.stdout.write(tty ? `\x1b[H\x1b[2J${broker.url}\n\n${table}\n` : `${table}\n\n`);
      };
      await new Promise<void>((resolve) => {
        const timer = setInterval(draw, seconds(values.interval, 1) * 1000);
        draw();
        const stop = () => {
          clearInterval(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    } finally {
      await view.stop();
    }
  },
};

function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new KioskError('usage', `expected a number of seconds, not '${value}'`);
  return n;
}

export default monitor;
