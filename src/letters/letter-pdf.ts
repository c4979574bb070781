/**
 * A letter as an A4 (or F4/folio) PDF, the way village offices print letters on plain paper:
 *
 *   [logo]  PEMERINTAH KABUPATEN … / KECAMATAN … / DESA … / address
 *   ═══════ double rule ═══════
 *   TITLE (bold, underlined) / Nomor: …
 *   opening, identity table, statement, Keperluan, Berlaku, closing
 *   [QR + how to check]                 place, date / signer / (space) / NAME
 *   pengantar: boxed "belum berlaku sebelum ditandatangani dan dicap"
 *
 * pdfkit with the project's shipped DejaVu fonts (full Unicode: no ASCII transliteration on A4).
 * A copy from the archive (`letters pdf`) is marked SALINAN.
 */
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { FONT_DIR } from '../display/fonts.ts';
import { pemerintah, qrCaption, qrContent, signerLines, signerOpening } from './compose-letter.ts';
import type { IssuedLetter } from './letter-archive.ts';
import { fillTemplate, kepalaDesa, sebutanDesa, templateValues } from './template.ts';
import { addDays, formatTanggal } from './text-layout.ts';

export type PaperSize = 'a4' | 'f4';

const MM = 72 / 25.4;
/** A4 and F4 (folio, 215 × 330 mm, common in Indonesian offices), in points. */
const PAPER: Record<PaperSize, [number, number]> = { a4: [210 * MM, 297 * MM], f4: [215 * MM, 330 * MM] };

/** The page size in points. */
export function paperPoints(paper: PaperSize): [number, number] {
  return PAPER[paper];
}

export interface PdfOptions {
  paper?: PaperSize;
  /** Marks the letter SALINAN (a copy made later from the archive). */
  copy?: boolean;
  logo?: Buffer | null;
}

/** The font files, read once (pdfkit embeds the subset each letter uses). */
let fonts: { regular: Buffer; bold: Buffer } | null = null;

