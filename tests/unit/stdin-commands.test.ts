import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimButtons } from '../../src/hardware/buttons.sim.ts';
import { SimCardReader } from '../../src/hardware/card-reader.sim.ts';
import { SimPrinter } from '../../src/hardware/printer.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { quoteInput } from '../../src/quote-input.ts';
import { MAX_LINE_BYTES, readBoundedLines } from '../../src/sim/input-lines.ts';
import { SimOutput } from '../../src/sim/sim-output.ts';
import { attachSimCommands, runSimCommand, type SimCommandContext } from '../../src/sim/stdin-commands.ts';

async function context() {
  const reader = new SimCardReader();
  const buttons = new SimButtons();
  const printer = new SimPrinter({
    dir: mkdtempSync(join(tmpdir(), 'anj-sim-')),
    paperMm: 58,
    nativeQr: false,
    logger: silentLogger(),
  });
  await reader.start();
  await buttons.start();
  let quits = 0;
  const ctx: SimCommandContext = {
    sim: { reader, buttons, printer },
    cards: () => ['demo cards (tap <UID>):', '  04A1B2C3 Budi'],
    quit: () => {
      quits++;
    },
  };
  const seen: string[] = [];
  reader.on('tap', (t) => seen.push(`tap ${t.uid.toString('hex')}`));
  reader.on('read_error', (e) => seen.push(`read_error ${e.code}`));
  reader.on('removed', () => seen.push('removed'));
  buttons.on('press', (b) => seen.push(`press ${b}`));
  buttons.on('long_press', (b) => seen.push(`long_press ${b}`));
  return { ctx, reader, buttons, printer, seen, quits: () => quits };
}

test('tap takes 4-, 7- and 10-byte UIDs in hex, with separators; anything else is an error, not a tap', async () => {
  const { ctx, seen } = await context();
  assert.is(runSimCommand('tap 04a1b2c3', ctx), 'sim: tapped 04A1B2C3');
  runSimCommand('remove', ctx);
  assert.is(runSimCommand('tap 04:A1:B2:C3:D4:E5:F6', ctx), 'sim: tapped 04A1B2C3D4E5F6');
  runSimCommand('remove', ctx);
  assert.is(runSimCommand('tap 04 A1 B2 C3', ctx), 'sim: tapped 04A1B2C3', 'bytes separated by spaces');
  for (const bad of ['04A1B2', 'zz11aa22', '123']) {
    assert.match(
      runSimCommand(`tap ${bad}`, ctx),
      new RegExp(
        `^sim: error: card UID '${bad.toLowerCase()}' must be 4, 7 or 10 bytes in hex.*; usage: tap <UID hex>$`,
      ),
    );
  }
  assert.is(runSimCommand('tap', ctx), 'sim: error: usage: tap <UID hex>');
  assert.equal(seen, ['tap 04a1b2c3', 'removed', 'tap 04a1b2c3d4e5f6', 'removed', 'tap 04a1b2c3']);
});

