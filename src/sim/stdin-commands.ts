/**
 * Line commands that drive the simulated ports from a terminal or a script (`help` lists them).
 * Each command answers one line starting with `sim:` on the daemon's stdout, saying what
 * actually happened; the screen frames it caused follow the answer (see sim-output.ts).
 *
 * Command words and arguments are case-insensitive (`TAP 04A1…`, `READER UNPLUG`). A command
 * with missing, extra or malformed arguments is refused with its usage line and does nothing.
 * Add a command by adding a row to COMMANDS.
 */
import { BUTTON_NAMES, type ButtonName } from '../hardware/buttons.ts';
import { isRandomUid } from '../hardware/card-reader.ts';
import type { Adapters } from '../hardware/create-adapters.ts';
import type { SimPrinterState } from '../hardware/printer.sim.ts';
import { parseHexUid, uidHex } from '../import/card-uid.ts';
import { quoteInput } from '../quote-input.ts';
import { MAX_LINE_BYTES, readBoundedLines } from './input-lines.ts';
import type { SimOutput } from './sim-output.ts';
import { TOUCH_COMMAND } from './touch-command.ts';

export interface SimCommandContext {
  sim: Adapters['sim'];
  /** Lines describing the demo cards, for `cards`. */
  cards: () => string[];
  quit: () => void;
}

export interface SimCommand {
  /** The usage line, shown by `help` and with every refusal. */
  usage: string;
  summary: string;
  /** How many arguments it takes. */
  args: { min: number; max: number };
  /** Runs it with lower-cased arguments; returns the answer without the `sim: ` prefix. */
  run(args: string[], ctx: SimCommandContext): string;
}

const PRINTER_STATES: readonly SimPrinterState[] = [
  'ready',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'offline',
];

/** The most lines `paper` loads: far more than any real roll, far less than a runaway number. */
export const MAX_PAPER_LINES = 1_000_000;

/** A refusal: the command did nothing. `usage`: the arguments were wrong (show the usage line). */
class Refused extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
  }
}

/** The state of the simulated kiosk does not allow the command now. */
const refuse = (message: string): never => {
  throw new Refused(message, false);
};

/** A malformed argument. */
const refuseArgument = (message: string): never => {
  throw new Refused(message, true);
};

function simulated<K extends keyof Adapters['sim']>(ctx: SimCommandContext, port: K, name: string) {
  return ctx.sim[port] ?? refuse(`the ${name} is not simulated in this configuration`);
}

function usableReader(ctx: SimCommandContext, what: string) {
  const reader = simulated(ctx, 'reader', 'card reader');
  if (!reader.present) refuse(`${what} ignored: the card reader is unplugged (reader plug)`);
  if (!reader.started) refuse(`${what} ignored: the card reader is not started yet`);
  return reader;
}

/** A UID may be written with spaces between its bytes: the arguments are joined. */
function uidArgument(args: string[]): Buffer {
  const text = args.join(' ');
  try {
    return parseHexUid(text);
  } catch {
    return refuseArgument(
      `card UID ${quoteInput(text)} must be 4, 7 or 10 bytes in hex (8, 14 or 20 hex digits, e.g. 04A1B2C3D4E5F6)`,
    );
  }
}

function buttonArgument(arg: string | undefined): ButtonName {
  const button = arg as ButtonName;
  if (!BUTTON_NAMES.includes(button))
    refuseArgument(`unknown button ${quoteInput(arg ?? '')} (up, down, ok, back)`);
  return button;
}

function pressCommand(long: boolean): SimCommand['run'] {
  return ([arg], ctx) => {
    const buttons = simulated(ctx, 'buttons', 'buttons');
    const button = buttonArgument(arg);
    if (!buttons.started) refuse(`${button} ignored: the buttons are not started yet`);
    if (long) buttons.longPress(button);
    else buttons.press(button);
    return `${long ? 'held' : 'pressed'} ${button}`;
  };
}

function printerLine(ctx: SimCommandContext): string {
  const printer = simulated(ctx, 'printer', 'printer');
  return `printer ${printer.state} (${printer.rollLines} lines of paper left)`;
}

