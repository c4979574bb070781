/**
 * Resident files as villages have them: OpenSID's example file (a NIK/birth date mismatch on
 * every row), rows with a cell too many or too few, text encodings, multi-line records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { parseResidentFile } from '../../src/import/parse-resident-file.ts';
import { composeLetter } from '../../src/letters/compose-letter.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { nativeCsv, writeOpensidExampleLike } from '../support/import-fixtures.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'anj-files-'));

async function refusal(file: string): Promise<string> {
  try {
    await parseResidentFile(file);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

test("OpenSID's example file imports: every NIK/birth date mismatch is a warning with its line", async () => {
  const file = path.join(tmp(), 'contoh_penduduk.xlsx');
  const people = await writeOpensidExampleLike(file);
  const r = await parseResidentFile(file, { today: new Date('2026-01-01') });
  assert.equal(r.problems, [], 'nothing refused');
  assert.is(r.residents.length, 97);
  assert.is(r.mismatches.length, 97);
  assert.equal(
    r.mismatches.map((m) => m.line),
    people.map((_, i) => i + 2),
    'one per row, with its spreadsheet row',
  );
  assert.ok(r.mismatches.filter((m) => /in the year \(/.test(m.message)).length > 80);
  assert.ok(r.mismatches.some((m) => /in the day, month and year/.test(m.message)));
  assert.equal(
    r.warnings.filter((w) => /differs from tanggal_lahir/.test(w.message)),
    r.mismatches,
    'listed as warnings',
  );
  // The birth date stays as the village recorded it (the letter prints it), not the NIK's.
  for (const [i, p] of people.entries()) assert.is(r.residents[i]?.tanggal_lahir, p.tanggallahir);
  for (const w of r.warnings) assert.not.ok(/\d{16}/.test(w.message), `masked: ${w.message}`);

  // The letter prints the birth date as recorded, not one derived from the NIK.
  const first = r.residents[0]!;
  const letter = composeLetter({
    village: defaultConfig().village,
    resident: first,
    type: loadLetterTypes({}).find((t) => t.id === 'domisili')!,
    number: '470/001/1809102004/XI/2026',
    purpose: 'Pembukaan rekening bank',
    issuedAt: new Date(2026, 10, 23, 10, 30),
    token: 'AJ1.claims.signature',
    columns: 48,
  });
  const born = letter.blocks.flatMap((b) =>
    b.kind === 'field' && b.label === 'Tempat/Tgl Lahir' ? [b.value] : [],
  );
  assert.equal(born, ['MANGSIT, 1 Januari 1940'], `recorded ${people[0]?.tanggallahir}, NIK says 1941`);

  const strict = await parseResidentFile(file, { today: new Date('2026-01-01'), strict: true });
  assert.is(strict.residents.length, 0, '--strict keeps the refusal');
  assert.is(new Set(strict.problems.map((p) => p.line)).size, 97);
});

test('a row with a cell too many or too few is refused, naming its line and both counts', async () => {
  const file = path.join(tmp(), 'warga.csv');
  const lines = nativeCsv(4).split('\n');
  // An address with an unquoted comma: every later cell would shift one field to the right.
  lines[2] = lines[2]!.replace('JL. RAYA HANURA', 'JL. PANTAI, NO 5');
  lines[4] = lines[4]!.replace(/,[^,]*$/, '');
  fs.writeFileSync(file, lines.join('\n'));
  const r = await parseResidentFile(file);
  assert.equal(
    r.problems.filter((p) => /cells/.test(p.message)),
    [
      {
        line: 3,
        message:
          'has 17 cells but the header has 16 (a comma or semicolon inside a value that is not in quotes?)',
      },
      { line: 5, message: 'has 15 cells but the header has 16 (a missing cell?)' },
    ],
  );
  assert.is(r.residents.length, 2, 'only the two whole rows are good (and nothing is imported)');
});

test('a spreadsheet row with a value beyond the last header column, or a U+FFFD, is refused', async () => {
  const file = path.join(tmp(), 'penduduk.xlsx');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data Penduduk');
  const [header, ...rows] = nativeCsv(3)
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  ws.addRow(header!);
  ws.addRow(rows[0]!);
  ws.addRow([...rows[1]!, 'NO 5']);
  ws.addRow(rows[2]!.map((c, i) => (i === 2 ? 'JOS\uFFFD' : c)));
  await wb.xlsx.writeFile(file);
  const r = await parseResidentFile(file);
  assert.equal(r.problems, [
    { line: 3, message: 'has a value in column 17, but the header has 16 columns' },
    { line: 4, message: 'nama: contains "\uFFFD", a letter lost by an earlier conversion: retype it' },
  ]);
});

test('a multi-line quoted record is reported on the line it starts on (LF, CRLF, CRLF inside quotes)', async () => {
  const file = path.join(tmp(), 'warga.csv');
  const csv = nativeCsv(4, (i, row) => {
    if (i === 1) {
      row.alamat = 'JL. RAYA\nHANURA\nBLOK C';
      row.nama = '';
    }
    if (i === 3) row.nama = '';
  });
  const variants: [string, string][] = [
    ['LF', csv],
    ['CRLF records, LF in quotes (Excel)', csv.replace(/\n(?=\d{16},|$)/g, '\r\n')],
    ['CRLF everywhere, an empty line', csv.replaceAll('\n', '\r\n').replace('\r\n', '\r\n\r\n')],
  ];
  for (const [what, text] of variants) {
    fs.writeFileSync(file, text);
    const r = await parseResidentFile(file);
    const shift = what.includes('empty line') ? 1 : 0;
    assert.equal(
      r.problems,
      [
        { line: 3 + shift, message: 'nama is empty' },
        { line: 7 + shift, message: 'nama is empty' },
      ],
      what,
    );
    assert.is(r.residents[1]?.nik, nativeCsvNik(2), 'the record after it keeps its place');
  }
});

function nativeCsvNik(i: number): string {
  return nativeCsv(i + 1)
    .split('\n')
    [i + 1]!.split(',')[0]!;
}

/** A kiosk CSV whose second resident is named `name`, encoded by `encode`. */
function namedCsv(name: string, delimiter = ','): string {
  return nativeCsv(2, (i, row) => {
    if (i === 1) row.nama = name;
  }).replaceAll(',', delimiter);
}

