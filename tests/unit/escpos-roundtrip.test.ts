import { generateKeyPairSync } from 'node:crypto';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import {
  type DecodedImage,
  decodeEscpos,
  imageToPng,
  paperAdvances,
} from '../../src/hardware/escpos-decoder.ts';
import { encodeEscpos, HEAD_DOTS } from '../../src/hardware/escpos-encode.ts';
import { composeLetter, type LetterContext } from '../../src/letters/compose-letter.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import type { PrintDocument } from '../../src/letters/print-document.ts';
import { renderDocumentText } from '../../src/letters/text-layout.ts';
import { signToken, verifyToken } from '../../src/letters/verification-token.ts';
import type { Resident } from '../../src/store/resident.ts';
import { sampleClaims, sampleResident } from '../support/letter-fixtures.ts';
import { decodeQrRaster } from '../support/qr-decode.ts';

const keys = generateKeyPairSync('ed25519');
const NUMBER = '470/001/1809102004/XI/2026';
const token = signToken(sampleClaims({ number: NUMBER }), keys.privateKey);
const resident: Resident = sampleResident();
const types = loadLetterTypes({});

function letter(columns: 32 | 48, over: Partial<LetterContext> = {}): PrintDocument {
  const type = types.find((t) => t.id === 'domisili');
  if (!type) throw new Error('domisili missing');
  return composeLetter({
    village: defaultConfig().village,
    resident,
    type,
    number: NUMBER,
    purpose: 'Pembukaan rekening bank',
    issuedAt: new Date(2026, 10, 23, 10),
    token,
    columns,
    ...over,
  });
}

/** True when the raster image shows exactly the QR symbol of `data` (sampled at module centres). */
function imageIsQrOf(image: DecodedImage, data: string): boolean {
  const modules = QRCode.create(data, { errorCorrectionLevel: 'M' }).modules;
  const size = modules.size;
  // Find the symbol's bounding box: first and last black rows/columns.
  let minX = image.width;
  let maxX = -1;
  let minY = image.height;
  let maxY = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.bits[y * image.width + x] !== 1) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const cell = (maxX - minX + 1) / size;
  if (Math.abs((maxY - minY + 1) / size - cell) > 0.01 || cell < 1) return false;
  for (let my = 0; my < size; my++) {
    for (let mx = 0; mx < size; mx++) {
      const x = Math.floor(minX + (mx + 0.5) * cell);
      const y = Math.floor(minY + (my + 0.5) * cell);
      if ((image.bits[y * image.width + x] === 1) !== Boolean(modules.get(my, mx))) return false;
    }
  }
  return true;
}

for (const paperMm of [58, 80] as const) {
  const columns = paperMm === 58 ? 32 : 48;

  test(`${paperMm} mm: decoded text lines are exactly the composed lines`, async () => {
    const doc = letter(columns);
    const job = decodeEscpos(await encodeEscpos(doc, { paperMm, nativeQr: false }));
    const expected = renderDocumentText(doc).filter((l) => l !== '[QR]' && l !== '[IMAGE]');
    const got = job.lines.map((l) => l.text);
    // The cut adds one ESC d 4 (four blank lines to bring the text past the cutter).
    assert.equal(got.slice(-4), ['', '', '', '']);
    assert.equal(got.slice(0, -4), expected);
    assert.ok(job.lines.every((l) => l.text.length <= columns));
    assert.is(job.cuts, 1);
  });

  test(`${paperMm} mm: styles survive: bold centred title, double-size village, bold signer`, async () => {
    const job = decodeEscpos(await encodeEscpos(letter(columns), { paperMm, nativeQr: false }));
    const find = (t: string) => job.lines.find((l) => l.text.trim() === t);
    assert.equal(find('SURAT KETERANGAN DOMISILI'), {
      text: 'SURAT KETERANGAN DOMISILI',
      bold: true,
      align: 'center',
      size: 'normal',
    });
    assert.equal(find('DESA HANURA'), { text: 'DESA HANURA', bold: true, align: 'center', size: 'double' });
    assert.is(find('SUPRIYANTO')?.bold, true);
    const nik = job.lines.find((l) => l.text.startsWith('NIK'));
    assert.match(nik?.text ?? '', /^NIK +: 1809105208850003$/);
    assert.is(nik?.bold, false);
  });

  test(`${paperMm} mm raster QR: one image within the head that is the token's QR`, async () => {
    const job = decodeEscpos(await encodeEscpos(letter(columns), { paperMm, nativeQr: false }));
    assert.equal(job.qr, []);
    assert.is(job.images.length, 1);
    const image = job.images[0] as DecodedImage;
    assert.ok(image.width <= HEAD_DOTS[paperMm], `width ${image.width}`);
    assert.ok(image.width >= HEAD_DOTS[paperMm] / 2, `big enough to scan: ${image.width}`);
    assert.ok(Math.abs(image.width - image.height) < 8, 'square');
    assert.ok(imageIsQrOf(image, token), 'the raster is the QR of the token');
    const png = await imageToPng(image);
    const meta = await sharp(png).metadata();
    assert.equal([meta.width, meta.height], [image.width, image.height]);
  });

  test(`${paperMm} mm native QR: the GS ( k payload is the token, no image`, async () => {
    const job = decodeEscpos(await encodeEscpos(letter(columns), { paperMm, nativeQr: true }));
    assert.equal(job.qr, [token]);
    assert.is(job.images.length, 0);
    assert.match(job.lines.map((l) => l.text.trim()).join(' '), /pindai kode QR ini/);
  });
}

