/**
 * Garbage campaign, target "import_rows" (issue 9, §3): resident files in the kiosk's CSV format
 * and as an OpenSID CSV export (';', CR LF), whose rows are good or broken in one of the ways
 * village files are (empty name, short NIK, impossible or future birth date, a NIK twice, a
 * random-UID card), with names full of quotes, separators and line breaks, through the real
 * reading and validation (parseResidentFile):
 *
 *   - it never throws for a bad row;
 *   - all or nothing: `problems` is empty exactly when no row is broken (then every row is a
 *     resident to import), so a file with one bad row imports nothing;
 *   - every broken row is named with its line (the line the row starts on), and no good row is.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseResidentFile } from '../../src/import/parse-resident-file.ts';
import { RESIDENT_FIELDS } from '../../src/store/resident.ts';
import { OPENSID_HEADER, synthResident } from '../../tests/support/import-fixtures.ts';

const DIR = mkdtempSync(join(tmpdir(), 'anj-garbage-import-'));
type Fault = 'none' | 'empty_nama' | 'short_nik' | 'bad_date' | 'future_date' | 'dup_nik' | 'random_card';
const FAULTS: Fault[] = [
  'none',
  'none',
  'none',
  'empty_nama',
  'short_nik',
  'bad_date',
  'future_date',
  'dup_nik',
  'random_card',
];
const NATIVE_HEADER = [...RESIDENT_FIELDS, 'card_uid'];

interface Row {
  fields: Record<string, string>;
  broken: boolean;
}

function cell(v: string, sep: string): string {
  return v.includes('"') || v.includes(sep) || v.includes('\n') || v.includes('\r')
    ? `"${v.replaceAll('"', '""')}"`
    : v;
}

/** The rows of a file: each a synthetic resident, broken as `fault` says. */
function rows(plan: { fault: Fault; name: string }[], opensid: boolean): Row[] {
  const out: Row[] = [];
  plan.forEach(({ fault, name }, i) => {
    const r = synthResident(i);
    let nik = r.nik;
    let date = r.tanggal_lahir;
    let nama = `${r.nama} ${name}`.trim();
    let card = '';
    let broken = true;
    if (fault === 'empty_nama') nama = '';
    else if (fault === 'short_nik') nik = '9876543';
    else if (fault === 'bad_date') date = '31-02-1990';
    else if (fault === 'future_date') date = '2999-01-01';
    else if (fault === 'dup_nik' && out.length > 0) nik = (out[0] as Row).fields.nik as string;
    else if (fault === 'random_card' && !opensid) card = '08A1B2C3';
    else broken = false;
    const fields: Record<string, string> = opensid
      ? {
          alamat: 'JL. RAYA HANURA',
          dusun: 'DUSUN II',
          rw: '002',
          rt: '001',
          nama,
          no_kk: `18091001010${String(i).padStart(5, '0')}`,
          nik,
          sex: r.female ? '2' : '1',
          tempatlahir: 'PESAWARAN',
          tanggallahir: date,
          agama_id: '1',
          pekerjaan_id: '9',
          status_kawin: '2',
          warganegara_id: '1',
          status_dasar: '1',
        }
      : {
          nik,
          no_kk: '',
          nama,
          tempat_lahir: 'PESAWARAN',
          tanggal_lahir: date,
          jenis_kelamin: r.female ? 'PEREMPUAN' : 'LAKI-LAKI',
          agama: 'ISLAM',
          status_perkawinan: 'KAWIN',
          pekerjaan: 'PETANI/PEKEBUN',
          kewarganegaraan: 'WNI',
          alamat: 'JL. RAYA HANURA',
          rt: '001',
          rw: '002',
          dusun: 'DUSUN I',
          status_dasar: 'HIDUP',
          card_uid: card,
        };
    out.push({ fields, broken });
  });
  return out;
}

/** The file's text and, for each row, the line it starts on. */
function fileText(all: Row[], opensid: boolean): { text: string; lines: number[] } {
  const sep = opensid ? ';' : ',';
  const eol = opensid ? '\r\n' : '\n';
  const header = opensid ? OPENSID_HEADER : NATIVE_HEADER;
  let text = header.join(sep) + eol;
  let line = 2;
  const lines: number[] = [];
  for (const r of all) {
    lines.push(line);
    const record = header.map((h) => cell(r.fields[h] ?? '', sep)).join(sep);
    line += (record.match(/\n/g)?.length ?? 0) + 1;
    text += record + eol;
  }
  return { text, lines };
}

const name = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z '".,;\n-]{1,12}$/).map((s) => s.trim()) },
);

export function importProperty() {
  let n = 0;
  return fc.asyncProperty(
    fc.boolean(),
    fc.array(fc.record({ fault: fc.constantFrom(...FAULTS), name }), { minLength: 1, maxLength: 8 }),
    async (opensid, plan) => {
      const all = rows(plan, opensid);
      const { text, lines } = fileText(all, opensid);
      const file = join(DIR, `residents-${n++ % 4}.csv`);
      writeFileSync(file, text);
      const parsed = await parseResidentFile(file, { today: new Date('2026-12-01T00:00:00Z') });
      const expected = new Set(lines.filter((_, i) => all[i]?.broken));
      const named = new Set(parsed.problems.map((p) => p.line));
      for (const l of expected) if (!named.has(l)) throw new Error(`broken row on line ${l} not named`);
      for (const l of named)
        if (!expected.has(l))
          throw new Error(
            `line ${l} named, but no broken row starts there: ${JSON.stringify(parsed.problems)}`,
          );
      if (expected.size === 0 && parsed.residents.length !== all.length)
        throw new Error(
          `${all.length} good rows, ${parsed.residents.length} residents (skipped: ${JSON.stringify(parsed.skipped)})`,
        );
    },
  );
}
