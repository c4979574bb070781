/** The button debounce against a simulated edge source on a FakeClock: bounces, long press, release. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import { ButtonDebouncer } from '../../src/hardware/debounce.ts';

/** A contact that bounces: `edges` is a script of [ms after the previous edge, level]. */
function rig(longPressMs: number | null) {
  const clock = new FakeClock();
  const events: string[] = [];
  const d = new ButtonDebouncer({
    clock,
    debounceMs: 30,
    longPressMs,
    onPress: () => events.push('press'),
    onLongPress: () => events.push('long'),
  });
  const play = (script: [number, boolean][]) => {
    for (const [ms, level] of script) {
      clock.advance(ms);
      d.edge(level);
    }
  };
  return { clock, events, d, play };
}

/** A real-looking press: 5 ms of chatter down, held, 4 ms of chatter up. */
const bouncyDown: [number, boolean][] = [
  [0, true],
  [1, false],
  [2, true],
  [1, false],
  [1, true],
];
const bouncyUp: [number, boolean][] = [
  [0, false],
  [1, true],
  [1, false],
  [2, true],
  [0, false],
];

test('a bouncing press counts once (button without long press: on the way down)', () => {
  const { clock, events, play } = rig(null);
  play(bouncyDown);
  clock.advance(29);
  assert.equal(events, [], 'not before the level held 30 ms');
  clock.advance(1);
  assert.equal(events, ['press']);
  clock.advance(200);
  play(bouncyUp);
  clock.advance(100);
  assert.equal(events, ['press'], 'release adds nothing');
});

test('noise shorter than the debounce time is no press', () => {
  const { clock, events, play } = rig(null);
  play([
    [0, true],
    [10, false],
    [15, true],
    [5, false],
  ]);
  clock.advance(500);
  assert.equal(events, []);
});

test('back: a short press fires on release', () => {
  const { clock, events, play } = rig(2000);
  play(bouncyDown);
  clock.advance(300);
  assert.equal(events, [], 'nothing while held (could become a long press)');
  play(bouncyUp);
  clock.advance(30);
  assert.equal(events, ['press']);
});

test('back: held past long_press_ms is one long press and no press at release', () => {
  const { clock, events, play } = rig(2000);
  play(bouncyDown);
  clock.advance(1999); // counted from the last bounce (t=5): the contact settled there
  assert.equal(events, []);
  clock.advance(1);
  assert.equal(events, ['long']);
  clock.advance(3000);
  play(bouncyUp);
  clock.advance(100);
  assert.equal(events, ['long']);
});

test('two quick presses are two presses; dispose leaves no timer armed', () => {
  const { clock, events, play, d } = rig(null);
  play([
    [0, true],
    [60, false],
    [60, true],
    [60, false],
  ]);
  clock.advance(60);
  assert.equal(events, ['press', 'press']);
  play([[0, true]]);
  d.dispose();
  assert.is(clock.pending(), 0);
  clock.advance(100);
  assert.equal(events, ['press', 'press']);
});

test.run();
