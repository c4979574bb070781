/**
 * DLE EOT status reading (escpos-status.ts) over a link with bytes left from an earlier poll: the
 * garbage campaign's printer_status target found that a late or repeated answer was read as the
 * answer to the next question.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readStatus, statusBytes } from '../../src/hardware/escpos-status.ts';
import type { PrinterStatus } from '../../src/hardware/printer.ts';

/** A link to a printer in `status` that answers each question once; `waiting` is already in it. */
function link(status: Exclude<PrinterStatus, 'offline'>, waiting: number[]) {
  const inbox = [...waiting];
  return {
    write: async (chunk: Buffer) => {
      inbox.push(statusBytes(status)[chunk[2] as 1 | 2 | 3 | 4]);
    },
    readByte: async () => inbox.shift() ?? null,
  };
}

test('an answer that came after its timeout is not read as the next answer', async () => {
  const cases: [Exclude<PrinterStatus, 'offline'>, number[]][] = [
    // A ready printer's late n=1 byte (0x16) read as n=4 would say "paper near end".
    ['ready', [0x16]],
    // A paper-out printer's late n=3 byte read as n=1 would hide the paper end.
    ['paper_out', [0x12]],
    ['cover_open', [0x12, 0x12, 0x7e]],
  ];
  for (const [status, waiting] of cases)
    assert.is(await readStatus(link(status, waiting), 50), status, `${status} after ${waiting.join(',')}`);
});

test('no answer is offline; every state reads back as itself', async () => {
  assert.is(await readStatus({ write: async () => undefined, readByte: async () => null }, 10), 'offline');
  for (const s of ['ready', 'paper_near_end', 'paper_out', 'cover_open'] as const)
    assert.is(await readStatus(link(s, []), 10), s);
});

test.run();
