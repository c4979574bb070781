/**
 * `anjungan touch calibrate`: crosshairs on the kiosk's own display, the technician touches
 * each, and the panel's axis ranges, rotation and mirroring are computed
 * (hardware/touch-calibration.ts) and written to the config (or printed).
 */
import { chmodSync, chownSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { logicalSize } from '../display/renderer.ts';
import type { ScreenModel } from '../display/screen-model.ts';
import { CALIBRATE } from '../display/text-id.ts';
import { KioskError } from '../errors.ts';
import { SimDisplay } from '../hardware/display.sim.ts';
import type { Display } from '../hardware/display.ts';
import { panelDpi } from '../hardware/panel-metrics.ts';
import type { TouchPoint } from '../hardware/touch.ts';
import { calibrationTargets, solveCalibration, type TouchAxes } from '../hardware/touch-calibration.ts';
import type { Logger } from '../log.ts';
import type { Command } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, openContext, parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan touch calibrate [--corners 4|2] [--write] [--timeout S] [--config FILE]

Shows a crosshair in each corner of the kiosk's display, one after the other; touch the middle
of each. The touch panel's axis ranges, whether its axes are swapped against the display's (a
panel mounted rotated) and whether they are mirrored are then printed as the config's
hardware.touch keys, or written to the config file with --write. Stop the kiosk first
(sudo systemctl stop anjungan): the display and the panel have one user at a time.

Options:
  --corners N     4 (default: also finds a rotated panel) or 2 (a diagonal: unrotated panels)
  --write         write the result into the config file (min_x, max_x, min_y, max_y,
                  swap_xy, invert_x, invert_y under hardware.touch)
  --timeout S     give up when a crosshair is not touched within S seconds (default 60)
${CONFIG_HELP}

Exit codes: 0 calibrated, 1 no touch panel or no touch in time, 2 wrong usage.`;

const touch: Command = {
  name: 'touch',
  summary: 'touch panel: calibrate (crosshairs in the corners → hardware.touch axis settings)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...CONFIG_OPTION,
        corners: { type: 'string' },
        write: { type: 'boolean' },
        timeout: { type: 'string' },
      },
      'touch',
    );
    if (positionals[0] !== 'calibrate' || positionals.length > 1)
      throw usageError('the subcommand is: touch calibrate', 'touch');
    const corners = Number(values.corners ?? 4);
    if (corners !== 2 && corners !== 4) throw usageError('--corners takes 4 or 2', 'touch');
    const timeoutS = Number(values.timeout ?? 60);
    if (!(timeoutS > 0)) throw usageError('--timeout takes a number of seconds', 'touch');
    const ctx = openContext(io, values.config);
    const { config } = ctx;
    if (config.hardware.touch.driver !== 'evdev')
      throw new KioskError(
        'config_invalid',
        'hardware.touch.driver is not "evdev": there is no touch panel to calibrate',
      );
    if (values.write && !ctx.source) throw usageError('--write needs a config file (--config FILE)', 'touch');

    const { width, height } = logicalSize(
      config.hardware.display.width,
      config.hardware.display.height,
      config.hardware.display.orientation,
    );
    const display = await openDisplay(config, ctx.logger, io.stdout);
    const { EvdevTouch } = await import('../hardware/touch.evdev.ts');
    const dpi = panelDpi(
      config.hardware.display.width,
      config.hardware.display.height,
      config.hardware.display.dpi,
    );
    const panel = new EvdevTouch(config.hardware.touch, ctx.logger, { width, height, dpi, raw: true });
    const taps: TouchPoint[] = [];
    let waiting: ((p: TouchPoint) => void) | null = null;
    panel.on('tap', (p) => {
      if (waiting) waiting(p);
      else taps.push(p);
    });
    /** The next tap (one made before it was asked for counts too), or null after `ms`. */
    const nextTap = (ms: number) =>
      new Promise<TouchPoint | null>((resolve) => {
        const early = taps.shift();
        if (early) return resolve(early);
        const timer = setTimeout(() => {
          waiting = null;
          resolve(null);
        }, ms);
        waiting = (p) => {
          clearTimeout(timer);
          waiting = null;
          resolve(p);
        };
      });
    try {
      await display.start();
      await panel.start();
      const targets = calibrationTargets(width, height, corners);
      const raws: TouchPoint[] = [];
      for (const [i, target] of targets.entries()) {
        await display.show(crosshairModel(target, i + 1, targets.length));
        io.stdout.write(
          `touch calibrate: touch the crosshair ${i + 1} of ${targets.length} at (${target.x}, ${target.y})\n`,
        );
        const raw = await nextTap(timeoutS * 1000);
        if (!raw)
          throw new KioskError('usage', `no touch within ${timeoutS} s: is ${panel.describe()} connected?`);
        raws.push(raw);
      }
      const axes = solveCalibration(targets, raws, width, height);
      io.stdout.write(`${JSON.stringify({ hardware: { touch: axes } }, null, 2)}\n`);
      if (values.write && ctx.source) {
        writeTouchAxes(ctx.source, axes);
        io.stdout.write(`written to ${ctx.source}: restart the kiosk (sudo systemctl restart anjungan)\n`);
      }
      return 0;
    } finally {
      await panel.stop();
      await display.stop();
    }
  },
};

function crosshairModel(at: TouchPoint, n: number, of: number): ScreenModel {
  return {
    id: 'touch_calibrate',
    tone: 'normal',
    title: CALIBRATE.title,
    lines: [CALIBRATE.step(n, of)],
    hints: {},
    status: { village: '', printer: '', printer_ok: true, network: '', network_ok: true, time: '' },
    crosshair: at,
  };
}

async function openDisplay(config: Config, logger: Logger, out: NodeJS.WritableStream): Promise<Display> {
  const hw = config.hardware.display;
  if (hw.driver === 'framebuffer') {
    return (await import('../hardware/display.framebuffer.ts')).createFramebufferDisplay(hw, logger);
  }
  return new SimDisplay({
    out,
    pngPath: join(config.data_dir, 'sim', 'calibrate.png'),
    width: hw.width,
    height: hw.height,
    orientation: hw.orientation,
    logger,
  });
}

/** Sets hardware.touch's axis keys in the config file, keeping everything else, its mode and owner. */
function writeTouchAxes(file: string, axes: TouchAxes): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  json.hardware ??= {};
  json.hardware.touch = { ...(json.hardware.touch ?? {}), ...axes };
  const st = statSync(file);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`);
  chmodSync(tmp, st.mode & 0o777);
  if (process.getuid?.() === 0) chownSync(tmp, st.uid, st.gid);
  renameSync(tmp, file);
}

export default touch;
