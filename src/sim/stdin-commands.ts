/**
 * Line commands that drive the simulated ports from a terminal or a script:
 *
 *   tap <UID hex>      a card is tapped          pull <UID hex>   card pulled mid-read
 *   remove             the card leaves           reader <plug|unplug>
 *   press <up|down|ok|back>   hold back          printer <ready|paper-near-end|paper-out|cover-open|offline>
 *   paper <lines>      load a roll with N lines  cards            list the demo cards
 *   help               this list                 quit             stop the daemon
 *
 * Each command answers one line starting with `sim:` on the daemon's stdout (screens are
 * printed there too), so scripts can wait for it.
 */
import { createInterface } from 'node:readline';
import { errorMessage } from '../errors.ts';
import { BUTTON_NAMES, type ButtonName } from '../hardware/buttons.ts';
import type { Adapters } from '../hardware/create-adapters.ts';
import type { SimPrinterState } from '../hardware/printer.sim.ts';
import { parseHexUid } from '../import/card-uid.ts';
import { TOUCH_COMMAND } from './touch-command.ts';

export const SIM_HELP = [
  'tap <UID hex>                 tap a card (e.g. tap 04A1B2C3)',
  'pull <UID hex>                tap a card and pull it away mid-read',
  'remove                        take the card away',
  'press <up|down|ok|back>       press a button',
  'hold back                     long press of back (technician menu)',
  'printer <ready|paper-near-end|paper-out|cover-open|offline>',
  'paper <lines>                 load a new roll with that many lines',
  'reader <plug|unplug>          plug or unplug the card reader',
  `${TOUCH_COMMAND.usage.padEnd(30)}${TOUCH_COMMAND.summary}`,
  'cards                         list the demo cards',
  'quit                          stop the kiosk',
];

const PRINTER_STATES: readonly SimPrinterState[] = [
  'ready',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'offline',
];

export interface SimCommandContext {
  sim: Adapters['sim'];
  /** Lines describing the demo cards, for `cards`. */
  cards: () => string[];
  quit: () => void;
}

/** Executes one command line; returns the answer (starting with `sim:`). Never throws. */
export function runSimCommand(line: string, ctx: SimCommandContext): string {
  const [cmd = '', arg = '', ...extra] = line.trim().split(/\s+/);
  const { sim } = ctx;
  const unavailable = (port: string) => `sim: error: the ${port} is not simulated in this configuration`;
  switch (cmd.toLowerCase()) {
    case '':
      return '';
    case 'help':
      return `sim: commands:\n${SIM_HELP.map((l) => `sim:   ${l}`).join('\n')}`;
    case 'tap':
    case 'pull': {
      if (!sim.reader) return unavailable('card reader');
      let uid: Buffer;
      try {
        uid = parseHexUid(arg);
      } catch (err) {
        return `sim: error: ${errorMessage(err)}`;
      }
      if (cmd === 'tap') sim.reader.tap(uid);
      else sim.reader.pullMidRead(uid);
      return `sim: ${cmd === 'tap' ? 'tapped' : 'pulled'} ${uid.toString('hex').toUpperCase()}`;
    }
    case 'remove':
      if (!sim.reader) return unavailable('card reader');
      sim.reader.remove();
      return 'sim: card removed';
    case 'reader':
      if (!sim.reader) return unavailable('card reader');
      if (arg === 'unplug') sim.reader.unplug();
      else if (arg === 'plug') sim.reader.plug();
      else return 'sim: error: use reader plug | reader unplug';
      return `sim: reader ${arg}ged`;
    case 'press':
    case 'hold': {
      if (!sim.buttons) return unavailable('buttons');
      const button = arg.toLowerCase() as ButtonName;
      if (!BUTTON_NAMES.includes(button)) return `sim: error: unknown button '${arg}' (up, down, ok, back)`;
      if (cmd === 'press') sim.buttons.press(button);
      else sim.buttons.longPress(button);
      return `sim: ${cmd === 'press' ? 'pressed' : 'held'} ${button}`;
    }
    case 'printer': {
      if (!sim.printer) return unavailable('printer');
      const state = arg.toLowerCase() as SimPrinterState;
      if (!PRINTER_STATES.includes(state))
        return `sim: error: printer state must be one of ${PRINTER_STATES.join(', ')}`;
      sim.printer.setState(state);
      return `sim: printer ${state}`;
    }
    case 'paper': {
      if (!sim.printer) return unavailable('printer');
      const lines = arg ? Number(arg) : undefined;
      if (lines !== undefined && !(Number.isInteger(lines) && lines > 0))
        return 'sim: error: paper <lines> takes a positive whole number';
      sim.printer.loadPaper(lines);
      return `sim: paper loaded${lines ? ` (${lines} lines)` : ''}`;
    }
    case 'touch':
      return `sim: ${TOUCH_COMMAND.run([arg, ...extra], ctx)}`;
    case 'cards':
      return ctx
        .cards()
        .map((l) => `sim: ${l}`)
        .join('\n');
    case 'quit':
    case 'exit':
      ctx.quit();
      return 'sim: stopping';
    default:
      return `sim: error: unknown command '${[cmd, arg, ...extra].join(' ').trim()}' (try: help)`;
  }
}

/** Reads commands from a stream line by line until it ends; returns a closer. */
export function attachSimCommands(
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
  ctx: SimCommandContext,
) {
  const rl = createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const answer = runSimCommand(line, ctx);
    if (answer) out.write(`${answer}\n`);
  });
  return () => rl.close();
}
