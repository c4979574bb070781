/**
 * PrintDocument → ESC/POS bytes (EPSON command set), with node-thermal-printer used purely as
 * an encoder: we build the buffer and call getBuffer(); never execute(), since its file
 * interface can write late (see FIELD-NOTES §3) and the adapters own the transport.
 *
 * QR codes are printed as 1-bit raster images (GS v 0) because many cheap 58 mm printers ignore
 * the native `GS ( k` QR command; `nativeQr` switches to printQR() for printers that have it.
 * Images never exceed the print head (384 dots on 58 mm, 576 on 80 mm): wider ones are scaled
 * down with sharp, since the printer would cut them off.
 */
import { BreakLine, CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { PrintBlock, PrintDocument } from '../letters/print-document.ts';
import { blockLines } from '../letters/text-layout.ts';

/** Print head width in dots (8 dots/mm). */
export const HEAD_DOTS = { 58: 384, 80: 576 } as const;
/** Characters per line in font A. */
export const PAPER_COLUMNS = { 58: 32, 80: 48 } as const;

/** QR codes take about two thirds of the head: big enough to scan from faded paper, not wasteful. */
const QR_SHARE = 0.75;
/**
 * Smallest module, in dots (0.5 mm at 203 dpi): what a phone camera still reads off a slightly
 * faded slip. A long QR (the AJ2 token behind the verification URL is a version 14 symbol, 73
 * modules) may use the whole head width to keep it.
 */
const QR_MIN_DOTS = 4;
const QR_ECC = 'M';
const QR_MARGIN = 2;
/** ESC @: reset the printer's modes (alignment, bold, size) before the job. */
const ESC_INIT = Buffer.from([0x1b, 0x40]);

export interface EncodeOptions {
  paperMm: 58 | 80;
  nativeQr: boolean;
}

/**
 * Encodes a document. Text is laid out again for the paper's columns (a 48-column document on
 * 58 mm paper is re-wrapped, never cut off) and stays within code page PC437 (plain ASCII).
 */
export async function encodeEscpos(doc: PrintDocument, opts: EncodeOptions): Promise<Buffer> {
  const columns = Math.min(doc.columns, PAPER_COLUMNS[opts.paperMm]);
  const printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // Empty interface: the library creates no transport at all, so execute() cannot send.
    interface: '',
    width: columns,
    // Our own layout already fits the line; the library's fold would re-break it.
    breakLine: BreakLine.NONE,
  });
  printer.append(ESC_INIT); // initHardware() exists at runtime but not in the library's typings
  printer.setCharacterSet(CharacterSet.PC437_USA);
  for (const block of doc.blocks) await encodeBlock(printer, block, columns, opts);
  return Buffer.from(printer.getBuffer() ?? Buffer.alloc(0));
}

async function encodeBlock(p: ThermalPrinter, block: PrintBlock, columns: number, opts: EncodeOptions) {
  switch (block.kind) {
    case 'text': {
      align(p, block.align);
      if (block.bold) p.bold(true);
      if (block.size === 'double') p.setTextSize(1, 1);
      for (const line of blockLines(block, columns)) p.println(line);
      if (block.size === 'double') p.setTextSize(0, 0);
      if (block.bold) p.bold(false);
      align(p, 'left');
      return;
    }
    case 'field':
    case 'rule':
      for (const line of blockLines(block, columns)) p.println(line);
      return;
    case 'feed':
      for (let i = 0; i < block.lines; i++) p.newLine();
      return;
    case 'qr': {
      p.alignCenter();
      if (opts.nativeQr) {
        p.printQR(block.data, {
          model: 2,
          correction: QR_ECC,
          cellSize: nativeCellSize(block.data, opts.paperMm),
        });
        p.newLine();
      } else {
        await p.printImageBuffer(await qrPng(block.data, HEAD_DOTS[opts.paperMm]));
      }
      for (const line of blockLines(block, columns)) p.println(line);
      p.alignLeft();
      return;
    }
    case 'image': {
      align(p, block.align ?? 'center');
      await p.printImageBuffer(await monoPng(block.png, HEAD_DOTS[opts.paperMm]));
      p.alignLeft();
      return;
    }
    case 'cut':
      // One ESC d 4 brings the last line past the cutter; the document's own feed adds margin.
      p.cut({ verticalTabAmount: 1 });
      return;
  }
}

