/** The simulator's `touch <x> <y>`: a tap through the simulated touch panel, or a clear refusal. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimTouch } from '../../src/hardware/touch.sim.ts';
import type { TouchPoint } from '../../src/hardware/touch.ts';
import { runSimCommand } from '../../src/sim/stdin-commands.ts';

test('touch X Y taps the simulated panel; wrong or off-screen points and a missing panel are refused', async () => {
  const touch = new SimTouch(480, 320);
  await touch.start();
  const taps: TouchPoint[] = [];
  touch.on('tap', (p) => taps.push(p));
  const ctx = { sim: { touch }, cards: () => [], quit: () => {} };
  assert.is(runSimCommand('touch 120 200', ctx), 'sim: touched 120 200');
  assert.equal(taps, [{ x: 120, y: 200 }]);
  assert.match(runSimCommand('touch 120', ctx), /usage: touch <x> <y>/);
  assert.match(runSimCommand('touch 500 10', ctx), /off the 480x320 screen/);
  assert.match(runSimCommand('touch 1 2', { ...ctx, sim: {} }), /not simulated/);
  assert.is(taps.length, 1, 'refusals tap nothing');
  assert.match(runSimCommand('help', ctx), /touch <x> <y>/);
});

test.run();