test('a logo wider than the head is scaled down to the head width', async () => {
  const logo = await sharp({
    create: { width: 900, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } },
  })
    .png()
    .toBuffer();
  const job = decodeEscpos(await encodeEscpos(letter(32, { logo }), { paperMm: 58, nativeQr: false }));
  const first = job.images[0];
  assert.ok(first && first.width <= 384 && first.width >= 376, `logo width ${first?.width}`);
  assert.ok(first && first.height >= 120 && first.height <= 130, `aspect kept: ${first?.height}`);
});

test('a 48-column document on 58 mm paper is re-wrapped, never cut off', async () => {
  const job = decodeEscpos(await encodeEscpos(letter(48), { paperMm: 58, nativeQr: false }));
  assert.ok(job.lines.every((l) => l.text.length <= 32));
  assert.ok(job.lines.some((l) => l.text.includes('1809105208850003')));
});

test('decoder: parameters of other commands are skipped, not printed as text', () => {
  const bytes = Buffer.concat([
    Buffer.from([0x1b, 0x40]), // ESC @
    Buffer.from([0x1b, 0x74, 0x41]), // ESC t 'A' (code page)
    Buffer.from([0x10, 0x04, 0x01]), // DLE EOT 1 (status)
    Buffer.from([0x1d, 0x28, 0x4c, 0x04, 0x00, 0x30, 0x41, 0x42, 0x43]), // GS ( L with "ABC" data
    Buffer.from([0x1b, 0x70, 0x00, 0x32, 0x32]), // ESC p m t1 t2 (drawer kick)
    Buffer.from([0x1d, 0x6b, 0x04]),
    Buffer.from('XYZ\0'), // GS k 4 barcode data, NUL-terminated
    Buffer.from([0x1b, 0x21, 0x08]), // ESC ! bold
    Buffer.from('halo\r\n'),
    Buffer.from([0x1b, 0x21, 0x00, 0x1b, 0x61, 0x32]), // normal, right-aligned ('2')
    Buffer.from('dunia\tx\n'),
    Buffer.from([0x1d, 0x56, 0x41, 0x03]), // GS V 65 3: feed and cut
  ]);
  const job = decodeEscpos(bytes);
  assert.equal(job.lines, [
    { text: 'halo', bold: true, align: 'left', size: 'normal' },
    { text: 'dunia   x', bold: false, align: 'right', size: 'normal' },
  ]);
  assert.is(job.cuts, 1);
});

test('decoder: a job cut short decodes up to where it stops, without throwing', async () => {
  const bytes = await encodeEscpos(letter(32), { paperMm: 58, nativeQr: false });
  const full = decodeEscpos(bytes);
  for (const cut of [1, 2, 100, Math.floor(bytes.length / 2), bytes.length - 3]) {
    const part = decodeEscpos(bytes.subarray(0, cut));
    assert.ok(part.lines.length <= full.lines.length);
    part.lines.slice(0, -1).forEach((l, k) => {
      assert.is(l.text, full.lines[k]?.text);
    });
  }
});

test('paperAdvances counts every line and the image, in byte order', async () => {
  const doc = letter(32);
  const bytes = await encodeEscpos(doc, { paperMm: 58, nativeQr: false });
  const steps = paperAdvances(bytes);
  const lines = steps.reduce((n, s) => n + s.lines, 0);
  const text = decodeEscpos(bytes).lines.length;
  assert.ok(lines > text, `${lines} lines of paper for ${text} text lines plus the QR and the cut feed`);
  assert.ok(steps.every((s, k) => k === 0 || s.end > (steps[k - 1]?.end ?? 0)));
});

for (const paperMm of [58, 80] as const) {
  for (const typeId of ['domisili', 'sktm'] as const) {
    test(`${paperMm} mm ${typeId}: the printed QR decodes to <verify_url>#<AJ2 token> that verifies`, async () => {
      const type = types.find((t) => t.id === typeId);
      if (!type) throw new Error(`${typeId} missing`);
      // A long dotted Permendagri 83/2022 number: the largest symbol a real letter makes.
      const number = '400.12.2.2/001/1809102004/XII/2026';
      const aj2 = signToken(sampleClaims({ number, type: typeId, policy: type.policy }), keys.privateKey);
      const url = 'https://anjungan.pesawarankab.go.id/v/';
      const doc = letter(paperMm === 58 ? 32 : 48, { type, number, token: aj2, verifyUrl: url });
      const job = decodeEscpos(await encodeEscpos(doc, { paperMm, nativeQr: false }));
      const image = job.images.at(-1) as DecodedImage;
      const scanned = decodeQrRaster(image);
      assert.is(scanned, `${url}#${aj2}`);
      assert.equal(verifyToken(scanned ?? '', keys.publicKey), {
        ok: true,
        claims: { version: 'AJ2', ...sampleClaims({ number, type: typeId, policy: type.policy }) },
      });
      // Module size: at least 4 dots (0.5 mm at 203 dpi), what a phone reads off a faded slip.
      const modules = QRCode.create(scanned ?? '', { errorCorrectionLevel: 'M' }).modules.size;
      assert.ok(modules <= 73, `QR version ${(modules - 17) / 4}`);
      assert.ok(image.width / (modules + 4) >= 4, `${image.width} dots for ${modules} modules`);
    });
  }
}

test.run();
