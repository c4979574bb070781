/**
 * Reads a resident file into a header row and text rows, each with the line a technician finds
 * it on: the text line for CSV, the spreadsheet row number for .xlsx/.xlsm. Everything becomes a
 * string here; the mappers decide what the strings mean.
 */
import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { KioskError } from '../errors.ts';
import { decodeText, type TextEncodingName } from './decode-text.ts';

export interface TableRow {
  /** CSV: line number of the record's first line (1 = header). XLSX: spreadsheet row number. */
  line: number;
  cells: string[];
  /** Problems found while reading cells (e.g. a NIK stored as a number that lost digits). */
  cellProblems?: string[];
}

export interface Table {
  kind: 'csv' | 'xlsx' | 'xls';
  /** The text encoding a CSV was read in (null for a spreadsheet). */
  encoding: TextEncodingName | null;
  /** Sheet name for xlsx. */
  sheet: string | null;
  /** Header names, trimmed and lower-cased. */
  headers: string[];
  headerLine: number;
  rows: TableRow[];
}

/** OpenSID's export sheet. */
export const OPENSID_SHEET = 'Data Penduduk';

export interface ReadOptions {
  /** Called every PROGRESS_ROWS rows of a spreadsheet (a large one takes a while on a Pi). */
  onRows?: ((rowsRead: number) => void) | undefined;
}

const PROGRESS_ROWS = 5000;

/** Reads `path` as xlsx (by its zip signature) or CSV (anything else). */
export async function readTable(path: string, opts: ReadOptions = {}): Promise<Table> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new KioskError('import_invalid', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  // .xlsx/.xlsm are zip files ("PK\3\4"); Excel 97-2003 .xls (BIFF8, as SIAK exports) is an OLE2
  // compound file. An ".xls" that is neither (SIAK versions that write an HTML table) goes to
  // the same reader, which knows those too.
  if (head.readUInt32BE(0) === 0x504b0304) return readXlsx(path, opts);
  if (head.readUInt32BE(0) === 0xd0cf11e0 || extname(path).toLowerCase() === '.xls')
    return readWithSheetJs(path, opts, 'xls');
  return readCsv(path);
}

function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

