/**
 * The compact form residents are kept in, in memory and in residents.json (format 2): one row of
 * text per resident, the fields of RESIDENT_FIELDS joined by TAB, NIK first; all rows sorted by
 * NIK and joined by newlines into ONE string.
 *
 * Why: 100,000 residents as objects cost ~150 MB (15 strings and an object each, plus the garbage
 * of parsing them); as one string they cost its length (~17 MB), JSON.parse makes it without
 * garbage, and the sorted rows are their own NIK index (binary search over row offsets, no Map).
 * A lookup decodes one row: about a microsecond.
 *
 * Fields hold no control characters (they become spaces: a letter prints each field on a line)
 * and no character above U+00FF (written `\uXXXX`, `\` written `\\`), so the string stays
 * one byte per character in V8 however exotic one name is.
 */
import { RESIDENT_FIELDS, type Resident } from './resident.ts';

const TAB = 9;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPE = /[\\\u0100-\uffff]/g;
const UNESCAPE = /\\(\\|u[0-9a-fA-F]{4})/g;

/** The row of a resident: known fields only, as trimmed strings (a stray import field is dropped). */
export function encodeRow(r: Resident): string {
  const rec = r as unknown as Record<string, unknown>;
  let row = '';
  for (let i = 0; i < RESIDENT_FIELDS.length; i++) {
    const v = String(rec[RESIDENT_FIELDS[i]!] ?? '')
      .replace(CONTROL, ' ')
      .trim()
      .replace(ESCAPE, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    row += i === 0 ? v : `\t${v}`;
  }
  return row;
}

/** The resident of a row; fields missing at the end read as ''. */
export function decodeRow(row: string): Resident {
  const parts = row.split('\t');
  const escaped = row.includes('\\');
  const out = {} as Record<string, string>;
  for (let i = 0; i < RESIDENT_FIELDS.length; i++) {
    const v = parts[i] ?? '';
    out[RESIDENT_FIELDS[i]!] = escaped ? v.replace(UNESCAPE, unescapeOne) : v;
  }
  return out as unknown as Resident;
}

function unescapeOne(_: string, what: string): string {
  return what === '\\' ? '\\' : String.fromCharCode(Number.parseInt(what.slice(1), 16));
}

/** Rows sorted by their first field, in one string, with the offset of every row. */
export class RowTable {
  /** The rows joined by newlines (what residents.json stores). */
  readonly text: string;
  readonly #starts: Uint32Array;

  private constructor(text: string, starts: Uint32Array) {
    this.text = text;
    this.#starts = starts;
  }

  /** Rows in any order; throws when a key appears twice. */
  static fromRows(rows: string[]): RowTable {
    rows.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return RowTable.fromText(rows.join('\n'));
  }

  /** The stored text; sorts it when a hand edit left it unsorted; throws on an empty row or a key twice. */
  static fromText(text: string): RowTable {
    if (text === '') return new RowTable('', new Uint32Array(0));
    let n = 1;
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) n++;
    const starts = new Uint32Array(n);
    for (let i = 1, p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts[i++] = p + 1;
    const table = new RowTable(text, starts);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      if (table.#end(i) === starts[i]) throw new Error(`row ${i + 1} is empty`);
      if (i > 0) {
        const c = table.#compareRows(i - 1, i);
        if (c === 0) throw new Error(`NIK ending ${table.key(i).slice(-4)} appears twice`);
        if (c > 0) sorted = false;
      }
    }
    return sorted ? table : RowTable.fromRows(text.split('\n'));
  }

  get length(): number {
    return this.#starts.length;
  }

  row(i: number): string {
    return this.text.slice(this.#starts[i], this.#end(i));
  }

  /** The first field of row i. */
  key(i: number): string {
    const start = this.#starts[i]!;
    const tab = this.text.indexOf('\t', start);
    const end = this.#end(i);
    return this.text.slice(start, tab >= 0 && tab < end ? tab : end);
  }

  rows(): string[] {
    return this.text === '' ? [] : this.text.split('\n');
  }

  /** Index of the row whose first field is `key`, or -1. Binary search; allocates nothing. */
  find(key: string): number {
    let lo = 0;
    let hi = this.#starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#compareKey(mid, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  #end(i: number): number {
    return i + 1 < this.#starts.length ? this.#starts[i + 1]! - 1 : this.text.length;
  }

  /** Row i's key against `key`: < 0, 0, > 0. A key that is a prefix of another sorts first. */
  #compareKey(i: number, key: string): number {
    const text = this.text;
    const end = this.#end(i);
    let p = this.#starts[i]!;
    for (let k = 0; k < key.length; k++, p++) {
      const c = p < end ? text.charCodeAt(p) : TAB;
      if (c === TAB) return -1;
      const d = c - key.charCodeAt(k);
      if (d !== 0) return d;
    }
    return p >= end || text.charCodeAt(p) === TAB ? 0 : 1;
  }

  /** Keys of rows a and b compared as #compareKey does. */
  #compareRows(a: number, b: number): number {
    const text = this.text;
    const endA = this.#end(a);
    const endB = this.#end(b);
    for (let p = this.#starts[a]!, q = this.#starts[b]!; ; p++, q++) {
      const ca = p < endA ? text.charCodeAt(p) : TAB;
      const cb = q < endB ? text.charCodeAt(q) : TAB;
      if (ca === TAB || cb === TAB) return ca === cb ? 0 : ca === TAB ? -1 : 1;
      if (ca !== cb) return ca - cb;
    }
  }
}
