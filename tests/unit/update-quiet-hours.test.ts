import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { msUntilQuiet, parseQuietHours, withinQuietHours } from '../../src/update/quiet-hours.ts';

/** A local time today (the kiosk's own time zone, as the window is read). */
const at = (hm: string) => {
  const [h, m] = hm.split(':').map(Number);
  const d = new Date(2026, 11, 5, h, m, 0, 0);
  return d;
};

test('parses HH:MM-HH:MM; null is no window', () => {
  assert.equal(parseQuietHours('22:00-05:00'), { start: 22 * 60, end: 5 * 60 });
  assert.equal(parseQuietHours('12:30-13:15'), { start: 750, end: 795 });
  assert.is(parseQuietHours(null), null);
});

test('refuses what is not a window', () => {
  for (const bad of ['22-05', '24:00-05:00', '22:00 - 05:00', '22:60-05:00', '10:00-10:00', '']) {
    assert.throws(() => parseQuietHours(bad), /update\.quiet_hours/, bad);
  }
});

const CASES: [string, string, boolean][] = [
  // a window across midnight
  ['22:00-05:00', '21:59', false],
  ['22:00-05:00', '22:00', true],
  ['22:00-05:00', '23:59', true],
  ['22:00-05:00', '00:00', true],
  ['22:00-05:00', '04:59', true],
  ['22:00-05:00', '05:00', false],
  ['22:00-05:00', '12:00', false],
  // a window within one day
  ['12:00-13:00', '11:59', false],
  ['12:00-13:00', '12:00', true],
  ['12:00-13:00', '12:59', true],
  ['12:00-13:00', '13:00', false],
  ['12:00-13:00', '00:30', false],
];

test('within the window, crossing midnight or not (start inclusive, end exclusive)', () => {
  for (const [window, time, expected] of CASES) {
    assert.is(withinQuietHours(parseQuietHours(window), at(time)), expected, `${window} at ${time}`);
  }
  assert.ok(withinQuietHours(null, at('15:00')), 'no window: any time');
});

test('time until the window opens', () => {
  const w = parseQuietHours('22:00-05:00');
  assert.is(msUntilQuiet(w, at('23:00')), 0);
  assert.is(msUntilQuiet(w, at('21:00')), 3_600_000);
  assert.is(msUntilQuiet(w, at('05:00')), 17 * 3_600_000);
  assert.is(msUntilQuiet(parseQuietHours('01:00-02:00'), at('03:00')), 22 * 3_600_000);
});

test.run();
