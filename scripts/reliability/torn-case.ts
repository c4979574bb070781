/**
 * One torn-write case: a copy of the baseline with one file cut short or bit-flipped, then the
 * kiosk started in-process through `startDaemon` (the very start-up path of `anjungan run`, with a
 * config file: not simulator mode, which would seed demo data over a lost file), and the outcome
 * judged:
 *
 *   previous_state        the cut left exactly the file as it was before its last write
 *   recovered_complete    only the last newline is missing: nothing was lost
 *   recovered_named       in service, with a warning naming the file, and the data is right
 *   out_of_service_named  up, out of service, a log line naming the file
 *   crash | silent | wrong_data   failures: the start threw; damage nobody was told of; data
 *                         that is not what was written (a wrong number, a wrong resident, key)
 */
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.ts';
import { type Baseline, residentsOf, startKioskOn, type TornTarget } from './torn-baseline.ts';

export type TornOutcome =
  | 'previous_state'
  | 'recovered_complete'
  | 'recovered_named'
  | 'out_of_service_named'
  | 'crash'
  | 'silent'
  | 'wrong_data';

export const FAILURES: ReadonlySet<TornOutcome> = new Set(['crash', 'silent', 'wrong_data']);

export type Damage = { kind: 'cut'; keep: number } | { kind: 'flip'; byte: number; bit: number };

export async function runTornCase(
  baseline: Baseline,
  target: TornTarget,
  damage: Damage,
  caseDir: string,
): Promise<{ outcome: TornOutcome; detail: string }> {
  rmSync(caseDir, { recursive: true, force: true });
  cpSync(baseline.dirs[target.base], caseDir, { recursive: true });
  const file = path.join(caseDir, target.file);
  const original = readFileSync(file);
  if (damage.kind === 'cut') truncateSync(file, target.start + damage.keep);
  else {
    const bytes = Buffer.from(original);
    bytes[damage.byte] = bytes[damage.byte]! ^ (1 << damage.bit);
    writeFileSync(file, bytes);
  }
  if (target.alsoBreak) writeFileSync(path.join(caseDir, target.alsoBreak), '');
  const damaged = readFileSync(file);
  const previous = damage.kind === 'cut' && target.append && damage.keep === 0;
  const onlyNewline = damage.kind === 'cut' && target.append && target.start + damage.keep === target.end - 1;

  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      const line = String(chunk);
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) >= 40) warnings.push(line);
      cb();
    },
  });
  let daemon: Awaited<ReturnType<typeof startKioskOn>>;
  try {
    daemon = await startKioskOn(caseDir, createLogger('info', sink));
  } catch (err) {
    return { outcome: 'crash', detail: (err as Error).message.slice(0, 200) };
  }
  try {
    const named = warnings.some((w) => w.includes(file) || w.includes(path.basename(file)));
    const out = daemon.status().out_of_service;
    if (out.length > 0) {
      return named
        ? { outcome: 'out_of_service_named', detail: out.join(',') }
        : { outcome: 'silent', detail: `out of service (${out.join(',')}) without naming ${target.file}` };
    }
    const wrong = wrongData(baseline, target, daemon, caseDir);
    if (wrong) return { outcome: 'wrong_data', detail: wrong };
    if (previous) return { outcome: 'previous_state', detail: '' };
    if (onlyNewline) return { outcome: 'recovered_complete', detail: '' };
    if (named) return { outcome: 'recovered_named', detail: '' };
    if (damaged.equals(original)) return { outcome: 'previous_state', detail: 'no change' };
    return { outcome: 'silent', detail: `in service, ${target.file} damaged and not named` };
  } finally {
    await daemon.stop();
  }
}

/** What a kiosk in service knows that is not what was written; null when all is right. */
function wrongData(
  baseline: Baseline,
  target: TornTarget,
  daemon: Awaited<ReturnType<typeof startKioskOn>>,
  caseDir: string,
): string | null {
  const after = baseline.expected[target.base];
  const register = daemon.register.list();
  const pairs = register.map((e) => `${e.number}#${e.seq}`);
  // A torn append may lose its own line (the write never completed), nothing else.
  const lostLast =
    target.file === 'register.jsonl' && target.base === 'reserved' ? after.register.slice(0, -1) : null;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(pairs, after.register) && !(lostLast && same(pairs, lostLast)))
    return `register holds ${pairs.length} entries, not the ${after.register.length} written`;
  for (const e of register)
    if (e.status === 'printed' && !after.printed.includes(e.number))
      return `${e.number} printed out of nowhere`;
  const residents = residentsOf(daemon.store);
  for (const [nik, json] of Object.entries(after.residents))
    if (residents[nik] !== json) return `resident ****${nik.slice(-4)} is not as written`;
  const pub = readFileSync(path.join(caseDir, 'keys', 'letter-signing.pub.pem'), 'utf8');
  if (pub !== after.publicKeyPem) return 'the letter-signing key is not the one written';
  return null;
}
