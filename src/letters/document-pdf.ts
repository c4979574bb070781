/**
 * Any PrintDocument (the thermal layout: a test page, a receipt) as a one-column A4/F4 PDF, line
 * for line as the thermal printer would print it (renderDocumentText), in a monospace font, with
 * its QR codes drawn where they stand. Letters have their own A4 layout (letter-pdf.ts).
 */
import PDFDocument from 'pdfkit';
import { drawQr, type PaperSize, paperPoints } from './letter-pdf.ts';
import type { PrintDocument } from './print-document.ts';
import { renderDocumentText } from './text-layout.ts';

const MM = 72 / 25.4;

export function renderDocumentPdf(document: PrintDocument, paper: PaperSize = 'a4'): Promise<Buffer> {
  const doc = new PDFDocument({
    size: paperPoints(paper),
    margins: { top: 20 * MM, bottom: 20 * MM, left: 25 * MM, right: 20 * MM },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const qrs = document.blocks.flatMap((b) => (b.kind === 'qr' ? [b.data] : []));
  doc.font('Courier').fontSize(10);
  for (const line of renderDocumentText(document)) {
    if (line === '[QR]') {
      const data = qrs.shift();
      if (data) {
        const side = 35 * MM;
        if (doc.y + side > doc.page.height - doc.page.margins.bottom) doc.addPage();
        drawQr(doc, data, doc.page.margins.left, doc.y, side);
        doc.y += side + 2 * MM;
      }
      continue;
    }
    if (line === '[IMAGE]') continue;
    // Courier 10 pt: 48 columns take 80 mm, so a line never wraps.
    doc.text(line.length > 0 ? line : ' ', doc.page.margins.left, doc.y);
  }
  doc.end();
  return done;
}
