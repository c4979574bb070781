/**
 * The simulator's `touch <x> <y>` command: a tap on the simulated touch panel at logical pixels
 * (the web page's clicks go the same way). Shaped like one entry of the simulator's command
 * table: usage, summary, argument count, and `run` answering without the `sim: ` prefix.
 */
import { errorMessage } from '../errors.ts';
import type { Adapters } from '../hardware/create-adapters.ts';

export const TOUCH_COMMAND = {
  usage: 'touch <x> <y>',
  summary: 'touch the screen at logical pixels (touch layouts)',
  args: { min: 2, max: 2 },
  run(args: string[], ctx: { sim: Adapters['sim'] }): string {
    const touch = ctx.sim.touch;
    if (!touch) return 'error: the touch panel is not simulated in this configuration';
    const [x, y] = args.map(Number);
    if (args.length !== 2 || !/^\d+$/.test(args[0] ?? '') || !/^\d+$/.test(args[1] ?? ''))
      return 'error: use touch <x> <y> (logical pixels)';
    try {
      touch.tap({ x: x ?? 0, y: y ?? 0 });
    } catch (err) {
      return `error: ${errorMessage(err)} (touch <x> <y>)`;
    }
    return `touched ${x} ${y}`;
  },
};
