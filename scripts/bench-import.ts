/**
 * Import benchmark: `anjungan residents import` of 100,000 synthetic residents as a process, the
 * way a technician runs it, for the kiosk CSV, an OpenSID CSV (';') and an OpenSID .xlsx (45
 * text columns, every cell written, as OpenSID exports it). Prints wall-clock seconds.
 *
 *   node --import tsx scripts/bench-import.ts [rows]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VILLAGE_FLAGS } from '../tests/support/cli-process.ts';
import { nativeCsv, writeOpensidCsv, writeOpensidXlsx } from '../tests/support/import-fixtures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.argv[2] ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-import-'));

function cli(args: string[]): { seconds: number; stdout: string; code: number | null } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`anjungan ${args.join(' ')} failed: ${r.stderr.slice(0, 2000)}`);
  return { seconds, stdout: r.stdout, code: r.status };
}

const files = {
  'kiosk CSV': path.join(dir, 'warga.csv'),
  'OpenSID CSV': path.join(dir, 'penduduk.csv'),
  'OpenSID xlsx': path.join(dir, 'penduduk.xlsx'),
};
fs.writeFileSync(files['kiosk CSV'], nativeCsv(rows));
writeOpensidCsv(files['OpenSID CSV'], rows);
await writeOpensidXlsx(files['OpenSID xlsx'], rows);

const baseline = cli(['--version']).seconds;
console.log(`rows: ${rows}; process start-up (anjungan --version): ${baseline.toFixed(2)} s`);
for (const [name, file] of Object.entries(files)) {
  const kiosk = path.join(dir, name.replace(/\W+/g, '-'));
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
  const size = (fs.statSync(file).size / 1e6).toFixed(1);
  const first = cli(['residents', 'import', file, '--config', config]);
  const again = cli(['residents', 'import', file, '--config', config]);
  console.log(
    `${name.padEnd(13)} ${size.padStart(5)} MB  first import ${first.seconds.toFixed(1)} s, ` +
      `re-import (all unchanged) ${again.seconds.toFixed(1)} s`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
