import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { composeLetter, type LetterContext } from '../../src/letters/compose-letter.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { renderDocumentText, toAscii, wrapText } from '../../src/letters/text-layout.ts';
import type { Resident } from '../../src/store/resident.ts';
import { sampleResident } from '../support/letter-fixtures.ts';

const types = loadLetterTypes({});
const typeOf = (id: string) => {
  const t = types.find((x) => x.id === id);
  if (!t) throw new Error(id);
  return t;
};

const resident: Resident = sampleResident();

function ctx(over: Partial<LetterContext> = {}): LetterContext {
  return {
    village: defaultConfig().village,
    resident,
    type: typeOf('domisili'),
    number: '470/001/1809102004/XI/2026',
    purpose: 'Pembukaan rekening bank',
    issuedAt: new Date(2026, 10, 23, 10, 30),
    token: 'AJ1.claims.signature',
    columns: 32,
    ...over,
  };
}

const text = (c: LetterContext) => renderDocumentText(composeLetter(c));
const joined = (c: LetterContext) => text(c).join('\n');

for (const columns of [32, 48] as const) {
  test(`${columns} columns: every line fits and is plain ASCII, for every letter type`, () => {
    for (const type of types) {
      const lines = text(ctx({ columns, type }));
      for (const line of lines) {
        assert.ok(line.length <= columns, `${type.id}: "${line}" is ${line.length} > ${columns}`);
        assert.match(line, /^[\x20-\x7e]*$/, `${type.id}: non-ASCII in "${line}"`);
      }
    }
  });

  test(`${columns} columns: the letter carries title, number, full NIK, name and the facts`, () => {
    const all = joined(ctx({ columns }));
    for (const expected of [
      'PEMERINTAH KABUPATEN PESAWARAN',
      'KECAMATAN TELUK PANDAN',
      'DESA HANURA',
      'SURAT KETERANGAN DOMISILI',
      '470/001/1809102004/XI/2026',
      '1809105208850003',
      'SITI AMINAH',
      'Yang bertanda tangan di bawah ini',
      'Pembukaan rekening bank',
      'Hanura, 23 November 2026',
      'Kepala Desa Hanura',
      'SUPRIYANTO',
    ]) {
      assert.ok(all.replace(/\n/g, ' ').replace(/ +/g, ' ').includes(expected), `missing "${expected}"`);
    }
    const flat = all.replace(/\s+/g, ' ');
    assert.ok(flat.includes('12 Agustus 1985'), 'birth date in Indonesian');
    assert.ok(flat.includes('Berlaku: 23 November 2026 s/d 23 Desember 2026'), 'validity');
    assert.ok(
      flat.includes('Demikian surat keterangan ini dibuat untuk dapat dipergunakan sebagaimana mestinya.'),
    );
    assert.ok(flat.includes('RT 002/RW 001'), 'address with RT/RW');
    assert.ok(flat.includes('Dusun Sukamaju'), 'address with dusun');
  });
}

test('the title is bold and centred, the number numbered, the letter ends with a cut', () => {
  const doc = composeLetter(ctx({ columns: 48 }));
  const title = doc.blocks.find((b) => b.kind === 'text' && b.text === 'SURAT KETERANGAN DOMISILI');
  assert.equal(title, { kind: 'text', text: 'SURAT KETERANGAN DOMISILI', align: 'center', bold: true });
  assert.ok(doc.blocks.some((b) => b.kind === 'text' && b.text === 'Nomor: 470/001/1809102004/XI/2026'));
  assert.equal(doc.blocks.at(-1), { kind: 'cut' });
  assert.is(doc.columns, 48);
  assert.is(doc.title, 'SURAT KETERANGAN DOMISILI');
});

test('a number longer than the line breaks after a slash, never inside a part', () => {
  const number = '400.12.3.2/001/1809102004/XI/2026';
  const lines = text(ctx({ number, columns: 32 }));
  const at = lines.indexOf('Nomor:');
  assert.equal(lines.slice(at + 1, at + 3), ['400.12.3.2/001/1809102004/XI/', '2026']);
});

test('identity block: field blocks with the full NIK', () => {
  const doc = composeLetter(ctx({ columns: 48 }));
  const fields = doc.blocks.flatMap((b) => (b.kind === 'field' ? [[b.label, b.value]] : []));
  assert.equal(fields.slice(0, 3), [
    ['Nama', 'SITI AMINAH'],
    ['NIK', '1809105208850003'],
    ['Tempat/Tgl Lahir', 'Pesawaran, 12 Agustus 1985'],
  ]);
  assert.ok(fields.some(([l, v]) => l === 'Kewarganegaraan' && v === 'WNI'));
});

test('final letters carry the token as a QR with a caption saying how to verify', () => {
  const doc = composeLetter(ctx());
  const qr = doc.blocks.filter((b) => b.kind === 'qr');
  assert.is(qr.length, 1);
  assert.is(qr[0]?.kind === 'qr' && qr[0].data, 'AJ1.claims.signature');
  const caption = qr[0]?.kind === 'qr' ? (qr[0].caption ?? '') : '';
  assert.match(caption, /Cek keaslian surat: pindai kode QR ini di Kantor Desa Hanura\./);
  assert.match(caption, /segel elektronik anjungan Desa Hanura/);
  assert.match(caption, /bukan tanda tangan Kepala Desa\./);
  assert.not.ok(joined(ctx()).includes('BELUM BERLAKU'));
});