test('commands and their arguments are case-insensitive: never a different action', async () => {
  const { ctx, reader, printer, seen, quits } = await context();
  assert.is(runSimCommand('TAP 04A1B2C3D4E5F6', ctx), 'sim: tapped 04A1B2C3D4E5F6');
  assert.is(runSimCommand('Remove', ctx), 'sim: card 04A1B2C3D4E5F6 removed');
  assert.is(runSimCommand('PULL 04A1B2C3', ctx), 'sim: pulled 04A1B2C3 mid-read');
  assert.is(runSimCommand('PRESS ok', ctx), 'sim: pressed ok');
  assert.is(runSimCommand('press OK', ctx), 'sim: pressed ok');
  assert.is(runSimCommand('HOLD Back', ctx), 'sim: held back');
  assert.equal(seen, [
    'tap 04a1b2c3d4e5f6',
    'removed',
    'read_error card_removed',
    'removed',
    'press ok',
    'press ok',
    'long_press back',
  ]);
  assert.is(runSimCommand('READER UNPLUG', ctx), 'sim: reader unplugged');
  assert.is(reader.present, false);
  assert.is(runSimCommand('Reader Plug', ctx), 'sim: reader plugged in');
  assert.is(reader.present, true);
  assert.match(runSimCommand('PRINTER PAPER-OUT', ctx), /^sim: printer paper-out /);
  assert.is(printer.status, 'paper_out');
  assert.match(runSimCommand('PAPER 500', ctx), /^sim: paper loaded: printer ready \(500 lines/);
  assert.match(runSimCommand('HELP', ctx), 'press <up|down|ok|back>');
  runSimCommand('QUIT', ctx);
  assert.is(quits(), 1);
});

test('answers say what happened: a tap on an unplugged reader, a remove with no card, a second unplug', async () => {
  const { ctx, seen } = await context();
  runSimCommand('reader unplug', ctx);
  assert.is(
    runSimCommand('tap 04A1B2C3', ctx),
    'sim: error: tap ignored: the card reader is unplugged (reader plug)',
  );
  assert.match(
    runSimCommand('pull 04A1B2C3', ctx),
    /^sim: error: pull ignored: the card reader is unplugged/,
  );
  assert.is(runSimCommand('reader unplug', ctx), 'sim: reader already unplugged');
  assert.is(runSimCommand('remove', ctx), 'sim: nothing removed: no card on the reader');
  runSimCommand('reader plug', ctx);
  assert.is(runSimCommand('reader plug', ctx), 'sim: reader already plugged in');
  assert.is(runSimCommand('tap C3D2E1F0', ctx), 'sim: tapped C3D2E1F0');
  assert.is(runSimCommand('tap 04A1B2C3', ctx), 'sim: tapped 04A1B2C3 (card C3D2E1F0 taken away first)');
  assert.match(runSimCommand('tap 08A1B2C3', ctx), /random UID, the reader reports a read error/);
  assert.equal(seen, ['tap c3d2e1f0', 'removed', 'tap 04a1b2c3', 'removed', 'read_error card_random_uid']);
});

test('ports that are not started or not simulated refuse instead of claiming an action', async () => {
  const { ctx } = await context();
  const reader = new SimCardReader();
  const buttons = new SimButtons();
  const cold: SimCommandContext = { ...ctx, sim: { reader, buttons } };
  assert.match(
    runSimCommand('tap 04A1B2C3', cold),
    /^sim: error: tap ignored: the card reader is not started/,
  );
  assert.match(runSimCommand('press ok', cold), /^sim: error: ok ignored: the buttons are not started/);
  assert.match(runSimCommand('paper 10', cold), /^sim: error: the printer is not simulated/);
  const noReader: SimCommandContext = { ...ctx, sim: { buttons: ctx.sim.buttons } };
  assert.match(runSimCommand('tap 04A1B2C3', noReader), 'card reader is not simulated');
  assert.match(runSimCommand('remove', noReader), 'card reader is not simulated');
});

test('extra words and malformed arguments are refused with the usage line, and nothing happens', async () => {
  const { ctx, printer, seen, quits } = await context();
  printer.loadPaper(5000);
  const refusals: [string, string][] = [
    ['quit now', 'usage: quit'],
    ['exit please', 'usage: quit'],
    ['remove it', 'usage: remove'],
    ['press ok ok', 'usage: press <up|down|ok|back>'],
    ['press', 'usage: press <up|down|ok|back>'],
    ['press sideways', "unknown button 'sideways'"],
    ['hold back now', 'usage: hold <up|down|ok|back>'],
    ['reader', 'usage: reader <plug|unplug>'],
    ['reader yank', "unknown reader action 'yank'"],
    ['printer on-fire', 'printer state'],
    ['printer ready now', 'usage: printer <'],
    ['paper 1e3', "not '1e3'"],
    ['paper 0x10', "not '0x10'"],
    ['paper -3', "not '-3'"],
    ['paper 0', "not '0'"],
    ['paper 2.5', "not '2.5'"],
    ['paper 99999999', "not '99999999'"],
    ['paper 10 20', 'usage: paper [lines]'],
    ['tap 04A1B2C3 now', 'usage: tap <UID hex>'],
    ['cards all', 'usage: cards'],
    ['help me', 'usage: help'],
  ];
  for (const [line, expected] of refusals) {
    const answer = runSimCommand(line, ctx);
    assert.match(answer, /^sim: error: /, line);
    assert.match(answer, expected, line);
    if (!answer.includes('usage:')) assert.unreachable(`${line}: no usage line in '${answer}'`);
  }
  assert.equal(seen, []);
  assert.is(quits(), 0);
  assert.is(printer.rollLines, 5000, 'the roll is as it was');
  assert.is(printer.status, 'ready');
  assert.is(runSimCommand('paper 1000', ctx), 'sim: paper loaded: printer ready (1000 lines of paper left)');
});

test('unknown input is quoted short and escaped, never echoed whole or raw to the terminal', async () => {
  const { ctx } = await context();
  assert.is(runSimCommand('dance', ctx), "sim: error: unknown command 'dance' (try: help)");
  const long = runSimCommand(`x${'y'.repeat(MAX_LINE_BYTES)}`, ctx);
  assert.ok(long.length < 120, long);
  assert.match(long, "'xyyy");
  assert.match(long, "…' (try: help)");
  const escaped = runSimCommand('\u001b[2J\u0007bell \u202eevil', ctx);
  assert.not.ok(
    [...escaped].some((c) => c < ' ' || c === '\u007f' || c === '\u202e'),
    escaped,
  );
  assert.match(escaped, "'\\x1b[2J\\x07bell \\u{202e}evil'");
  assert.not.ok(runSimCommand('press \u001b[31m', ctx).includes('\u001b'));
  assert.not.ok(runSimCommand('tap \u001b[31m', ctx).includes('\u001b'));
  assert.is(quoteInput("it's \\"), "'it\\'s \\\\'");
  assert.is(runSimCommand('   ', ctx), '');
});

test('a line longer than the cap is refused once as it passes the cap, before its newline arrives', async () => {
  const input = new PassThrough();
  const lines: string[] = [];
  const tooLong: string[] = [];
  let ended = 0;
  readBoundedLines(input, {
    line: (l) => lines.push(l),
    tooLong: (p) => tooLong.push(p),
    end: () => ended++,
  });
  input.write('help\nab');
  input.write('c'.repeat(MAX_LINE_BYTES));
  assert.equal(lines, ['help']);
  assert.is(tooLong.length, 1, 'reported when the cap is passed, not at the newline');
  assert.is(Buffer.byteLength(tooLong[0] ?? ''), MAX_LINE_BYTES);
  for (let i = 0; i < 100; i++) input.write('d'.repeat(64 * 1024));
  input.write('tail\nquit\r\n');
  input.write(`${'e'.repeat(MAX_LINE_BYTES)}\nlast`);
  assert.is(tooLong.length, 1, 'one report per line');
  assert.equal(lines, ['help', 'quit\r', 'e'.repeat(MAX_LINE_BYTES)]);
  input.end();
  await new Promise((resolve) => input.once('end', resolve));
  assert.equal(lines.at(-1), 'last', 'a last line without a newline still counts');
  assert.is(ended, 1);
});

test('the answer comes before the frames the command caused', async () => {
  const { ctx, reader } = await context();
  const written: string[] = [];
  const out = new SimOutput({ write: (t: string) => written.push(t) });
  // The flow redraws synchronously inside the tap, as the daemon's does.
  reader.on('tap', () => out.write('--- screen: greeting ---\n'));
  const input = new PassThrough();
  attachSimCommands(input, out, ctx, { stopAtEndOfInput: false });
  input.write('tap 04A1B2C3\n');
  assert.equal(written, ['sim: tapped 04A1B2C3\n', '--- screen: greeting ---\n']);
  out.write('--- screen: idle ---\n');
  assert.is(written.at(-1), '--- screen: idle ---\n', 'frames outside a command go straight out');
});

test('end of input stops the kiosk as quit does, only when asked; lines after quit are not run', async () => {
  for (const stopAtEndOfInput of [true, false]) {
    const { ctx, quits } = await context();
    const written: string[] = [];
    const input = new PassThrough();
    attachSimCommands(input, new SimOutput({ write: (t: string) => written.push(t) }), ctx, {
      stopAtEndOfInput,
    });
    input.end('press ok\n');
    await new Promise((resolve) => input.once('end', resolve));
    assert.is(quits(), stopAtEndOfInput ? 1 : 0);
    assert.is(
      written.some((l) => l.startsWith('sim: end of input')),
      stopAtEndOfInput,
    );
  }
  const { ctx, seen, quits } = await context();
  const written: string[] = [];
  const input = new PassThrough();
  attachSimCommands(input, new SimOutput({ write: (t: string) => written.push(t) }), ctx, {
    stopAtEndOfInput: true,
  });
  input.end('quit\npress ok\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written, ['sim: stopping\n']);
  assert.equal(seen, []);
  assert.is(quits(), 1, 'quit once, not again at the end of the input');
});

test.run();
