import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimButtons } from '../../src/hardware/buttons.sim.ts';
import { SimCardReader } from '../../src/hardware/card-reader.sim.ts';
import { SimPrinter } from '../../src/hardware/printer.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { runSimCommand, type SimCommandContext } from '../../src/sim/stdin-commands.ts';

function context() {
  const reader = new SimCardReader();
  const buttons = new SimButtons();
  const printer = new SimPrinter({
    dir: mkdtempSync(join(tmpdir(), 'anj-sim-')),
    paperMm: 58,
    nativeQr: false,
    logger: silentLogger(),
  });
  let quits = 0;
  const ctx: SimCommandContext = {
    sim: { reader, buttons, printer },
    cards: () => ['demo cards (tap <UID>):', '  04A1B2C3 Budi'],
    quit: () => {
      quits++;
    },
  };
  return { ctx, reader, buttons, printer, quits: () => quits };
}

test('tap takes 4-, 7- and 10-byte UIDs in hex, with separators; anything else is an error, not a tap', async () => {
  const { ctx, reader } = context();
  await reader.start();
  const taps: Buffer[] = [];
  reader.on('tap', (t) => taps.push(t.uid));
  assert.is(runSimCommand('tap 04a1b2c3', ctx), 'sim: tapped 04A1B2C3');
  assert.is(runSimCommand('tap 04:A1:B2:C3:D4:E5:F6', ctx), 'sim: tapped 04A1B2C3D4E5F6');
  assert.equal(taps[0], Buffer.from([4, 0xa1, 0xb2, 0xc3]));
  assert.is(taps[1]?.length, 7);
  for (const bad of ['04A1B2', 'zz11aa22', '']) {
    assert.match(
      runSimCommand(`tap ${bad}`, ctx),
      /^sim: error: card UID '.*' must be 4, 7 or 10 bytes in hex/,
    );
  }
  assert.is(taps.length, 2);
});

test('tap reaches the simulated reader as UID bytes', async () => {
  const { ctx, reader } = context();
  await reader.start();
  const taps: string[] = [];
  reader.on('tap', (t) => taps.push(t.uid.toString('hex')));
  assert.is(runSimCommand('tap 04A1B2C3', ctx), 'sim: tapped 04A1B2C3');
  assert.equal(taps, ['04a1b2c3']);
  assert.match(runSimCommand('tap 123', ctx), /^sim: error: card UID '123' must be 4, 7 or 10 bytes in hex/);
  assert.equal(taps.length, 1);
});

test('press reaches the buttons; an unknown button is an error, not a crash', async () => {
  const { ctx, buttons } = context();
  await buttons.start();
  const pressed: string[] = [];
  buttons.on('press', (b) => pressed.push(b));
  assert.is(runSimCommand('press OK', ctx), 'sim: pressed ok');
  assert.match(runSimCommand('press sideways', ctx), "unknown button 'sideways'");
  assert.equal(pressed, ['ok']);
});

test('printer states change what the printer reports', () => {
  const { ctx, printer } = context();
  assert.is(runSimCommand('printer paper-out', ctx), 'sim: printer paper-out');
  assert.is(printer.status, 'paper_out');
  assert.is(runSimCommand('printer offline', ctx), 'sim: printer offline');
  assert.is(printer.status, 'offline');
  assert.match(runSimCommand('printer on-fire', ctx), 'printer state must be one of');
  assert.is(printer.status, 'offline');
  runSimCommand('printer ready', ctx);
  assert.is(printer.status, 'ready');
  assert.match(runSimCommand('paper -3', ctx), 'positive whole number');
});

test('unplugging the reader is seen as presence false', async () => {
  const { ctx, reader } = context();
  await reader.start();
  runSimCommand('reader unplug', ctx);
  assert.is(reader.present, false);
  runSimCommand('reader plug', ctx);
  assert.is(reader.present, true);
});

test('a port that is not simulated says so; unknown commands point to help; quit quits', () => {
  const { ctx, quits } = context();
  const noReader: SimCommandContext = { ...ctx, sim: { buttons: ctx.sim.buttons } };
  assert.match(runSimCommand('tap 04A1B2C3', noReader), 'card reader is not simulated');
  assert.match(runSimCommand('dance', ctx), "unknown command 'dance' (try: help)");
  assert.match(runSimCommand('help', ctx), 'press <up|down|ok|back>');
  assert.match(runSimCommand('cards', ctx), 'sim:   04A1B2C3 Budi');
  assert.is(runSimCommand('   ', ctx), '');
  runSimCommand('quit', ctx);
  assert.is(quits(), 1);
});

test.run();
