/**
 * A printed job as the paper would look: the ESC/POS bytes decoded with the project's decoder
 * (text, bold, double size, alignment, raster images such as the QR) and drawn black on white
 * at the printer's own resolution (384 dots for 58 mm, 576 for 80 mm; 8 dots per mm).
 */
import { FONT_FAMILY } from '../display/fonts.ts';
import { loadSharp } from '../display/renderer.ts';
import {
  type DecodedImage,
  type DecodedLine,
  decodeEscpos,
  imageToPng,
  LINE_DOTS,
  scanEscpos,
} from '../hardware/escpos-decoder.ts';

type Block = { kind: 'line'; line: DecodedLine } | { kind: 'image'; image: DecodedImage };

/** Lines and images in the order they were printed. */
export function paperBlocks(bytes: Buffer): Block[] {
  const job = decodeEscpos(bytes);
  // The decoder keeps lines and images apart; the lines decoded before each image's command
  // tell where it sits (the decoder flushes a pending line before an image, as a printer does).
  const linesBefore: number[] = [];
  for (const op of scanEscpos(bytes)) {
    if (op.op === 'image') linesBefore.push(decodeEscpos(bytes.subarray(0, op.start)).lines.length);
  }
  const blocks: Block[] = [];
  let li = 0;
  job.images.forEach((image, k) => {
    const until = linesBefore[k] ?? job.lines.length;
    for (; li < until; li++) {
      const line = job.lines[li];
      if (line) blocks.push({ kind: 'line', line });
    }
    blocks.push({ kind: 'image', image });
  });
  for (; li < job.lines.length; li++) {
    const line = job.lines[li];
    if (line) blocks.push({ kind: 'line', line });
  }
  return blocks;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** The job as a PNG of the paper strip. */
export async function paperPng(bytes: Buffer, paperMm: 58 | 80): Promise<Buffer> {
  const width = paperMm === 80 ? 576 : 384;
  const margin = 8;
  const CELL = 12;
  const parts: string[] = [];
  let y = margin;
  for (const block of paperBlocks(bytes)) {
    if (block.kind === 'image') {
      const png = await imageToPng(block.image);
      const x = Math.max(0, Math.round((width - block.image.width) / 2));
      parts.push(
        `<image x="${x}" y="${y}" width="${block.image.width}" height="${block.image.height}" href="data:image/png;base64,${png.toString('base64')}"/>`,
      );
      y += block.image.height;
      continue;
    }
    const { line } = block;
    const double = line.size === 'double';
    const cell = double ? 2 * CELL : CELL;
    const cols = Math.floor(width / cell);
    const text = line.text.replace(/\s+$/, '');
    // The printer's font is monospace: one character per 12-dot cell, wrapped at the last column.
    const rows = text ? (text.match(new RegExp(`.{1,${cols}}`, 'gsu')) ?? []) : [''];
    for (const row of rows) {
      const start =
        line.align === 'center'
          ? Math.floor((cols - row.length) / 2)
          : line.align === 'right'
            ? cols - row.length
            : 0;
      const baseline = y + Math.round(cell * 2 * 0.78);
      const style = `font-size="${cell * 1.7}" text-anchor="middle"${line.bold ? ' font-weight="bold"' : ''}`;
      [...row].forEach((c, i) => {
        if (c.trim())
          parts.push(
            `<text x="${(start + i) * cell + cell / 2}" y="${baseline}" ${style}>${ESCAPES[c] ?? c}</text>`,
          );
      });
      y += double ? 2 * LINE_DOTS : LINE_DOTS;
    }
  }
  const height = y + margin;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#ffffff"/><g font-family="${FONT_FAMILY}" fill="#000000">${parts.join('')}</g></svg>`;
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg)).png().toBuffer();
}
