/**
 * `anjungan letters list|show|export`: the letter register for the village office's register
 * book. Residents appear by name and masked NIK, resolved through the resident store from the
 * register's `resident_ref`; the register is opened read-only, so this is safe while the kiosk runs.
 */
import { writeFileSync } from 'node:fs';
import { KioskError } from '../errors.ts';
import { isIsoDate } from '../import/nik.ts';
import { loadLetterTypes } from '../letters/letter-types.ts';
import type { LetterRegister, RegisterEntry } from '../letters/register.ts';
import type { ResidentStore } from '../store/resident-store.ts';
import type { Command } from './command.ts';
import {
  CONFIG_HELP,
  CONFIG_OPTION,
  openContext,
  openRegister,
  openStoreForNames,
  parseCommandArgs,
  table,
  usageError,
} from './context.ts';
import { PDF_HELP, pdfCommand } from './letters-pdf.ts';
import { REVOKE_HELP, revokeCommand } from './letters-revoke.ts';

const HELP = `Usage:
  anjungan letters list [--date YYYY-MM-DD | --month YYYY-MM] [--type T] [--config FILE]
  anjungan letters show <number> [--config FILE]
  anjungan letters export --month YYYY-MM [--type T] [--out FILE] [--config FILE]
  anjungan letters revoke <number> --reason "…" [--code C] [--wait S] [--config FILE]
  anjungan letters pdf <number> --out FILE [--paper a4|f4] [--config FILE]

list     Letters issued (every status: printing, printed, failed, interrupted), oldest first.
show     One letter: number, type, status, time, purpose, resident (name, masked NIK).
export   One month as CSV for the office's register book (standard output unless --out).
${REVOKE_HELP}
${PDF_HELP}

Options:
  --date D        only letters of that day (the kiosk's local time)
  --month M       only letters of that month
  --type T        only letters of that type id (sktm, domisili, …)
  --out FILE      export: write the CSV to FILE (UTF-8 with BOM, opens in spreadsheet programs)
${CONFIG_HELP}

On a kiosk run it with sudo: the register and the keys are the service user's. Where the
register is readable but the keys are not, residents appear by masked NIK only.

Exit codes: 0 done, 1 letter not found or register unreadable, 2 wrong usage.`;

const EXPORT_COLUMNS = [
  'number',
  'letter_type',
  'title',
  'status',
  'issued_at',
  'purpose',
  'policy',
  'resident_name',
  'nik_masked',
  'reason',
  'updated_at',
] as const;

const letters: Command = {
  name: 'letters',
  summary: 'the letter register: list, show, export a month as CSV, revoke, pdf',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...CONFIG_OPTION,
        date: { type: 'string' },
        month: { type: 'string' },
        type: { type: 'string' },
        out: { type: 'string' },
        reason: { type: 'string' },
        code: { type: 'string' },
        wait: { type: 'string' },
        paper: { type: 'string' },
      },
      'letters',
    );
    const [sub, ...args] = positionals;
    if (sub === 'revoke') return revokeCommand(args, values, io);
    if (sub === 'pdf') return pdfCommand(args, values, io);
    if (values.date !== undefined && !isIsoDate(values.date)) {
      throw usageError(`--date '${values.date}' is not a date: give YYYY-MM-DD, e.g. 2026-10-15`, 'letters');
    }
    if (values.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) {
      throw usageError(`--month '${values.month}' is not a month: give YYYY-MM, e.g. 2026-10`, 'letters');
    }
    if (values.date !== undefined && values.month !== undefined) {
      throw usageError('give --date or --month, not both', 'letters');
    }
    if (sub !== 'list' && sub !== 'show' && sub !== 'export') {
      throw usageError(
        sub ? `unknown subcommand '${sub}'` : 'missing subcommand (list, show, export, revoke, pdf)',
        'letters',
      );
    }
    if (sub === 'show' && args.length !== 1)
      throw usageError('letters show takes one letter number', 'letters');
    if (sub !== 'show' && args.length > 0) throw usageError(`unexpected argument '${args[0]}'`, 'letters');
    if (sub === 'export' && values.month === undefined)
      throw usageError('letters export needs --month YYYY-MM', 'letters');

    const ctx = openContext(io, values.config);
    const register = await openRegister(ctx);
    try {
      const store = await openStoreForNames(ctx);
      const titles = typeTitles(ctx.config.letters.types);
      if (values.type !== undefined) checkType(values.type, titles, register);
      if (sub === 'show') {
        const e = register.find(args[0]!);
        if (!e) throw new KioskError('letter_not_found', `no letter numbered ${args[0]} in ${register.file}`);
        io.stdout.write(`${showEntry(e, store, titles)}\n`);
        return 0;
      }
      const filter = {
        ...(values.date !== undefined && { date: values.date }),
        ...(values.month !== undefined && { month: values.month }),
        ...(values.type !== undefined && { type: values.type }),
      };
      const entries = register.list(filter);
      if (sub === 'list') {
        const rows = [['NUMBER', 'TYPE', 'STATUS', 'ISSUED AT', 'PURPOSE', 'RESIDENT']];
        for (const e of entries) {
          rows.push([
            e.number,
            e.letter_type,
            e.revoked_at ? `${e.status}, revoked` : e.status,
            e.issued_at.slice(0, 19).replace('T', ' '),
            e.purpose,
            who(e, store),
          ]);
        }
        io.stdout.write(`${table(rows)}\n${entries.length} letter(s)\n`);
        return 0;
      }
      const csv = toCsv(entries, store, titles);
      if (values.out) {
        writeFileSync(values.out, `\uFEFF${csv}`);
        io.stdout.write(`${entries.length} letter(s) of ${values.month} written to ${values.out}\n`);
      } else {
        io.stdout.write(csv);
      }
      return 0;
    } finally {
      await register.close();
    }
  },
};