function align(p: ThermalPrinter, a: 'left' | 'center' | 'right' | undefined) {
  if (a === 'center') p.alignCenter();
  else if (a === 'right') p.alignRight();
  else p.alignLeft();
}

/** Modules per side of the QR symbol for `data` at our error correction level. */
export function qrModules(data: string): number {
  return QRCode.create(data, { errorCorrectionLevel: QR_ECC }).modules.size;
}

/**
 * The QR as a black-and-white PNG no wider than the head, whole dots per module. The bitmap is
 * drawn from qrcode's module matrix and encoded by sharp: qrcode's own PNG writer took ~30 ms
 * per letter here, which counts against the time to first byte.
 */
export async function qrPng(data: string, headDots: number): Promise<Buffer> {
  const qr = QRCode.create(data, { errorCorrectionLevel: QR_ECC });
  const size = qr.modules.size;
  const side = size + 2 * QR_MARGIN;
  const scale = qrScale(side, headDots);
  const px = side * scale;
  const grey = Buffer.alloc(px * px, 255);
  for (let my = 0; my < size; my++) {
    for (let mx = 0; mx < size; mx++) {
      if (!qr.modules.get(my, mx)) continue;
      const x0 = (mx + QR_MARGIN) * scale;
      for (let dy = 0; dy < scale; dy++) {
        const row = ((my + QR_MARGIN) * scale + dy) * px;
        grey.fill(0, row + x0, row + x0 + scale);
      }
    }
  }
  const png = await sharp(grey, { raw: { width: px, height: px, channels: 1 } })
    .png()
    .toBuffer();
  return px > headDots ? monoPng(png, headDots) : png;
}

/** Dots per module for a symbol `side` modules wide (quiet zone included) on a head of `headDots`. */
export function qrScale(side: number, headDots: number, max = 6): number {
  const share = Math.floor((headDots * QR_SHARE) / side);
  const scale = share >= QR_MIN_DOTS ? share : Math.min(QR_MIN_DOTS, Math.floor(headDots / side));
  return Math.max(1, Math.min(max, scale));
}

/** Native GS ( k module size in dots (1..8) that keeps the symbol within the head. */
function nativeCellSize(data: string, paperMm: 58 | 80): number {
  return qrScale(qrModules(data) + 8, HEAD_DOTS[paperMm], 8);
}

/**
 * Any PNG (a logo with transparency, a photo) as a 1-bit-looking PNG at most `maxWidth` wide:
 * flattened on white, grey, thresholded at 50 %, the way node-thermal-printer will rasterise it.
 */
export async function monoPng(png: Buffer, maxWidth: number): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  let img = sharp(png).flatten({ background: '#ffffff' });
  if ((meta.width ?? 0) > maxWidth) img = img.resize({ width: maxWidth, withoutEnlargement: true });
  return img.greyscale().threshold(128).png().toBuffer();
}

/**
 * Encodes a small document with a QR once, so the first letter does not pay for loading sharp
 * and warming qrcode (~80 ms cold here). Call at start-up; never throws.
 */
export async function warmUpEscpos(paperMm: 58 | 80 = 58): Promise<void> {
  const doc: PrintDocument = {
    title: 'warm-up',
    columns: PAPER_COLUMNS[paperMm],
    blocks: [{ kind: 'text', text: 'warm-up' }, { kind: 'qr', data: 'AJ1.warm-up' }, { kind: 'cut' }],
  };
  await encodeEscpos(doc, { paperMm, nativeQr: false }).catch(() => undefined);
}