test('encodings: UTF-8 with and without BOM, UTF-16 (Excel "Unicode text"), Windows-1252', async () => {
  const dir = tmp();
  const cases: [string, Buffer, string][] = [
    ['UTF-8', Buffer.from(namedCsv('JOSÉ MARÍA'), 'utf8'), 'UTF-8'],
    [
      'UTF-8 BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(namedCsv('JOSÉ MARÍA'))]),
      'UTF-8',
    ],
    [
      'UTF-16LE BOM, tabs',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(namedCsv('JOSÉ MARÍA', '\t'), 'utf16le')]),
      'UTF-16LE',
    ],
    ['UTF-16LE, no BOM', Buffer.from(namedCsv('JOSÉ MARÍA', '\t'), 'utf16le'), 'UTF-16LE'],
    ['UTF-16BE BOM', Buffer.from(`\uFEFF${namedCsv('JOSÉ MARÍA')}`, 'utf16le').swap16(), 'UTF-16BE'],
    ['Windows-1252', Buffer.from(namedCsv('JOSÉ MARÍA'), 'latin1'), 'Windows-1252'],
  ];
  for (const [what, bytes, encoding] of cases) {
    const file = path.join(dir, 'warga.csv');
    fs.writeFileSync(file, bytes);
    const r = await parseResidentFile(file);
    assert.equal(r.problems, [], what);
    assert.is(r.encoding, encoding, what);
    assert.is(r.residents[1]?.nama, 'JOSÉ MARÍA', what);
  }
});

test('a file valid in none of them, or holding U+FFFD, is refused; no U+FFFD is ever kept', async () => {
  const dir = tmp();
  const file = path.join(dir, 'warga.csv');
  // 0x81 is unassigned in Windows-1252 and this is not UTF-8.
  fs.writeFileSync(
    file,
    Buffer.concat([Buffer.from(namedCsv('JOS'), 'latin1'), Buffer.from([0x81, 0xc9, 0x0a])]),
  );
  assert.match(
    await refusal(file),
    /is not text in UTF-8, UTF-16 or Windows-1252 \(byte 0x81 at offset \d+\)/,
  );
  fs.writeFileSync(file, namedCsv('JOS\uFFFD'));
  assert.match(await refusal(file), /warga\.csv line 3: contains the replacement character/);
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(namedCsv('JOS'), 'latin1'),
      Buffer.from([0xc9]),
    ]),
  );
  assert.match(await refusal(file), /says it is UTF-8 \(byte order mark\) but is not valid UTF-8/);
});

test.run();
