/**
 * Garbage campaign, target "printer_status" (issue 9, §3): the real DLE EOT status reading
 * (escpos-status.ts `readStatus`) over a link that behaves like a real one at its worst — bytes
 * left over from an earlier poll, answers that never come (timeouts, short reads), writes that
 * fail, random bytes instead of answers, answers sent twice:
 *
 *   - it never throws and always gives one of the printer states;
 *   - when every question is answered (once or twice), whatever was left over before, it gives
 *     the printer's true state;
 *   - when the first question gets no answer, or its write fails, it gives `offline`;
 *   - when an answer is missing, it never says `ready` or `paper_near_end`.
 */
import fc from 'fast-check';
import { readStatus, statusBytes } from '../../src/hardware/escpos-status.ts';
import type { PrinterStatus } from '../../src/hardware/printer.ts';

type Truth = Exclude<PrinterStatus, 'offline'>;
type Behaviour = 'answer' | 'twice' | 'timeout' | 'write_fails' | 'garbage';
const STATES: PrinterStatus[] = ['ready', 'paper_near_end', 'paper_out', 'cover_open', 'offline'];

/** A printer link whose answers follow a script; bytes wait in an inbox as on a socket. */
class ScriptedLink {
  readonly inbox: number[];
  /** Questions asked so far. */
  asked = 0;
  constructor(
    private readonly truth: Truth,
    private readonly script: { behaviour: Behaviour; garbage: number }[],
    leftover: number[],
  ) {
    this.inbox = [...leftover];
  }
  async write(chunk: Buffer): Promise<void> {
    const n = chunk[2] as 1 | 2 | 3 | 4;
    const step = this.script[this.asked++] ?? { behaviour: 'answer', garbage: 0 };
    const right = statusBytes(this.truth)[n];
    switch (step.behaviour) {
      case 'write_fails':
        throw new Error('EPIPE');
      case 'answer':
        this.inbox.push(right);
        break;
      case 'twice':
        this.inbox.push(right, right);
        break;
      case 'garbage':
        this.inbox.push(step.garbage);
        break;
      case 'timeout':
        break;
    }
  }
  async readByte(_timeoutMs: number): Promise<number | null> {
    return this.inbox.shift() ?? null;
  }
}

const truth = fc.constantFrom<Truth>('ready', 'paper_near_end', 'paper_out', 'cover_open');
const step = fc.record({
  behaviour: fc.constantFrom<Behaviour>('answer', 'answer', 'twice', 'timeout', 'write_fails', 'garbage'),
  garbage: fc.integer({ min: 0, max: 255 }),
});

export function printerStatusProperty() {
  return fc.asyncProperty(
    truth,
    fc.array(step, { maxLength: 3 }),
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        truth.chain((t) => fc.constantFrom(...Object.values(statusBytes(t)))),
      ),
      {
        maxLength: 4,
      },
    ),
    async (t, script, leftover) => {
      const link = new ScriptedLink(t, script, leftover);
      const got = await readStatus(link, 100);
      if (!STATES.includes(got)) throw new Error(`unknown state ${got}`);
      // How each question that was asked (1, 2 only when the printer says offline, 4) went.
      const used = Array.from({ length: link.asked }, (_, i) => script[i]?.behaviour ?? 'answer');
      if (used.every((b) => b === 'answer' || b === 'twice') && got !== t)
        throw new Error(`a ${t} printer answering every question read as ${got}`);
      if ((used[0] === 'timeout' || used[0] === 'write_fails') && got !== 'offline')
        throw new Error(`no answer to the first question read as ${got}`);
      if (
        used.some((b) => b === 'timeout' || b === 'write_fails') &&
        (got === 'ready' || got === 'paper_near_end')
      )
        throw new Error(`a missing answer read as ${got}`);
    },
  );
}
