/**
 * `anjungan letters pdf <number> --out FILE [--paper a4|f4]`: the letter as it was issued (from
 * `<data_dir>/letters/<id>.json`), as an A4 or F4 PDF marked SALINAN. The PDF holds the full NIK:
 * it is written 0600.
 */
import { writeFile } from 'node:fs/promises';
import { readArchivedLetter } from '../letters/letter-archive.ts';
import { type PaperSize, renderLetterPdf } from '../letters/letter-pdf.ts';
import type { CommandIo } from './command.ts';
import { findLetter, openContext, usageError } from './context.ts';

export const PDF_HELP = `pdf      One letter as it was issued, as a PDF marked SALINAN (--out FILE, required;
         --paper a4|f4, default a4). It holds the full NIK: keep the file like the letter.`;

export async function pdfCommand(
  args: string[],
  values: { config?: string | undefined; out?: string | undefined; paper?: string | undefined },
  io: CommandIo,
): Promise<number> {
  if (args.length !== 1) throw usageError('letters pdf takes one letter number', 'letters');
  if (!values.out) throw usageError('letters pdf needs --out FILE', 'letters');
  const paper = (values.paper ?? 'a4').toLowerCase();
  if (paper !== 'a4' && paper !== 'f4') throw usageError('--paper is a4 or f4', 'letters');
  const ctx = openContext(io, values.config);
  const entry = await findLetter(ctx, args[0]!);
  const { letter, logo } = await readArchivedLetter(ctx.config.data_dir, entry.id);
  const pdf = await renderLetterPdf(letter, { paper: paper as PaperSize, copy: true, logo });
  await writeFile(values.out, pdf, { mode: 0o600 });
  io.stdout.write(
    `${entry.number} (${entry.status}) written to ${values.out} as a ${paper.toUpperCase()} copy\n`,
  );
  return 0;
}