async function readCsv(path: string): Promise<Table> {
  const { text, encoding } = decodeText(await readFile(path), path);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // Spreadsheet programs in an Indonesian locale save CSV with ';' (the comma is the decimal mark).
  const delimiter = [';', '\t', ','].reduce(
    (best, d) => (count(firstLine, d) > count(firstLine, best) ? d : best),
    ',',
  );
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (err) {
    const where = (err as { lines?: number }).lines;
    throw new KioskError(
      'import_invalid',
      `${path}${where ? ` line ${where}` : ''}: not a readable CSV file: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const [header, ...rest] = records;
  if (!header) throw new KioskError('import_invalid', `${path} is empty`);
  const width = header.record.length;
  const lineOf = startLines(text);
  let end = 0;
  const numbered = records.map((r) => {
    const line = lineOf(end);
    end = r.info.bytes;
    return line;
  });
  return {
    kind: 'csv',
    encoding,
    sheet: null,
    headers: header.record.map(normaliseHeader),
    headerLine: numbered[0]!,
    rows: rest.map((r, i) => {
      const line = numbered[i + 1]!;
      if (r.record.length === width) return { line, cells: r.record };
      // Never guess which cell is extra or missing: an unquoted comma in an address would shift
      // every later field (RT into RW, RW into dusun) onto the printed letter.
      return {
        line,
        cells: r.record,
        cellProblems: [
          `has ${r.record.length} cells but the header has ${width}` +
            (r.record.length > width
              ? ' (a comma or semicolon inside a value that is not in quotes?)'
              : ' (a missing cell?)'),
        ],
      };
    }),
  };
}

/**
 * The line a record starts on, from the UTF-8 byte offset where the previous one ended
 * (csv-parse's `info.bytes`), skipping the empty lines between them. csv-parse's own `lines` is
 * the line a record ENDS on (a quoted value spanning lines would be reported on its last line),
 * and it counts a CRLF inside quotes twice. Offsets only grow: one pass over the text in all.
 */
function startLines(text: string): (offset: number) => number {
  const bytes = Buffer.from(text, 'utf8');
  let pos = 0;
  let line = 1;
  return (offset) => {
    let start = offset;
    while (bytes[start] === 0x0d || bytes[start] === 0x0a) start++;
    for (let nl = bytes.indexOf(0x0a, pos); nl !== -1 && nl < start; nl = bytes.indexOf(0x0a, nl + 1)) line++;
    pos = start;
    return line;
  };
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/**
 * Streams the workbook (exceljs' WorkbookReader): a 100,000-row export is read in seconds without
 * holding every cell object in memory, which the full Workbook model would.
 */
async function readXlsx(path: string, opts: ReadOptions): Promise<Table> {
  // Loaded only for spreadsheets: exceljs takes ~0.25 s to load, which a CSV import need not pay.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const tables: { id: string; table: Table }[] = [];
  try {
    for await (const ws of reader) {
      const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string; id: string | number };
      tables.push({ id: String(sheet.id), table: await readSheet(sheet, sheet.name, opts) });
    }
  } catch (err) {
    if (err instanceof KioskError) throw err;
    // exceljs' stream reader needs the workbook part before the sheets in the zip; files written
    // by SheetJS-based tools put it after. SheetJS reads those (the whole file at once).
    return readWithSheetJs(path, opts, 'xlsx');
  }
  // exceljs' stream reader names a sheet only when the workbook's relationship targets are
  // relative; OpenSID-style files written with absolute targets ("/xl/worksheets/sheet1.xml")
  // come out as "Sheet1". Resolve those names from the workbook model ourselves.
  const names = sheetNames(reader as unknown as WorkbookModel);
  for (const t of tables) {
    if (t.table.sheet === `Sheet${t.id}`) t.table.sheet = names.get(t.id) ?? t.table.sheet;
  }
  const wanted = tables.find((t) => t.table.sheet?.trim().toLowerCase() === OPENSID_SHEET.toLowerCase());
  // A CSV re-saved as xlsx, or a renamed sheet: take the first sheet that has a nik column.
  const chosen = wanted ?? tables.find((t) => t.table.headers.includes('nik'));
  if (chosen) return chosen.table;
  throw new KioskError(
    'import_invalid',
    `${path} has no sheet "${OPENSID_SHEET}" nor any sheet with a 'nik' column (sheets: ${
      tables.map((t) => t.table.sheet).join(', ') || 'none'
    })`,
  );
}

/**
 * Legacy Excel through SheetJS (the `@e965/xlsx` build of SheetJS 0.20.3: the registry's `xlsx`
 * stopped at 0.18.5, which has known flaws reading untrusted files). exceljs reads only OOXML.
 * Cells come raw (numbers stay numbers: a serial date is a number, RT 8 is 8) and go through the
 * same cellText() as .xlsx cells.
 */
async function readWithSheetJs(path: string, opts: ReadOptions, kind: 'xls' | 'xlsx'): Promise<Table> {
  const XLSX = await import('@e965/xlsx');
  let wb: import('@e965/xlsx').WorkBook;
  try {
    // Raw values only (no formatted text, number formats, HTML or formulas), dense sheets:
    // about four times faster to turn into rows. `raw`: the text of an HTML-table ".xls" stays
    // text (SheetJS would otherwise guess "01-01-1940" into some date, a NIK into a number).
    wb = XLSX.read(await readFile(path), {
      type: 'buffer',
      raw: true,
      dense: true,
      cellDates: false,
      cellHTML: false,
      cellFormula: false,
      cellText: false,
      cellNF: false,
    });
  } catch (err) {
    throw new KioskError(
      'import_invalid',
      `${path} is not a readable .${kind} file: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const tables: Table[] = [];
  for (const name of wb.SheetNames) {
    const sheet = wb.Sheets[name];
    if (!sheet?.['!ref']) continue;
    const firstRow = XLSX.utils.decode_range(sheet['!ref']).s.r + 1;
    const values = XLSX.utils.sheet_to_json<unknown[]>(sheet, {
      header: 1,
      raw: true,
      blankrows: true,
      defval: null,
    });
    tables.push(
      await readSheet(
        rowsOf(values.map((v, i) => ({ number: firstRow + i, values: [undefined, ...v] }))),
        name,
        opts,
        kind,
      ),
    );
  }
  const chosen = tables.find((t) => t.headers.includes('nik'));
  if (chosen) return chosen;
  throw new KioskError(
    'import_invalid',
    `${path} has no sheet with a 'nik' column (sheets: ${wb.SheetNames.join(', ') || 'none'})`,
  );
}

async function* rowsOf<T>(rows: T[]): AsyncIterable<T> {
  yield* rows;
}

interface WorkbookModel {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { rId: string; name: string }[] };
}

function sheetNames(wb: WorkbookModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of wb.workbookRels ?? []) {
    const m = /(?:^|\/)worksheets\/sheet(\d+)\.xml$/.exec(rel.Target);
    const sheet = m && wb.model?.sheets?.find((s) => s.rId === rel.Id);
    if (m?.[1] && sheet) out.set(m[1], sheet.name);
  }
  return out;
}

