import { generateKeyPairSync } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderLetterPdf } from '../../src/letters/letter-pdf.ts';
import { verifyToken } from '../../src/letters/verification-token.ts';
import { sampleIssuedLetter } from '../support/archived-letter.ts';
import { pdfFirstPagePng, pdfPages, pdfText, popplerAvailable } from '../support/poppler.ts';
import { decodeQrPng } from '../support/qr-decode.ts';

const key = generateKeyPairSync('ed25519');
const hasPoppler = popplerAvailable();
const flat = (s: string) => s.replace(/\s+/g, ' ');

test('an A4 final letter: kop, title, number, full NIK, name, table, signer, one page', async () => {
  if (!hasPoppler) return;
  const letter = sampleIssuedLetter(key.privateKey, 'domisili');
  const pdf = await renderLetterPdf(letter);
  assert.is(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = flat(pdfText(pdf));
  for (const expected of [
    'PEMERINTAH KABUPATEN PESAWARAN',
    'KECAMATAN TELUK PANDAN',
    'DESA HANURA',
    'SURAT KETERANGAN DOMISILI',
    `Nomor: ${letter.number}`,
    'NIK : 1809105208850003',
    'Nama : SITI AMINAH',
    'Berlaku : 4 Desember 2026 s/d 3 Januari 2027',
    'Hanura, 4 Desember 2026',
    'SUPRIYANTO',
    'bukan tanda tangan Kepala Desa',
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}" in ${text}`);
  }
  assert.not.ok(text.includes('SALINAN'));
  assert.not.ok(text.includes('BELUM BERLAKU'));
  assert.is(pdfPages(pdf), 1);
});

test('the A4 QR, rasterised at 150 dpi, decodes to <verify_url>#<token> that verifies', async () => {
  if (!hasPoppler) return;
  const letter = sampleIssuedLetter(key.privateKey, 'domisili');
  const scanned = await decodeQrPng(pdfFirstPagePng(await renderLetterPdf(letter), 150));
  assert.is(scanned, `${letter.verify_url}#${letter.token}`);
  assert.is(verifyToken(scanned ?? '', key.publicKey).ok, true);
});

test('a pengantar on F4: the boxed notice and room for signature and stamp; a copy says SALINAN', async () => {
  if (!hasPoppler) return;
  const pdf = await renderLetterPdf(sampleIssuedLetter(key.privateKey, 'sktm'), { paper: 'f4', copy: true });
  const text = flat(pdfText(pdf));
  assert.ok(text.includes('BELUM BERLAKU SEBELUM DITANDATANGANI DAN DICAP DI KANTOR DESA HANURA'), text);
  assert.ok(text.includes('(tanda tangan dan cap)'));
  assert.ok(text.includes('SALINAN'));
  const png = pdfFirstPagePng(pdf, 72);
  const { default: sharp } = await import('sharp');
  const meta = await sharp(png).metadata();
  // F4 is 215 × 330 mm: at 72 dpi 609 × 935 points.
  assert.ok(
    Math.abs((meta.width ?? 0) - 609) <= 1 && Math.abs((meta.height ?? 0) - 935) <= 1,
    `${meta.width}x${meta.height}`,
  );
});

test('a long name and address wrap inside the table and stay on one page', async () => {
  if (!hasPoppler) return;
  const base = sampleIssuedLetter(key.privateKey, 'domisili');
  const nama = 'RADEN MAS MUHAMMAD ABDURRAHMAN WIRYOKUSUMO HADININGRAT PUTRA SANG PANGERAN';
  const letter = {
    ...base,
    resident: {
      ...base.resident,
      nama,
      alamat: 'Jalan Lintas Sumatera Kilometer 42 Gang Masjid Nurul Huda No. 17',
    },
  };
  const pdf = await renderLetterPdf(letter);
  assert.ok(flat(pdfText(pdf)).includes('WIRYOKUSUMO'));
  assert.is(pdfPages(pdf), 1);
});

test.run();
