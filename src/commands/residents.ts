/**
 * `anjungan residents import|list|show`: load the village's residents (the kiosk's CSV format or
 * an OpenSID export) all or nothing, and look at what the kiosk holds (NIKs masked).
 */
import { KioskError } from '../errors.ts';
import { nikMismatches } from '../import/nik.ts';
import { type ParsedResidentFile, parseResidentFile } from '../import/parse-resident-file.ts';
import { maskNik, RESIDENT_FIELDS, type Resident } from '../store/resident.ts';
import type { ResidentStore } from '../store/resident-store.ts';
import type { Command, CommandIo } from './command.ts';
import {
  CONFIG_HELP,
  CONFIG_OPTION,
  changeAppliedHint,
  openContext,
  openStore,
  parseCommandArgs,
  settleOwnership,
  table,
  usageError,
} from './context.ts';
import { parseFromReconcile, RECONCILE_HELP, runReconcile } from './residents-reconcile.ts';

const HELP = `Usage:
  anjungan residents import <file> [--replace] [--dry-run] [--strict] [--config FILE]
  anjungan residents import --from-reconcile <report> --prefer dukcapil|village [--replace] [--dry-run] [--strict]
  anjungan residents reconcile --dukcapil <file> --village <file> [--out REPORT] [--format xlsx|csv]
  anjungan residents list [--limit N] [--mismatches] [--config FILE]
  anjungan residents show <NIK> [--config FILE]

import   Loads residents from a CSV in the kiosk's format, an OpenSID export (.xlsx/.xlsm with
         the sheet "Data Penduduk", or a CSV saved from it) or Dukcapil's SIAK export (.xls,
         .xlsx or CSV); the format is detected. Every row is checked (NIK 16 digits, a real
         date of birth, required fields, as many cells as the header); every problem is listed with its line (spreadsheet row) and NOTHING is
         imported unless the whole file is clean. A NIK whose date part or sex disagrees with
         tanggal_lahir / sex is imported with a warning (letters print tanggal_lahir as
         recorded). Card numbers in the file (card_uid hex, OpenSID tag_id_card decimal) are
         bound in the same write. Residents with NIK 0 (OpenSID's temporary NIK) are skipped.
         CSV text may be UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text") or
         Windows-1252; the encoding is detected.
${RECONCILE_HELP}
list     Residents with masked NIK, name, dusun/RT/RW and status.
show     One resident's fields (NIK masked) and whether a card is bound.

Options:
  --replace       also remove residents (and their cards) that are not in the file
  --dry-run       check the file and print the summary without changing anything
  --strict        refuse the file when a NIK disagrees with tanggal_lahir or sex
  --from-reconcile REPORT   import the NIKs found in both files of a reconcile report
  --prefer SIDE   with --from-reconcile: whose data to take, dukcapil or village
  --dukcapil FILE, --village FILE   reconcile: the two files to compare
  --out REPORT    reconcile: the report file (default rekonsiliasi.xlsx; with csv, a name prefix)
  --format F      reconcile: xlsx (default) or csv
  --limit N       list at most N residents (default all)
  --mismatches    list only residents whose NIK disagrees with tanggal_lahir or sex
${CONFIG_HELP}

Exit codes: 0 done, 1 the file has problems or cannot be read, 2 wrong usage.
File formats: docs/technician.md ("Import the residents", "Data dari Dukcapil").`;

const residents: Command = {
  name: 'residents',
  summary: 'import residents (CSV or OpenSID export), list or show them',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...CONFIG_OPTION,
        replace: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        strict: { type: 'boolean' },
        limit: { type: 'string' },
        mismatches: { type: 'boolean' },
        'from-reconcile': { type: 'string' },
        prefer: { type: 'string' },
        dukcapil: { type: 'string' },
        village: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
      },
      'residents',
    );
    const [sub, arg, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`unexpected argument '${extra[0]}'`, 'residents');
    if (sub === 'reconcile') {
      if (arg) throw usageError(`unexpected argument '${arg}'`, 'residents');
      return runReconcile(io, values);
    }
    if (sub === 'import') {
      const report = values['from-reconcile'];
      if (!arg && !report) throw usageError('residents import needs a file', 'residents');
      if (arg && report) throw usageError('give a file or --from-reconcile, not both', 'residents');
      return importResidents(io, arg ?? null, {
        report,
        prefer: values.prefer,
        replace: values.replace ?? false,
        dryRun: values['dry-run'] ?? false,
        strict: values.strict ?? false,
        config: values.config,
      });
    }
    if (sub === 'list') {
      const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
      if (!Number.isInteger(limit) && limit !== Number.POSITIVE_INFINITY)
        throw usageError('--limit must be a number', 'residents');
      const ctx = openContext(io, values.config);
      const { store } = await openStore(ctx);
      io.stdout.write(`${values.mismatches ? listMismatches(store, limit) : listResidents(store, limit)}\n`);
      return 0;
    }
    if (sub === 'show') {
      if (!arg || !/^\d{16}$/.test(arg)) throw usageError('residents show needs a 16-digit NIK', 'residents');
      const ctx = openContext(io, values.config);
      const { store } = await openStore(ctx);
      const r = store.get(arg);
      if (!r) throw new KioskError('resident_not_found', `no resident with NIK ${maskNik(arg)}`);
      io.stdout.write(`${showResident(store, r)}\n`);
      return 0;
    }
    throw usageError(
      sub ? `unknown subcommand '${sub}'` : 'missing subcommand (import, reconcile, list, show)',
      'residents',
    );
  },
};

