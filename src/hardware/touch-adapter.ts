/** Chooses the touch adapter from `hardware.touch.driver`, sized to the display's logical canvas. */
import type { Config } from '../config/config.ts';
import { logicalSize } from '../display/renderer.ts';
import type { Logger } from '../log.ts';
import { panelDpi } from './panel-metrics.ts';
import { SimTouch } from './touch.sim.ts';
import type { Touch } from './touch.ts';

/** The display's logical canvas (portrait puts the short side horizontal), as the renderer draws it. */
export function logicalCanvas(display: Config['hardware']['display']): { width: number; height: number } {
  return logicalSize(display.width, display.height, display.orientation);
}

export async function createTouch(
  config: Config,
  logger: Logger,
): Promise<{ port: Touch; sim?: SimTouch } | null> {
  const { touch, display } = config.hardware;
  const canvas = logicalCanvas(display);
  if (touch.driver === 'none') return null;
  if (touch.driver === 'sim') {
    const sim = new SimTouch(canvas.width, canvas.height);
    return { port: sim, sim };
  }
  const { EvdevTouch } = await import('./touch.evdev.ts');
  const dpi = panelDpi(display.width, display.height, display.dpi);
  return { port: new EvdevTouch(touch, logger, { ...canvas, dpi }) };
}