export const COMMANDS: Record<string, SimCommand> = {
  tap: {
    usage: 'tap <UID hex>',
    summary: 'tap a card (e.g. tap 04A1B2C3)',
    args: { min: 1, max: 10 },
    run(args, ctx) {
      const uid = uidArgument(args);
      const reader = usableReader(ctx, 'tap');
      const previous = reader.cardInField;
      reader.tap(uid);
      const note = previous ? ` (card ${uidHex(previous)} taken away first)` : '';
      const random = isRandomUid(uid) ? ': a random UID, the reader reports a read error' : '';
      return `tapped ${uidHex(uid)}${note}${random}`;
    },
  },
  pull: {
    usage: 'pull <UID hex>',
    summary: 'tap a card and pull it away mid-read',
    args: { min: 1, max: 10 },
    run(args, ctx) {
      const uid = uidArgument(args);
      const reader = usableReader(ctx, 'pull');
      const previous = reader.cardInField;
      reader.pullMidRead(uid);
      return `pulled ${uidHex(uid)} mid-read${previous ? ` (card ${uidHex(previous)} taken away first)` : ''}`;
    },
  },
  remove: {
    usage: 'remove',
    summary: 'take the card away',
    args: { min: 0, max: 0 },
    run(_args, ctx) {
      const reader = simulated(ctx, 'reader', 'card reader');
      const card = reader.cardInField;
      if (!card) return 'nothing removed: no card on the reader';
      reader.remove();
      return `card ${uidHex(card)} removed`;
    },
  },
  press: {
    usage: 'press <up|down|ok|back>',
    summary: 'press a button',
    args: { min: 1, max: 1 },
    run: pressCommand(false),
  },
  hold: {
    usage: 'hold <up|down|ok|back>',
    summary: 'long press (hold back: technician menu)',
    args: { min: 1, max: 1 },
    run: pressCommand(true),
  },
  printer: {
    usage: `printer <${PRINTER_STATES.join('|')}>`,
    summary: 'set the printer state',
    args: { min: 1, max: 1 },
    run([arg], ctx) {
      const printer = simulated(ctx, 'printer', 'printer');
      const state = arg as SimPrinterState;
      if (!PRINTER_STATES.includes(state))
        refuseArgument(`printer state ${quoteInput(arg ?? '')} must be one of ${PRINTER_STATES.join(', ')}`);
      printer.setState(state);
      return printerLine(ctx);
    },
  },
  paper: {
    usage: 'paper [lines]',
    summary: 'load a new roll (default: as long as the first one)',
    args: { min: 0, max: 1 },
    run([arg], ctx) {
      const printer = simulated(ctx, 'printer', 'printer');
      // Digits only: Number() would take '1e3', '0x10' and ' 5 '.
      const lines = arg === undefined ? undefined : /^\d{1,7}$/.test(arg) ? Number(arg) : Number.NaN;
      if (lines !== undefined && !(lines >= 1 && lines <= MAX_PAPER_LINES))
        refuseArgument(
          `paper takes a whole number of lines from 1 to ${MAX_PAPER_LINES}, not ${quoteInput(arg ?? '')}`,
        );
      printer.loadPaper(lines);
      return `paper loaded: ${printerLine(ctx)}`;
    },
  },
  reader: {
    usage: 'reader <plug|unplug>',
    summary: 'plug or unplug the card reader',
    args: { min: 1, max: 1 },
    run([arg], ctx) {
      const reader = simulated(ctx, 'reader', 'card reader');
      if (arg !== 'plug' && arg !== 'unplug')
        refuseArgument(`unknown reader action ${quoteInput(arg ?? '')}`);
      const plug = arg === 'plug';
      if (reader.present === plug) return `reader already ${plug ? 'plugged in' : 'unplugged'}`;
      if (plug) reader.plug();
      else reader.unplug();
      return `reader ${plug ? 'plugged in' : 'unplugged'}`;
    },
  },
  touch: TOUCH_COMMAND,
  cards: {
    usage: 'cards',
    summary: 'list the demo cards',
    args: { min: 0, max: 0 },
    run: (_args, ctx) => ctx.cards().join('\nsim: '),
  },
  help: {
    usage: 'help',
    summary: 'this list',
    args: { min: 0, max: 0 },
    run: () => ['commands (upper or lower case):', ...helpLines()].join('\nsim:   '),
  },
  quit: {
    usage: 'quit',
    summary: 'stop the kiosk (a letter being printed is finished first)',
    args: { min: 0, max: 0 },
    run(_args, ctx) {
      ctx.quit();
      return 'stopping';
    },
  },
};

/** Other words for the same command. */
const ALIASES: Record<string, string> = { exit: 'quit' };

function helpLines(): string[] {
  return Object.values(COMMANDS).map((c) => `${c.usage.padEnd(29)} ${c.summary}`);
}

/** The help text as lines, for docs and `--help`. */
export const SIM_HELP = helpLines();

/** Executes one command line; returns the answer (lines starting with `sim:`). Never throws. */
export function runSimCommand(line: string, ctx: SimCommandContext): string {
  const words = line.trim().toLowerCase().split(/\s+/);
  const [word = '', ...args] = words;
  if (word === '') return '';
  const command = COMMANDS[ALIASES[word] ?? word];
  if (!command) return `sim: error: unknown command ${quoteInput(line.trim())} (try: help)`;
  if (args.length < command.args.min || args.length > command.args.max)
    return `sim: error: usage: ${command.usage}`;
  try {
    return `sim: ${command.run(args, ctx)}`;
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    return `sim: error: ${err.message}${err.usage ? `; usage: ${command.usage}` : ''}`;
  }
}

export interface SimCommandOptions {
  /** At the end of the input, stop the kiosk as `quit` does (a piped script ends the run). */
  stopAtEndOfInput: boolean;
}

/** Reads commands from a stream line by line; returns a function that stops reading. */
export function attachSimCommands(
  input: NodeJS.ReadableStream,
  out: SimOutput,
  ctx: SimCommandContext,
  options: SimCommandOptions,
): () => void {
  let quitting = false;
  const quit = () => {
    // Lines after `quit` are not read: the kiosk is stopping.
    quitting = true;
    detach();
    ctx.quit();
  };
  const detach = readBoundedLines(input, {
    line: (text) => {
      if (!quitting) out.answer(() => runSimCommand(text, { ...ctx, quit }));
    },
    tooLong: (prefix) =>
      out.write(
        `sim: error: line longer than ${MAX_LINE_BYTES} bytes ignored (it began ${quoteInput(prefix)}); the rest of it is discarded\n`,
      ),
    end: () => {
      if (quitting || !options.stopAtEndOfInput) return;
      out.write('sim: end of input: finishing what is in progress, then stopping\n');
      quit();
    },
  });
  return detach;
}
