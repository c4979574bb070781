import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueUrl, statusFromAttributes } from '../../src/hardware/printer.cups.ts';

test('CUPS printer state and reasons → the kiosk printer status', () => {
  const rows: [unknown, unknown, unknown, string][] = [
    ['idle', 'none', true, 'ready'],
    ['processing', ['none'], true, 'ready'],
    ['stopped', 'paused', true, 'offline'],
    ['idle', 'none', false, 'offline'],
    ['idle', ['offline-report'], true, 'offline'],
    ['idle', ['media-empty-error'], true, 'paper_out'],
    ['idle', ['media-needed'], true, 'paper_out'],
    ['idle', ['door-open-warning'], true, 'cover_open'],
    ['idle', ['media-low-report'], true, 'paper_near_end'],
    ['idle', ['toner-low-warning'], true, 'paper_near_end'],
    ['idle', ['marker-supply-low-warning'], true, 'paper_near_end'],
    ['idle', ['media-empty-error', 'toner-low-warning'], true, 'paper_out'],
  ];
  for (const [state, reasons, accepting, expected] of rows) {
    assert.is(
      statusFromAttributes(state, reasons, accepting),
      expected,
      JSON.stringify([state, reasons, accepting]),
    );
  }
});

test('queue names and URLs', () => {
  assert.is(queueUrl('A4'), 'http://localhost:631/printers/A4');
  assert.is(queueUrl('ipp://127.0.0.1:8631/printers/A4'), 'http://127.0.0.1:8631/printers/A4');
  assert.is(queueUrl('ipps://print.desa.id/printers/A4'), 'https://print.desa.id/printers/A4');
});

test.run();
