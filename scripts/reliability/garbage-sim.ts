/**
 * Garbage campaign, target "sim_stdin" (issue 9, §3): any byte stream on the simulator's command
 * input — commands in any case, binary bytes, CR LF, lines of up to 1 MB, no final newline — cut
 * into any chunks, through the real reader (attachSimCommands over the simulated ports):
 *
 *   - nothing throws; every line of output is an answer (`sim: …`) or a line of `help`;
 *   - a line longer than MAX_LINE_BYTES is never run: it gets exactly one "line longer" answer;
 *   - the output does not depend on how the bytes were chunked;
 *   - commands are case-insensitive: the same stream with its commands' letters in other cases
 *     gives the same answers (up to case);
 *   - no control character of the input reaches the terminal (echoes are quoted).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { SimButtons } from '../../src/hardware/buttons.sim.ts';
import { SimCardReader } from '../../src/hardware/card-reader.sim.ts';
import { SimPrinter } from '../../src/hardware/printer.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { MAX_LINE_BYTES } from '../../src/sim/input-lines.ts';
import { SimOutput } from '../../src/sim/sim-output.ts';
import { attachSimCommands, SIM_HELP } from '../../src/sim/stdin-commands.ts';

const PRINTS = mkdtempSync(join(tmpdir(), 'anj-garbage-sim-'));
const COMMANDS = [
  'tap 04a1b2c3',
  'tap 04:A1:B2:C3:D4:E5:F6',
  'tap 08112233',
  'tap zz',
  'tap',
  'pull 04a1b2c3',
  'remove',
  'press ok',
  'press up',
  'press nope',
  'hold ok',
  'printer paper-out',
  'printer ready',
  'printer cover-open',
  'paper 10',
  'paper -1',
  'paper 99999999999',
  'reader unplug',
  'reader plug',
  'cards',
  'help',
  '',
  '   ',
];

/** A segment of the stream: a command, random text or bytes, or an overlong line. */
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMANDS).map((c) => ({ text: c, command: true })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ text: s, command: false })) },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 60 })
      .map((a) => ({ text: Buffer.from(a).toString('latin1'), command: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: MAX_LINE_BYTES - 2, max: 1_100_000 }), fc.constantFrom('a', 'tap ', '\u00e9'))
      .map(([n, fill]) => ({ text: fill.repeat(Math.ceil(n / Buffer.byteLength(fill))), command: false })),
  },
);
const stream = fc.record({
  segments: fc.array(fc.tuple(segment, fc.constantFrom('\n', '\r\n')), { maxLength: 12 }),
  finalNewline: fc.boolean(),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
  caseFlips: fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
});

function bytesOf(segments: { text: string }[], ends: string[], finalNewline: boolean): Buffer {
  const text = segments
    .map((s, i) => s.text + (i < segments.length - 1 || finalNewline ? ends[i] : ''))
    .join('');
  return Buffer.from(text, 'utf8');
}

/** Runs `chunks` through the simulator's command reader on fresh simulated ports; the output. */
async function run(chunks: Buffer[]): Promise<{ out: string; quits: number }> {
  const reader = new SimCardReader();
  const buttons = new SimButtons();
  const printer = new SimPrinter({ dir: PRINTS, paperMm: 58, nativeQr: false, logger: silentLogger() });
  await reader.start();
  await buttons.start();
  let out = '';
  let quits = 0;
  const input = new PassThrough();
  const ended = new Promise<void>((resolve) => input.on('end', () => setImmediate(resolve)));
  attachSimCommands(
    input,
    new SimOutput({ write: (t: string) => (out += t) }),
    { sim: { reader, buttons, printer }, cards: () => ['demo cards (tap <UID>):'], quit: () => quits++ },
    { stopAtEndOfInput: false },
  );
  for (const c of chunks) input.write(c);
  input.end();
  await ended;
  return { out, quits };
}

function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  out.push(buf.subarray(from));
  return out;
}

const HELP = new Set(SIM_HELP.map((l) => l.trimEnd()));

export function simStdinProperty() {
  return fc.asyncProperty(stream, async ({ segments, finalNewline, cuts, caseFlips }) => {
    const parts = segments.map(([s]) => s);
    const ends = segments.map(([, e]) => e);
    const bytes = bytesOf(parts, ends, finalNewline);
    const flipped = parts.map((s) =>
      s.command
        ? { ...s, text: [...s.text].map((ch, i) => (caseFlips[i % 32] ? ch.toUpperCase() : ch)).join('') }
        : s,
    );
    const whole = await run([bytes]);
    const chunked = await run(cut(bytes, cuts));
    const otherCase = await run([bytesOf(flipped, ends, finalNewline)]);
    if (chunked.out !== whole.out) throw new Error('chunking changed the answers');
    if (otherCase.out.toLowerCase() !== whole.out.toLowerCase()) throw new Error('case changed the answers');
    const lines = whole.out.split('\n').slice(0, -1);
    for (const l of lines) {
      if (!l.startsWith('sim: ') && !HELP.has(l.trimEnd()) && !HELP.has(`  ${l}`.trimEnd()))
        throw new Error(`output line is not an answer: ${JSON.stringify(l.slice(0, 80))}`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly those
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(l))
        throw new Error(`a control character reached the output`);
    }
    if (whole.quits > 0) return;
    const pieces = bytes.toString('latin1').split('\n');
    if (pieces.at(-1) === '') pieces.pop();
    const long = pieces.filter((p) => Buffer.byteLength(p, 'latin1') > MAX_LINE_BYTES).length;
    const refused = lines.filter((l) => l.startsWith('sim: error: line longer than')).length;
    if (refused !== long) throw new Error(`${long} overlong lines, ${refused} refused as too long`);
  });
}
