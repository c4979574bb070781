/**
 * Import benchmark: `anjungan residents import` of 100,000 synthetic residents as a process, the
 * way a technician runs it, for the kiosk CSV, an OpenSID CSV (';'), an OpenSID .xlsx (45 text
 * columns, every cell written, as OpenSID exports it) and Dukcapil's SIAK export (.xls BIFF8 and
 * .xlsx, 37 columns, serial dates; the .xls with SIAK_XLS_ROWS rows); then `residents reconcile` of
 * a 100,000-row Dukcapil / village pair and `import --from-reconcile` of its result. Goal:
 * 100,000 rows in ≤ 10 s.
 *
 *   node --import tsx scripts/bench-import.ts [rows]      (or: npm run bench -- import)
 *
 * `benchImport()` returns the figures for scripts/bench.ts (wall-clock ms per whole process).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VILLAGE_FLAGS } from '../tests/support/cli-process.ts';
import { nativeCsv, writeOpensidCsv, writeOpensidXlsx } from '../tests/support/import-fixtures.ts';
import { siakPerson, writeSiak, writeSiakXlsxStream } from '../tests/support/siak-fixtures.ts';

/**
 * A .xls (BIFF8) holds at most 65,536 rows, so SIAK exports beyond that come as .xlsx or CSV; and
 * SheetJS needs gigabytes to WRITE a large one. The .xls figure is for a large village's export.
 */
const SIAK_XLS_ROWS = 5000;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function cli(args: string[]): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`anjungan ${args.join(' ')} failed: ${r.stderr.slice(0, 2000)}`);
  return { ms, stdout: r.stdout };
}

function provision(dir: string, name: string): string {
  const kiosk = path.join(dir, name);
  const config = path.join(kiosk, 'config.json');
  cli([
    'provision',
    '--non-interactive',
    '--config',
    config,
    '--data-dir',
    path.join(kiosk, 'data'),
    ...VILLAGE_FLAGS,
  ]);
  return config;
}

const round = (ms: number) => Math.round(ms);

/** Runs every import and the reconciliation on `rows` rows; figures in ms (whole processes). */
export async function benchImport(rows = 100_000): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-import-'));
  try {
    const files = {
      kiosk_csv: path.join(dir, 'warga.csv'),
      opensid_csv: path.join(dir, 'penduduk.csv'),
      opensid_xlsx: path.join(dir, 'penduduk.xlsx'),
      siak_xls: path.join(dir, 'siak.xls'),
      siak_xlsx: path.join(dir, 'siak.xlsx'),
    };
    fs.writeFileSync(files.kiosk_csv, nativeCsv(rows));
    writeOpensidCsv(files.opensid_csv, rows);
    await writeOpensidXlsx(files.opensid_xlsx, rows);
    const xlsRows = Math.min(rows, SIAK_XLS_ROWS);
    writeSiak(
      files.siak_xls,
      Array.from({ length: xlsRows }, (_, i) => siakPerson(i)),
      'xls',
    );
    await writeSiakXlsxStream(files.siak_xlsx, rows);

    const figures: Record<string, number> = {
      rows,
      siak_xls_rows: xlsRows,
      startup_ms: round(cli(['--version']).ms),
    };
    for (const [name, file] of Object.entries(files)) {
      const config = provision(dir, name);
      figures[`import_${name}_ms`] = round(cli(['residents', 'import', file, '--config', config]).ms);
      figures[`${name}_file_mb`] = Math.round(fs.statSync(file).size / 1e5) / 10;
      console.error(`  ${name}: ${figures[`import_${name}_ms`]} ms`);
    }
    const reimport = provision(dir, 'reimport');
    cli(['residents', 'import', files.kiosk_csv, '--config', reimport]);
    figures.reimport_unchanged_kiosk_csv_ms = round(
      cli(['residents', 'import', files.kiosk_csv, '--config', reimport]).ms,
    );

    // Dukcapil's SIAK .xlsx against the village's census (the same people).
    const report = path.join(dir, 'rekonsiliasi.xlsx');
    figures.reconcile_siak_xlsx_kiosk_csv_ms = round(
      cli([
        'residents',
        'reconcile',
        '--dukcapil',
        files.siak_xlsx,
        '--village',
        files.kiosk_csv,
        '--out',
        report,
      ]).ms,
    );
    const config = provision(dir, 'from-reconcile');
    figures.import_from_reconcile_ms = round(
      cli(['residents', 'import', '--from-reconcile', report, '--prefer', 'dukcapil', '--config', config]).ms,
    );
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchImport(Number(process.argv[2] ?? 100_000));
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(40)} ${v}`);
}
