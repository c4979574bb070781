/**
 * Reads a QR code back from what a printer put on paper (a decoded ESC/POS raster image) or from
 * a rendered page (PNG), with jsQR: the tests check the printed symbol, not the token in memory.
 */
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import type { DecodedImage } from '../../src/hardware/escpos-decoder.ts';

// jsqr is CommonJS with an ES-style default in its types: under Node's ESM loader the function is
// `module.exports.default`.
const jsQR = jsQRModule.default;

/** The text of the QR in a 1-bit raster image (1 = black), or null when none is readable. */
export function decodeQrRaster(image: DecodedImage): string | null {
  // A white border of 16 dots stands in for the paper around the symbol (jsQR wants a quiet zone).
  const pad = 16;
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.bits[y * image.width + x] !== 1) continue;
      const o = ((y + pad) * width + x + pad) * 4;
      rgba[o] = rgba[o + 1] = rgba[o + 2] = 0;
    }
  }
  return jsQR(rgba, width, height)?.data ?? null;
}

/** The text of the QR in a PNG (e.g. a rasterised PDF page), or null when none is readable. */
export async function decodeQrPng(png: Buffer): Promise<string | null> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  return (
    jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ??
    null
  );
}
