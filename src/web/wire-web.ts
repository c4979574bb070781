/**
 * Wiring of the web simulator into the daemon (a few lines in main.ts): the display is mirrored
 * before the first frame, the server starts once the kiosk is up, and the address is printed.
 * Outside simulator mode the page is refused: it drives the kiosk and shows what the display
 * shows, names included.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { KioskError } from '../errors.ts';
import type { KioskBus } from '../events.ts';
import type { Display } from '../hardware/display.ts';
import { logicalCanvas } from '../hardware/touch-adapter.ts';
import type { Logger } from '../log.ts';
import type { SimCommandContext } from '../sim/stdin-commands.ts';
import { DEMO_CARDS } from '../store/demo-data.ts';
import { WebDisplay } from './web-display.ts';
import type { WebOptions } from './web-options.ts';
import { WebSimulator } from './web-server.ts';

/** The display to draw on: mirrored for the page when the web simulator runs, else unchanged. */
export function mirrorForWeb(
  display: Display,
  web: WebOptions | null | undefined,
  ctx: { simulator: boolean; config: Config; logger: Logger },
): Display | WebDisplay {
  if (!web) return display;
  if (!ctx.simulator) {
    const why = 'the web simulator runs only in simulator mode (it drives the kiosk and shows its screen)';
    if (web.explicit) throw new KioskError('usage', `--web refused: ${why}`);
    ctx.logger.warn(`web page not started: ${why}`);
    return display;
  }
  return new WebDisplay(
    display,
    logicalCanvas(ctx.config.hardware.display),
    ctx.logger.child({ part: 'web' }),
  );
}

export async function startWeb(deps: {
  display: Display;
  web: WebOptions;
  config: Config;
  commands: SimCommandContext;
  bus: KioskBus;
  mqttUrl: () => string | null;
  paperMm: 58 | 80;
  logger: Logger;
  stdout: NodeJS.WritableStream;
}): Promise<WebSimulator | null> {
  if (!(deps.display instanceof WebDisplay)) return null;
  const server = new WebSimulator({
    host: deps.web.host,
    port: deps.web.port,
    display: deps.display,
    commands: deps.commands,
    bus: deps.bus,
    printsDir: join(deps.config.data_dir, 'sim', 'prints'),
    paperMm: deps.paperMm,
    cards: DEMO_CARDS.map((c) => ({ uid: c.uid, note: c.note })),
    mqttUrl: deps.mqttUrl,
    logger: deps.logger.child({ part: 'web' }),
  });
  const url = await server.start();
  deps.logger.info({ url }, 'web simulator listening');
  deps.stdout.write(`sim: web simulator at ${url}\n`);
  return server;
}
