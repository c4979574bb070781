/**
 * Each issued letter's content as it was issued, `<data_dir>/letters/<entry id>.json`, so that
 * `anjungan letters pdf <number>` reproduces that letter (marked SALINAN) and not one rebuilt
 * from today's resident data, village config or letter templates. It holds the full resident
 * record: files 0600, directory 0700, like the resident file. The village logo is kept once
 * per content (`letters/logos/<sha256>.png`), not per letter.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { VillageConfig } from '../config/config.ts';
import { errorMessage, KioskError } from '../errors.ts';
import { removeStaleTemps, writeFileDurably, writeJsonDurably } from '../store/durable-file.ts';
import type { Resident } from '../store/resident.ts';
import type { LetterType } from './letter-type.ts';

export interface IssuedLetter {
  v: 1;
  id: string;
  number: string;
  type: LetterType;
  village: VillageConfig;
  resident: Resident;
  purpose: string;
  /** Local time of issue with offset (as in the register). */
  issued_at: string;
  token: string;
  verify_url: string | null;
  /** sha256 of the logo printed on it, or null. */
  logo: string | null;
}

const ID = /^[0-9]{8}-[0-9]{6}$/;

export function archiveDir(dataDir: string): string {
  return path.join(dataDir, 'letters');
}

/** Keeps the letter (and its logo, once); resolves when both are on disk. */
export async function archiveLetter(
  dataDir: string,
  letter: Omit<IssuedLetter, 'v' | 'logo'>,
  logo: Buffer | null,
): Promise<void> {
  const dir = archiveDir(dataDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  let logoId: string | null = null;
  if (logo) {
    logoId = createHash('sha256').update(logo).digest('hex');
    const file = path.join(dir, 'logos', `${logoId}.png`);
    // Kept only when its content is the one its name promises: a logo cut by a power cut
    // (written before writes here were atomic) is written again, not reused for every copy.
    const kept = await fs.readFile(file).catch(() => null);
    if (!kept || createHash('sha256').update(kept).digest('hex') !== logoId) {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileDurably(file, logo, 0o600);
    }
  }
  await writeJsonDurably(path.join(dir, `${letter.id}.json`), { v: 1, ...letter, logo: logoId }, 0o600);
}

/**
 * Clears what a power cut left mid-archive (temp files of letters and logos); the daemon calls it
 * at start, before it issues a letter. Resolves with how many went.
 */
export async function removeArchiveTemps(dataDir: string): Promise<number> {
  const dir = archiveDir(dataDir);
  return (await removeStaleTemps(dir)) + (await removeStaleTemps(path.join(dir, 'logos')));
}

/** The letter as issued, with its logo; throws letter_not_found when it was not kept. */
export async function readArchivedLetter(
  dataDir: string,
  id: string,
): Promise<{ letter: IssuedLetter; logo: Buffer | null }> {
  if (!ID.test(id)) throw new KioskError('letter_not_found', `not a register entry id: ${id}`);
  const file = path.join(archiveDir(dataDir), `${id}.json`);
  let letter: IssuedLetter;
  try {
    letter = JSON.parse(await fs.readFile(file, 'utf8')) as IssuedLetter;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KioskError(
        'letter_not_found',
        `the content of letter ${id} was not kept (${file}): letters issued before this version have no copy`,
      );
    }
    throw new KioskError('data_corrupt', `${file} is unreadable: ${errorMessage(err)}`);
  }
  if (letter.v !== 1) throw new KioskError('data_corrupt', `${file}: unknown format ${String(letter.v)}`);
  const logo = letter.logo
    ? await fs.readFile(path.join(archiveDir(dataDir), 'logos', `${letter.logo}.png`)).catch(() => null)
    : null;
  return { letter, logo };
}
