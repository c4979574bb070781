/**
 * `anjungan residents reconcile` (compare Dukcapil's data with the village's census and write
 * the report) and the input side of `residents import --from-reconcile` (the matched residents,
 * taken from the preferred file). Nothing here writes resident data.
 */
import { basename, extname, resolve } from 'node:path';
import { KioskError } from '../errors.ts';
import { fileSha256 } from '../file-sha256.ts';
import {
  type ParsedResidentFile,
  type ParseOptions,
  type ResidentRows,
  readResidentRows,
  validateRows,
} from '../import/parse-resident-file.ts';
import { reconcile, type Source } from '../import/reconcile.ts';
import {
  readReportSources,
  reportSheets,
  writeReportCsv,
  writeReportXlsx,
} from '../import/reconcile-report.ts';
import type { CommandIo } from './command.ts';
import { usageError } from './context.ts';

export const RECONCILE_HELP = `reconcile  Compares Dukcapil's data (SIAK export .xls/.xlsx/CSV, or any file import reads)
           with the village's census, matching people by NIK, and writes a report (.xlsx with a
           sheet per kind, or --format csv: one CSV per kind): only in one of them, the same
           NIK with different data, alamat ganda (a NIK twice; one person under two NIKs), NIKs
           whose date part disagrees with the birth date, invalid NIKs. Imports nothing.
           Then: residents import --from-reconcile REPORT --prefer dukcapil|village imports the
           NIKs found once in both files, each with the preferred file's data (the two files
           must be unchanged since the report).`;

/** `residents reconcile --dukcapil FILE --village FILE [--out REPORT] [--format xlsx|csv]`. */
export async function runReconcile(
  io: CommandIo,
  opts: { dukcapil?: string; village?: string; out?: string; format?: string },
): Promise<number> {
  if (!opts.dukcapil || !opts.village)
    throw usageError('residents reconcile needs --dukcapil FILE and --village FILE', 'residents');
  const format = opts.format ?? 'xlsx';
  if (format !== 'xlsx' && format !== 'csv') throw usageError('--format must be xlsx or csv', 'residents');
  const [dukcapil, village] = [await readResidentRows(opts.dukcapil), await readResidentRows(opts.village)];
  const rec = reconcile(dukcapil, village);
  const sources = await Promise.all(
    (
      [
        ['dukcapil', opts.dukcapil],
        ['village', opts.village],
      ] as const
    ).map(async ([source, path]) => ({ source, path: resolve(path), sha256: await fileSha256(path) })),
  );
  const sheets = reportSheets(rec, sources);
  const out = opts.out ?? `rekonsiliasi.${format}`;
  let written: string[];
  if (format === 'xlsx') {
    await writeReportXlsx(out, sheets);
    written = [out];
  } else {
    const prefix = extname(out) === '' ? out : out.slice(0, -extname(out).length);
    written = await writeReportCsv(prefix, sheets);
  }
  // Counts only: the report file holds the people, the terminal does not.
  const lines = [`reconciled ${basename(opts.dukcapil)} (Dukcapil) with ${basename(opts.village)} (village)`];
  for (const s of sheets.slice(1)) lines.push(`  ${s.title.padEnd(20)} ${s.rows.length}`);
  lines.push(`  ${'NIK in both, once'.padEnd(20)} ${rec.matched.length}`);
  lines.push(`report: ${written.join(', ')}`);
  lines.push('nothing was imported; to import the matched residents:');
  lines.push(
    `  anjungan residents import --from-reconcile ${format === 'xlsx' ? out : written[0]} --prefer dukcapil|village`,
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/**
 * The residents `import --from-reconcile` imports: NIKs found exactly once in each file, with
 * the preferred file's data, validated as any import is. Cards come from the village's file
 * (OpenSID's tag_id_card): Dukcapil's has none.
 */
export async function parseFromReconcile(
  report: string,
  prefer: string | undefined,
  opts: ParseOptions,
): Promise<{ parsed: ParsedResidentFile; file: string; notes: string[] }> {
  if (prefer !== 'dukcapil' && prefer !== 'village')
    throw usageError('--from-reconcile needs --prefer dukcapil or --prefer village', 'residents');
  const sources = await readReportSources(report);
  const read = {} as Record<Source, ResidentRows>;
  for (const source of ['dukcapil', 'village'] as const) {
    const { path, sha256 } = sources[source];
    let now: string;
    try {
      now = await fileSha256(path);
    } catch (err) {
      throw new KioskError(
        'import_invalid',
        `cannot read ${path}, named in ${report}: ${(err as Error).message}`,
      );
    }
    if (now !== sha256) {
      throw new KioskError(
        'import_invalid',
        `${path} changed since the report ${report} was made: run residents reconcile again and review the new report`,
      );
    }
    read[source] = await readResidentRows(path, opts);
  }
  const rec = reconcile(read.dukcapil, read.village);
  const preferred = read[prefer];
  const rows = rec.matched.map((m) => ({ ...m[prefer], card: m.village.card }));
  const parsed = validateRows({ ...preferred, rows }, opts);
  const left = rec.onlyDukcapil.length + rec.onlyVillage.length;
  const notes = [
    `  from the report ${report}: ${rec.matched.length} NIK(s) in both files, with the ${prefer === 'dukcapil' ? 'Dukcapil' : "village's"} data`,
    `  left out: ${left} in only one file, ${new Set(rec.doubleAddress.filter((a) => a.kind === 'nik_twice').map((a) => a.row.resident.nik)).size} NIK(s) twice in a file (alamat ganda), ${rec.nikInvalid.length} invalid NIK(s) (see the report)`,
  ];
  return { parsed, file: sources[prefer].path, notes };
}