export default residents;

async function importResidents(
  io: CommandIo,
  input: string | null,
  opts: {
    report: string | undefined;
    prefer: string | undefined;
    replace: boolean;
    dryRun: boolean;
    strict: boolean;
    config: string | undefined;
  },
): Promise<number> {
  const ctx = openContext(io, opts.config);
  const started = Date.now();
  // A technician at a terminal sees a large spreadsheet being read (a minute on a Pi);
  // piped output and logs stay clean.
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let progressShown = false;
  const parseOpts = {
    strict: opts.strict,
    onRows: tty
      ? (n: number) => {
          progressShown = true;
          io.stderr.write(`\rreading: ${n.toLocaleString('en')} rows…`);
        }
      : undefined,
  };
  const {
    parsed,
    file,
    notes: fromReport,
  } = input === null
    ? await parseFromReconcile(opts.report ?? '', opts.prefer, parseOpts)
    : { parsed: await parseResidentFile(input, parseOpts), file: input, notes: [] };
  if (progressShown) io.stderr.write('\r\x1b[K'); // clear the progress line
  const where = parsed.kind !== 'csv' ? `sheet "${parsed.sheet}" row` : 'line';
  const notes = [...parsed.skipped, ...parsed.warnings].sort((a, b) => a.line - b.line);
  for (const s of notes) io.stderr.write(`${file}: ${where} ${s.line}: warning: ${s.message}\n`);
  if (parsed.problems.length > 0) {
    for (const p of parsed.problems) io.stderr.write(`${file}: ${where} ${p.line}: ${p.message}\n`);
    const badRows = new Set(parsed.problems.map((p) => p.line)).size;
    io.stderr.write(
      `import refused: ${parsed.problems.length} problem(s) in ${badRows} of ${parsed.rows} row(s). ` +
        'Nothing was imported: fix the file and import it again.\n',
    );
    return 1;
  }
  const { store } = await openStore(ctx);
  const cardConflicts = conflictingCards(store, parsed, opts.replace);
  if (cardConflicts.length > 0) {
    for (const c of cardConflicts) io.stderr.write(`${file}: ${where} ${c.line}: ${c.message}\n`);
    io.stderr.write(
      'import refused: cards in the file are bound to other residents. Nothing was imported.\n',
    );
    return 1;
  }
  // Residents and their cards in one write: all or nothing, across a crash too.
  const { residents: result, cards } = opts.dryRun
    ? {
        residents: preview(store, parsed.residents, opts.replace),
        cards: parsed.cards.filter((c) => store.findByCard(c.uid)?.nik !== c.nik).length,
      }
    : await store.importResidents(parsed.residents, parsed.cards, { replace: opts.replace });
  if (!opts.dryRun) settleOwnership(ctx);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    `${opts.dryRun ? 'DRY RUN, nothing changed: would import' : 'imported'} ${file} ` +
      `(${FORMAT_NAMES[parsed.format]}, ${parsed.rows} rows, ${seconds} s)`,
    ...fromReport,
    ...howRead(parsed),
    `  added:     ${result.added}`,
    `  updated:   ${result.updated}`,
    `  unchanged: ${result.unchanged}`,
  ];
  if (opts.replace) lines.push(`  removed:   ${result.removed}`);
  lines.push(`  cards bound: ${cards}`);
  if (parsed.mismatches.length > 0) {
    const rows = new Set(parsed.mismatches.map((m) => m.line)).size;
    lines.push(
      `  NIK / birth date or sex mismatches: ${rows} (imported; listed above by line; later: anjungan residents list --mismatches)`,
    );
  }
  if (parsed.skipped.length > 0) lines.push(`  skipped:   ${parsed.skipped.length} (no NIK)`);
  const inactive = parsed.residents.filter((r) => r.status_dasar !== 'HIDUP').length;
  if (inactive > 0) lines.push(`  kept, but no letters (status not HIDUP): ${inactive}`);
  lines.push(
    `  residents now: ${opts.dryRun ? store.count() + result.added - result.removed : store.count()}`,
  );
  if (!opts.dryRun && result.added + result.updated + result.removed + cards > 0)
    lines.push(changeAppliedHint(ctx));
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

const FORMAT_NAMES: Record<ParsedResidentFile['format'], string> = {
  anjungan: 'kiosk CSV',
  opensid: 'OpenSID export',
  siak: 'SIAK export (Dukcapil)',
};