export default letters;

/** Letter type id → printed title; a register may hold types since removed from the config. */
function typeTitles(overrides: Parameters<typeof loadLetterTypes>[0]): Map<string, string> {
  try {
    return new Map(loadLetterTypes(overrides).map((t) => [t.id, t.title]));
  } catch {
    return new Map();
  }
}

/** A type id that is neither configured nor in the register is a typo, not "0 letters". */
function checkType(type: string, titles: Map<string, string>, register: LetterRegister): void {
  if (titles.has(type) || register.list({ type }).length > 0) return;
  throw usageError(`unknown letter type '${type}'; known: ${[...titles.keys()].join(', ')}`, 'letters');
}

/** Without permission to read the keys, names are unknown: the masked NIK still identifies the entry. */
const NAME_NEEDS_SUDO = '(name: run with sudo)';

function who(e: RegisterEntry, store: ResidentStore | null): string {
  const r = store?.byRef(e.resident_ref);
  return `${store ? (r?.nama ?? '(not in the resident list)') : NAME_NEEDS_SUDO} ${e.nik_masked}`;
}

function showEntry(e: RegisterEntry, store: ResidentStore | null, titles: Map<string, string>): string {
  const r = store?.byRef(e.resident_ref);
  return table([
    ['number', e.number],
    ['type', `${e.letter_type}${titles.has(e.letter_type) ? ` (${titles.get(e.letter_type)})` : ''}`],
    [
      'policy',
      e.policy === 'final' ? 'final (issued on the spot)' : 'pengantar (to be signed at the office)',
    ],
    ['status', `${e.status}${e.reason ? `: ${e.reason}` : ''}`],
    ...(e.revoked_at ? [['revoked', `${e.revoked_at}: ${e.revoke_reason ?? ''}`]] : []),
    ['issued at', e.issued_at],
    ['updated at', e.updated_at],
    ['purpose', e.purpose],
    ['resident', store ? (r?.nama ?? '(not in the resident list any more)') : NAME_NEEDS_SUDO],
    ['NIK', e.nik_masked],
  ]);
}

function toCsv(entries: RegisterEntry[], store: ResidentStore | null, titles: Map<string, string>): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const e of entries) {
    const row: Record<(typeof EXPORT_COLUMNS)[number], string> = {
      number: e.number,
      letter_type: e.letter_type,
      title: titles.get(e.letter_type) ?? '',
      status: e.status,
      issued_at: e.issued_at,
      purpose: e.purpose,
      policy: e.policy,
      resident_name: store?.byRef(e.resident_ref)?.nama ?? '',
      nik_masked: e.nik_masked,
      reason: e.reason ?? '',
      updated_at: e.updated_at,
    };
    lines.push(EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvCell(value: string): string {
  const v = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