/** Renders the letter; resolves with the PDF bytes. */
export function renderLetterPdf(letter: IssuedLetter, opts: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAPER[opts.paper ?? 'a4'],
    margins: { top: 18 * MM, bottom: 18 * MM, left: 28 * MM, right: 20 * MM },
    info: {
      Title: `${letter.type.title} ${letter.number}`,
      Author: `Anjungan ${sebutanDesa(letter.village)} ${letter.village.name}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  fonts ??= {
    regular: readFileSync(`${FONT_DIR}DejaVuSans.ttf`),
    bold: readFileSync(`${FONT_DIR}DejaVuSans-Bold.ttf`),
  };
  doc.registerFont('R', fonts.regular);
  doc.registerFont('B', fonts.bold);
  layOut(doc, letter, opts);
  doc.end();
  return done;
}

function layOut(doc: PDFKit.PDFDocument, letter: IssuedLetter, opts: PdfOptions): void {
  const { village, resident, type } = letter;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const issuedAt = new Date(letter.issued_at);
  const validUntil = type.validity_days > 0 ? addDays(issuedAt, type.validity_days) : null;
  const values = templateValues({ village, resident, purpose: letter.purpose, issuedAt, validUntil });

  // Kop surat
  const top = doc.page.margins.top;
  const logoSide = 24 * MM;
  if (opts.logo) doc.image(opts.logo, left, top, { fit: [logoSide, logoSide] });
  const headX = opts.logo ? left + logoSide + 2 * MM : left;
  const headW = left + width - headX;
  doc
    .font('B')
    .fontSize(13)
    .text(pemerintah(village.kabupaten), headX, top, { width: headW, align: 'center' });
  doc.text(`KECAMATAN ${village.kecamatan}`.toUpperCase(), { width: headW, align: 'center' });
  doc
    .fontSize(15)
    .text(`${sebutanDesa(village)} ${village.name}`.toUpperCase(), { width: headW, align: 'center' });
  if (village.address.trim() !== '')
    doc.font('R').fontSize(9.5).text(village.address, { width: headW, align: 'center' });
  const ruleY = Math.max(doc.y, opts.logo ? top + logoSide : 0) + 3 * MM;
  doc
    .lineWidth(2.2)
    .moveTo(left, ruleY)
    .lineTo(left + width, ruleY)
    .stroke();
  doc
    .lineWidth(0.7)
    .moveTo(left, ruleY + 3)
    .lineTo(left + width, ruleY + 3)
    .stroke();
  if (opts.copy) copyMark(doc, left + width, top);

  // Title and number
  doc.y = ruleY + 8 * MM;
  doc.font('B').fontSize(12).text(type.title, left, doc.y, { width, align: 'center', underline: true });
  doc.font('R').fontSize(11).text(`Nomor: ${letter.number}`, { width, align: 'center' });
  doc.moveDown(1.2);

  const paragraph = (t: string) => {
    doc.font('R').fontSize(11).text(t, left, doc.y, { width, align: 'justify', lineGap: 2 });
    doc.moveDown(0.6);
  };
  paragraph(`Yang bertanda tangan di bawah ini, ${signerOpening(village)}, menerangkan bahwa:`);
  const row = (label: string, value: string) => {
    const y = doc.y;
    const valueX = left + 58 * MM;
    doc
      .font('R')
      .fontSize(11)
      .text(label, left + 8 * MM, y, { width: 46 * MM });
    doc.text(':', left + 55 * MM, y);
    doc.text(value, valueX, y, { width: left + width - valueX });
    doc.y = Math.max(doc.y, y + doc.currentLineHeight(true)) + 1.5;
  };
  for (const [label, value] of [
    ['Nama', values.nama],
    ['NIK', values.nik],
    ['Tempat/Tgl Lahir', values.ttl],
    ['Jenis Kelamin', values.jenis_kelamin],
    ['Agama', values.agama],
    ['Status Perkawinan', values.status_perkawinan],
    ['Pekerjaan', values.pekerjaan],
    ['Kewarganegaraan', values.kewarganegaraan],
    ['Alamat', values.alamat_lengkap],
  ] as const) {
    row(label, value);
  }
  doc.moveDown(0.6);
  paragraph(fillTemplate(type.body, values));
  row('Keperluan', letter.purpose);
  if (validUntil) row('Berlaku', `${formatTanggal(issuedAt)} s/d ${formatTanggal(validUntil)}`);
  doc.moveDown(0.6);
  const kind = /^SURAT PENGANTAR/i.test(type.title) ? 'surat pengantar' : 'surat keterangan';
  paragraph(`Demikian ${kind} ini dibuat untuk dapat dipergunakan sebagaimana mestinya.`);

  // Signature block (right) and the QR with how to check it (left), side by side.
  const bandHeight = 62 * MM;
  if (doc.y + bandHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const bandY = doc.y + 2 * MM;
  const signX = left + width * 0.55;
  const signW = width * 0.45;
  doc
    .font('R')
    .fontSize(11)
    .text(`${village.name}, ${formatTanggal(issuedAt)}`, signX, bandY, { width: signW, align: 'center' });
  for (const line of signerLines(village)) doc.text(line, { width: signW, align: 'center' });
  const spaceY = doc.y;
  if (type.policy === 'pengantar') {
    doc
      .fontSize(8)
      .fillColor('#777')
      .text('(tanda tangan dan cap)', signX, spaceY + 9 * MM, { width: signW, align: 'center' });
    doc.fillColor('black');
  }
  const name = village.head_name.trim() === '' ? '(.............................)' : village.head_name;
  doc
    .font('B')
    .fontSize(11)
    .text(name, signX, spaceY + 22 * MM, { width: signW, align: 'center', underline: true });
  const afterSign = doc.y;

  const qrSide = 30 * MM;
  drawQr(doc, qrContent(letter.token, letter.verify_url), left, bandY, qrSide);
  doc
    .font('R')
    .fontSize(7.5)
    .text(
      qrCaption(
        `Kantor ${sebutanDesa(village)} ${village.name}`,
        `${sebutanDesa(village)} ${village.name}`,
        kepalaDesa(village),
        letter.verify_url,
      ),
      left,
      bandY + qrSide + 2 * MM,
      { width: width * 0.5, lineGap: 1 },
    );
  doc.y = Math.max(doc.y, afterSign) + 6 * MM;

  if (type.policy === 'pengantar')
    pengantarBox(doc, `Kantor ${sebutanDesa(village)} ${village.name}`, left, width);
}

/** The QR as vector squares (sharp at any printer resolution). */
export function drawQr(doc: PDFKit.PDFDocument, data: string, x: number, y: number, side: number): void {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const cell = side / size;
  for (let my = 0; my < size; my++) {
    let run = -1;
    for (let mx = 0; mx <= size; mx++) {
      const dark = mx < size && qr.modules.get(my, mx);
      if (dark && run < 0) run = mx;
      if (!dark && run >= 0) {
        doc.rect(x + run * cell, y + my * cell, (mx - run) * cell, cell);
        run = -1;
      }
    }
  }
  doc.fillColor('black').fill();
}

function copyMark(doc: PDFKit.PDFDocument, right: number, top: number): void {
  const w = 32 * MM;
  doc.save();
  doc
    .lineWidth(1.2)
    .rect(right - w, top - 10 * MM, w, 8 * MM)
    .stroke();
  doc
    .font('B')
    .fontSize(13)
    .text('SALINAN', right - w, top - 8.2 * MM, { width: w, align: 'center' });
  doc.restore();
}

function pengantarBox(doc: PDFKit.PDFDocument, kantor: string, left: number, width: number): void {
  const text = `SURAT PENGANTAR — BELUM BERLAKU SEBELUM DITANDATANGANI DAN DICAP DI ${kantor.toUpperCase()}`;
  doc.font('B').fontSize(10);
  const h = doc.heightOfString(text, { width: width - 8 * MM }) + 6 * MM;
  if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const y = doc.y;
  doc.lineWidth(1.2).rect(left, y, width, h).stroke();
  doc.text(text, left + 4 * MM, y + 3 * MM, { width: width - 8 * MM, align: 'center' });
  doc.y = y + h;
}