test('with letters.verify_url the QR holds <verify_url>#<token> and says to scan with a phone', () => {
  const doc = composeLetter(ctx({ verifyUrl: 'https://anjungan.pesawarankab.go.id/v/' }));
  const qr = doc.blocks.find((b) => b.kind === 'qr');
  assert.is(qr?.kind === 'qr' && qr.data, 'https://anjungan.pesawarankab.go.id/v/#AJ1.claims.signature');
  assert.match(qr?.kind === 'qr' ? (qr.caption ?? '') : '', /pindai kode QR ini dengan kamera ponsel/);
});

test('pengantar letters: numbered, QR, boxed "not valid until signed" notice', () => {
  for (const columns of [32, 48] as const) {
    const c = ctx({ columns, type: typeOf('sktm'), number: '460/007/1809102004/XI/2026' });
    const doc = composeLetter(c);
    assert.is(doc.blocks.filter((b) => b.kind === 'qr').length, 1, 'a pengantar carries the QR too');
    const lines = text(c);
    const flat = lines.join(' ').replace(/[|\s]+/g, ' ');
    assert.ok(flat.includes('460/007/1809102004/XI/2026'));
    assert.ok(flat.includes('SURAT PENGANTAR'));
    assert.ok(flat.includes('BELUM BERLAKU SEBELUM DITANDATANGANI DAN DICAP DI KANTOR DESA HANURA'), flat);
    const box = lines.filter((l) => l.startsWith('+-') && l.endsWith('-+'));
    assert.is(box.length, 2, 'box top and bottom');
    assert.ok(box.every((l) => l.length === columns));
  }
});

test('a 60-character name wraps under itself and is printed whole', () => {
  const nama = 'RADEN MAS MUHAMMAD ABDURRAHMAN WIRYOKUSUMO HADININGRAT PUTRA';
  assert.is(nama.length, 60);
  for (const columns of [32, 48] as const) {
    const lines = text(ctx({ columns, resident: { ...resident, nama } }));
    const start = lines.findIndex((l) => l.startsWith('Nama'));
    const nameLines = [lines[start] ?? ''];
    for (let k = start + 1; lines[k]?.startsWith('   '); k++) nameLines.push(lines[k] ?? '');
    assert.ok(nameLines.length >= 2, 'wrapped');
    const value = nameLines.map((l) =>
      l.slice(l.indexOf(':') >= 0 && l === nameLines[0] ? l.indexOf(':') + 2 : 0).trim(),
    );
    assert.is(value.join(' '), nama);
    const indent = (nameLines[0] ?? '').indexOf(':') + 2;
    assert.ok(
      nameLines.slice(1).every((l) => l.search(/\S/) === indent),
      'continuation aligned under the value',
    );
  }
});

test('non-ASCII text is transliterated, never printed raw', () => {
  const lines = text(
    ctx({
      resident: {
        ...resident,
        nama: 'JOSÉ \u2018BUDI\u2019 ÑOÑO \u201CAJI\u201D',
        alamat: 'Jl. Cempaka \u2013 Blok Ä',
      },
    }),
  );
  const flat = lines.join(' ').replace(/\s+/g, ' ');
  assert.ok(flat.includes('JOSE \'BUDI\' NONO "AJI"'), flat);
  assert.ok(flat.includes('Jl. Cempaka - Blok A'));
  assert.is(toAscii('café…\u00a0日'), 'cafe... ?');
});

test('kelurahan and a.n. signing', () => {
  const village = {
    ...defaultConfig().village,
    kind: 'kelurahan' as const,
    head_title: 'Sekretaris Kelurahan',
  };
  const flat = text(ctx({ village, columns: 48 }))
    .join(' ')
    .replace(/\s+/g, ' ');
  assert.ok(flat.includes('KELURAHAN HANURA'));
  assert.ok(flat.includes('a.n. Lurah Hanura'));
  assert.ok(flat.includes('Sekretaris Kelurahan'));
  assert.ok(flat.includes('Yang bertanda tangan di bawah ini, Sekretaris Kelurahan, atas nama Lurah Hanura'));
});

test('no validity line when validity_days is 0; a logo becomes an image block first', () => {
  const type = { ...typeOf('domisili'), validity_days: 0 };
  const logo = Buffer.from('89504e47', 'hex');
  const doc = composeLetter(ctx({ type, logo }));
  assert.not.ok(renderDocumentText(doc).join(' ').includes('Berlaku'));
  assert.equal(doc.blocks[0], { kind: 'image', png: logo, align: 'center' });
});

test('wrapText: never longer than the width, long words broken, short text kept as is', () => {
  assert.equal(wrapText('| a   b |', 12), ['| a   b |']);
  assert.equal(wrapText('abcdefghij klm', 4), ['abcd', 'efgh', 'ij', 'klm']);
  for (const w of [5, 8, 13]) {
    for (const l of wrapText(
      'satu dua tiga empat lima enam tujuh delapan sembilan sepuluhsebelasduabelas',
      w,
    )) {
      assert.ok(l.length <= w, l);
    }
  }
});

test.run();