/** How the file was read: its encoding, its columns (SIAK) and how card numbers were read. */
function howRead(parsed: ParsedResidentFile): string[] {
  const out = parsed.readNotes.map((n) => `  ${n}`);
  if (parsed.encoding) out.push(`  text encoding: ${parsed.encoding}`);
  const c = parsed.cardColumn;
  if (c) {
    out.push(
      c.reading === 'decimal'
        ? `  card numbers: ${c.name} read as DECIMAL (the digits a keyboard-mode reader types)`
        : `  card numbers: ${c.name} read as HEX (the UID as a PC/SC reader reports it)`,
    );
  }
  return out;
}

/** Cards in the file already bound to a different NIK in the store (never silently moved). */
function conflictingCards(
  store: ResidentStore,
  parsed: ParsedResidentFile,
  replace: boolean,
): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  // With --replace, a holder missing from the file is removed with its cards: no conflict.
  const inFile = replace ? new Set(parsed.residents.map((r) => r.nik)) : null;
  for (const c of parsed.cards) {
    const holder = store.findByCard(c.uid);
    if (holder && holder.nik !== c.nik && (inFile === null || inFile.has(holder.nik))) {
      out.push({
        line: c.line,
        message: `this card is already bound to NIK ${maskNik(holder.nik)}; unbind it first (anjungan cards unbind)`,
      });
    }
  }
  return out;
}

/** What upsertMany would report, computed without writing. */
function preview(store: ResidentStore, incoming: Resident[], replace: boolean) {
  const result = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  const seen = new Set<string>();
  for (const r of incoming) {
    seen.add(r.nik);
    const old = store.get(r.nik);
    if (!old) result.added++;
    else if (RESIDENT_FIELDS.every((f) => old[f] === r[f])) result.unchanged++;
    else result.updated++;
  }
  if (replace) result.removed = store.all().filter((r) => !seen.has(r.nik)).length;
  return result;
}

function listResidents(store: ResidentStore, limit: number): string {
  const carded = new Set(store.bindings().map((b) => b.nik));
  const all = store.all().sort((a, b) => a.nama.localeCompare(b.nama));
  const rows = [['NIK', 'NAMA', 'DUSUN', 'RT/RW', 'STATUS', 'CARD']];
  for (const r of all.slice(0, limit)) {
    rows.push([
      maskNik(r.nik),
      r.nama,
      r.dusun || '-',
      `${r.rt || '-'}/${r.rw || '-'}`,
      r.status_dasar,
      carded.has(r.nik) ? 'yes' : '-',
    ]);
  }
  const more = all.length > limit ? `\n… and ${all.length - limit} more` : '';
  return `${table(rows)}${more}\n${all.length} resident(s), ${carded.size} with a card`;
}

/** Residents whose NIK disagrees with their recorded birth date or sex (kept, printed as recorded). */
function listMismatches(store: ResidentStore, limit: number): string {
  const rows = [['NIK', 'NAMA', 'MISMATCH']];
  const found = store
    .all()
    .map((r) => ({ r, why: mismatchText(r) }))
    .filter((x) => x.why !== '')
    .sort((a, b) => a.r.nama.localeCompare(b.r.nama));
  for (const { r, why } of found.slice(0, limit)) {
    rows.push([maskNik(r.nik), r.nama, why]);
  }
  const more = found.length > limit ? `\n… and ${found.length - limit} more` : '';
  return (
    `${table(rows)}${more}\n${found.length} of ${store.count()} resident(s) have a NIK that disagrees with ` +
    'their recorded birth date or sex; letters print tanggal_lahir as recorded'
  );
}

/** Where the NIK disagrees with the recorded birth date or sex, without the NIK; '' if nowhere. */
function mismatchText(r: Resident): string {
  return nikMismatches(r.nik, r.tanggal_lahir, r.jenis_kelamin)
    .map((m) => m.replace(/^NIK \S+: /, ''))
    .join('; ');
}

function showResident(store: ResidentStore, r: Resident): string {
  // NIK and KK number are identifiers: masked outside the printed letter.
  const rows = RESIDENT_FIELDS.map((f) => [
    f,
    f === 'nik' || f === 'no_kk' ? (r[f] ? maskNik(r[f]) : '-') : r[f] || '-',
  ]);
  const cards = store.bindings().filter((b) => b.nik === r.nik);
  rows.push([
    'cards',
    cards.length === 0
      ? 'none'
      : cards
          .map((c) => {
            const tails = c.hex_tail ? `, UID hex …${c.hex_tail} / decimal …${c.dec_tail}` : '';
            return `${c.card_key.slice(0, 8)} (${c.bound_at}${tails})`;
          })
          .join(', '),
  ]);
  rows.push(['letters', r.status_dasar === 'HIDUP' ? 'allowed' : `refused (status ${r.status_dasar})`]);
  const mismatches = nikMismatches(r.nik, r.tanggal_lahir, r.jenis_kelamin);
  if (mismatches.length > 0)
    rows.push(['NIK check', mismatches.map((m) => m.replace(/^NIK \S+: /, '')).join('; ')]);
  return table(rows);
}
