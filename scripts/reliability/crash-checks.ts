/**
 * The invariants the crash campaign checks after every kill, once the killed kiosk was started
 * again and reached its idle screen (a clean start): the register, the letters the printer
 * received, residents.json and the outbox's events at the broker. Each check returns the
 * violations it found as sentences (empty: the promise held).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LetterRegister, type RegisterEntry } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { residentsInDocument } from '../../src/store/resident-store.ts';
import type { ReceivedJob } from '../virtual-printer.ts';

/** A letter number as the default format prints it: `{code}/{seq:3}/{village_code}/{roman}/{year}`. */
const NUMBER_RE = /[A-Z0-9][A-Z0-9.-]*\/\d{3,}\/\d{10}\/[IVXL]+\/\d{4}/;

export async function readRegister(dataDir: string): Promise<RegisterEntry[]> {
  const reg = await LetterRegister.open(dataDir, {
    numbering: {
      format: '{code}/{seq:3}/{village_code}/{roman_month}/{year}',
      counter: 'per_type',
    },
    villageCode: '1809102004',
    logger: silentLogger(),
    readOnly: true,
  });
  try {
    return reg.list();
  } finally {
    await reg.close();
  }
}

/** Unique numbers; per counter (letter type) and year the sequence 1..max has no gap; nothing `printing`. */
export function registerViolations(entries: RegisterEntry[]): string[] {
  const out: string[] = [];
  const numbers = new Set<string>();
  const seqs = new Map<string, number[]>();
  for (const e of entries) {
    if (numbers.has(e.number)) out.push(`number ${e.number} given twice`);
    numbers.add(e.number);
    const key = `${e.letter_type}/${e.year}`;
    seqs.set(key, [...(seqs.get(key) ?? []), e.seq]);
    if (e.status === 'printing') out.push(`${e.number} still printing after a clean start`);
  }
  for (const [key, list] of seqs) {
    const sorted = [...list].sort((a, b) => a - b);
    sorted.forEach((s, i) => {
      if (s !== i + 1) out.push(`counter ${key}: sequence ${i + 1} missing (found ${s})`);
    });
  }
  return [...new Set(out)];
}

export interface PrintedCheck {
  violations: string[];
  /** Jobs cut (by the kill) before the number line reached the printer: nothing to check. */
  withoutNumber: number;
}

/** Every letter that reached the printer carries a number the register holds, none `failed`. */
export function printedViolations(jobs: ReceivedJob[], entries: RegisterEntry[]): PrintedCheck {
  const byNumber = new Map(entries.map((e) => [e.number, e]));
  const violations: string[] = [];
  let withoutNumber = 0;
  for (const job of jobs) {
    const text = job.decoded.lines.map((l) => l.text).join('\n');
    const number = NUMBER_RE.exec(text)?.[0];
    if (!number) {
      withoutNumber++;
      continue;
    }
    const entry = byNumber.get(number);
    if (!entry) violations.push(`printed ${number} is not in the register`);
    else if (entry.status === 'failed') violations.push(`printed ${number} is marked failed`);
  }
  return { violations, withoutNumber };
}

/** residents.json as a fingerprint of its content: NIK, name and bound cards. Throws when it does not open. */
export function residentsFingerprint(dataDir: string): { residents: string; cards: number } {
  const doc = JSON.parse(readFileSync(join(dataDir, 'residents.json'), 'utf8')) as {
    cards?: Record<string, unknown>;
  };
  const residents = residentsInDocument(doc);
  return {
    residents: fingerprintOf(Object.values(residents).map((r) => [r.nik, r.nama])),
    cards: Object.keys(doc.cards ?? {}).length,
  };
}

/** The fingerprint of a set of (NIK, name) pairs, in any order. */
export function fingerprintOf(pairs: Iterable<[string, string]>): string {
  const lines = [...pairs].map(([nik, nama]) => `${nik}\t${nama}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Residents as (NIK, name) pairs, for computing what an import should leave. */
export function residentPairs(dataDir: string): Map<string, string> {
  const doc = JSON.parse(readFileSync(join(dataDir, 'residents.json'), 'utf8')) as unknown;
  return new Map(Object.values(residentsInDocument(doc)).map((r) => [r.nik, r.nama]));
}

/** Temp files a kill left mid-write in the letter archive, still there after a clean start. */
export function archiveTempsLeft(dataDir: string): string[] {
  const dirs = [join(dataDir, 'letters'), join(dataDir, 'letters', 'logos')];
  return dirs.flatMap((dir) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // No archive yet.
    }
    return names.filter((n) => /\.tmp-\d+$/.test(n)).map((n) => join(dir, n));
  });
}