/** The part of a spreadsheet row readSheet() needs: its number and 1-based sparse values. */
type SheetRow = { number: number; values: unknown };

async function readSheet(
  sheet: AsyncIterable<SheetRow>,
  name: string,
  opts: ReadOptions,
  kind: 'xlsx' | 'xls' = 'xlsx',
): Promise<Table> {
  let headers: string[] | null = null;
  let headerLine = 0;
  const rows: TableRow[] = [];
  for await (const row of sheet) {
    const values = row.values as unknown[];
    const cells: string[] = [];
    const problems: string[] = [];
    // row.values is 1-based and sparse.
    for (let i = 1; i < values.length; i++) {
      const { text, problem } = cellText(values[i]);
      cells.push(text);
      if (problem && headers) problems.push(`${headers[i - 1] ?? `column ${i}`}: ${problem}`);
      else if (headers && i > headers.length && text !== '')
        problems.push(`has a value in column ${i}, but the header has ${headers.length} columns`);
    }
    if (!headers) {
      if (cells.every((c) => c === '')) continue;
      headers = cells.map(normaliseHeader);
      headerLine = row.number;
      continue;
    }
    if (cells.every((c) => c === '')) continue;
    rows.push(
      problems.length > 0 ? { line: row.number, cells, cellProblems: problems } : { line: row.number, cells },
    );
    if (rows.length % PROGRESS_ROWS === 0) opts.onRows?.(rows.length);
  }
  return { kind, encoding: null, sheet: name, headers: headers ?? [], headerLine, rows };
}

function cellText(value: unknown): { text: string; problem?: string } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') {
    // U+FFFD is a letter lost by an earlier conversion: never store it (it would be printed).
    if (value.includes('\uFFFD'))
      return {
        text: value.trim(),
        problem: 'contains "\uFFFD", a letter lost by an earlier conversion: retype it',
      };
    return { text: value.trim() };
  }
  if (typeof value === 'number') {
    // A 16-digit NIK typed into a number cell is rounded by the spreadsheet beyond 2^53.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return {
        text: value.toFixed(0),
        problem: `${value.toFixed(0)} is stored as a number and lost its last digits: format the column as Text and type the value again`,
      };
    }
    return { text: Number.isInteger(value) ? value.toFixed(0) : String(value) };
  }
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date)
    return { text: Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10) };
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (v.richText)
      return {
        text: v.richText
          .map((p) => p.text)
          .join('')
          .trim(),
      };
    if (v.error) return { text: '', problem: `cell holds the error ${v.error}` };
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return { text: v.text.trim() };
  }
  return { text: String(value).trim() };
}
