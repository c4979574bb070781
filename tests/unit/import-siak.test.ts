/** Dukcapil's SIAK export: real BIFF8 .xls, .xlsx and CSV of the same columns. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseResidentFile } from '../../src/import/parse-resident-file.ts';
import { excelSerialToIso } from '../../src/import/siak.ts';
import {
  isoToExcelSerial,
  type SiakPerson,
  siakPerson,
  writeSiak,
  writeSiakHtmlXls,
} from '../support/siak-fixtures.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'anj-siak-'));

test('Excel serial dates: 1900 date system with its phantom 29 February 1900', () => {
  assert.is(excelSerialToIso(1), '1900-01-01');
  assert.is(excelSerialToIso(59), '1900-02-28');
  assert.is(excelSerialToIso(60), null, 'the 29 February 1900 Excel counts never was');
  assert.is(excelSerialToIso(61), '1900-03-01');
  assert.is(excelSerialToIso(34703), '1995-01-04', "a date in OpenSID's SIAK sample");
  assert.is(excelSerialToIso(1.5), null);
  for (const iso of ['1940-01-01', '1972-06-05', '2000-02-29', '2026-12-04'])
    assert.is(excelSerialToIso(isoToExcelSerial(iso)), iso);
});

function people(): SiakPerson[] {
  const out = [0, 1, 2, 3, 4].map(siakPerson);
  out[1]!.textDate = true; // typed as DD-MM-YYYY
  out[2]!.status = 'Pindah Dalam Negeri';
  out[3]!.status = 'Mati';
  out[4]!.status_kawin = 'Cerai Mati';
  return out;
}

for (const kind of ['xls', 'xlsx', 'csv'] as const) {
  test(`SIAK export as .${kind}: serial dates, numeric RT/RW and mixed-case words become the kiosk's values`, async () => {
    const file = path.join(tmp(), `siak.${kind}`);
    const want = people();
    writeSiak(file, want, kind);
    if (kind === 'xls')
      assert.equal([...fs.readFileSync(file).subarray(0, 4)], [0xd0, 0xcf, 0x11, 0xe0], 'OLE2 (BIFF8)');
    const r = await parseResidentFile(file, { today: new Date('2026-01-01') });
    assert.is(r.format, 'siak');
    assert.equal(r.problems, []);
    assert.is(r.residents.length, 5);
    const [a, b, c, d, e] = r.residents;
    assert.equal(
      { ...a },
      {
        nik: want[0]!.nik,
        no_kk: want[0]!.no_kk,
        nama: 'WARGA LAKI 0',
        tempat_lahir: 'PESAWARAN',
        tanggal_lahir: want[0]!.tanggal_lahir,
        jenis_kelamin: 'LAKI-LAKI',
        agama: 'ISLAM',
        status_perkawinan: 'BELUM KAWIN',
        pekerjaan: 'MENGURUS RUMAH TANGGA',
        kewarganegaraan: '',
        alamat: 'DSN HANURA',
        rt: '001',
        rw: '002',
        dusun: '',
        status_dasar: 'HIDUP',
      },
    );
    assert.is(b?.tanggal_lahir, want[1]!.tanggal_lahir, 'a text date DD-MM-YYYY');
    assert.is(b?.jenis_kelamin, 'PEREMPUAN');
    assert.is(c?.status_dasar, 'PINDAH');
    assert.is(d?.status_dasar, 'MATI');
    assert.is(e?.status_perkawinan, 'CERAI MATI');
    assert.ok(
      r.readNotes.includes(
        'Tanggal Lahir: 4 Excel serial number(s) (1900 date system), 1 text date(s) (day first)',
      ),
      r.readNotes.join('\n'),
    );
    assert.ok(r.readNotes.some((n) => /^RT, RW: 10 number\(s\) written as 3 digits/.test(n)));
    assert.ok(r.readNotes.some((n) => /Perempuan → PEREMPUAN/.test(n) || /Laki-Laki → LAKI-LAKI/.test(n)));
    assert.ok(
      r.readNotes.includes('24 other column(s) read and dropped (not stored)'),
      r.readNotes.join('\n'),
    );
  });
}

test('an HTML-table ".xls" keeps its text: dates as written, a NIK above 2^53 exact', async () => {
  const file = path.join(tmp(), 'siak.xls');
  const p = people();
  p[0]!.nik = '9271014101900001'; // above 2^53: a number would lose its last digits
  p[0]!.tanggal_lahir = '1990-01-01';
  writeSiakHtmlXls(file, p);
  const r = await parseResidentFile(file, { today: new Date('2026-01-01') });
  assert.is(r.format, 'siak');
  assert.equal(r.problems, []);
  assert.is(r.residents[0]?.nik, '9271014101900001');
  assert.equal(
    r.residents.map((x) => x.tanggal_lahir),
    p.map((x) => x.tanggal_lahir),
  );
});

test('SIAK rows follow the same rules: mismatches warn, a refused row is named with its line', async () => {
  const file = path.join(tmp(), 'siak.xls');
  const p = people();
  p[2]!.tanggal_lahir = '1941-01-03'; // NIK says 1940: a mismatch, imported
  p[3]!.nik = '180910010140'; // too short: refused
  writeSiak(file, p, 'xls');
  const r = await parseResidentFile(file, { today: new Date('2026-01-01') });
  assert.equal(r.problems, [
    { line: 5, message: "NIK '************0140' must be 16 digits (has 12 digits)" },
  ]);
  assert.equal(
    r.mismatches.map((m) => m.line),
    [4],
  );
});

test.run();
