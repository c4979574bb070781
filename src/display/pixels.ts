/**
 * RGBA frames → Linux framebuffer bytes. sharp has no RGB565 output, so it is packed here:
 * 16 bpp is RGB565 little-endian (what fbtft/SPI panels and the Pi's fb expect), 32 bpp is
 * XRGB8888 little-endian (bytes B, G, R, 0xFF). Each row starts at y * stride (the kernel may
 * pad rows). A portrait layout on a landscape panel (or the reverse) is rotated 90° clockwise.
 */
export interface FbGeometry {
  /** Visible pixels per row and rows (virtual_size). */
  width: number;
  height: number;
  bpp: 16 | 32;
  /** Bytes per row, ≥ width * bpp / 8. */
  stride: number;
}

/**
 * Packs an RGBA frame of srcW×srcH into `out` (stride*height bytes). When srcW×srcH is the
 * panel's size transposed, the frame is rotated 90° clockwise to fill the panel. With `rows`
 * (the rows of `rgba` that changed since `out` was last packed from it), an unrotated frame
 * packs only those.
 */
export function packFrame(
  rgba: Buffer,
  srcW: number,
  srcH: number,
  fb: FbGeometry,
  out?: Buffer,
  rows?: readonly { first: number; end: number }[],
): Buffer {
  const buf = out ?? Buffer.alloc(fb.stride * fb.height);
  const rotate = srcW !== fb.width || srcH !== fb.height;
  if (rotate && (srcW !== fb.height || srcH !== fb.width)) {
    throw new RangeError(`frame ${srcW}x${srcH} does not fit a ${fb.width}x${fb.height} framebuffer`);
  }
  const spans = rotate || !out || !rows ? [{ first: 0, end: fb.height }] : rows;
  const words =
    fb.bpp === 16 && !rotate && LITTLE_ENDIAN && aligned(rgba, 4) && aligned(buf, 2) && fb.stride % 2 === 0;
  for (const { first, end } of spans) {
    if (words) packRgb565Words(rgba, fb, buf, first, end);
    else packRows(rgba, srcW, srcH, fb, buf, rotate, first, end);
  }
  return buf;
}

/** Panel rows [first, end), a byte at a time: any depth, straight or rotated. */
function packRows(
  rgba: Buffer,
  srcW: number,
  srcH: number,
  fb: FbGeometry,
  buf: Buffer,
  rotate: boolean,
  first: number,
  end: number,
): void {
  const w = fb.width;
  for (let y = first; y < end; y++) {
    let o = y * fb.stride;
    // Source index of (x=0, y) and its step per x, for straight and rotated frames:
    // rotated clockwise, panel (x, y) shows source (sx = y, sy = srcH - 1 - x).
    let i = rotate ? ((srcH - 1) * srcW + y) * 4 : y * srcW * 4;
    const step = rotate ? -srcW * 4 : 4;
    if (fb.bpp === 16) {
      for (let x = 0; x < w; x++, i += step, o += 2) {
        const v = ((rgba[i]! & 0xf8) << 8) | ((rgba[i + 1]! & 0xfc) << 3) | (rgba[i + 2]! >> 3);
        buf[o] = v & 0xff;
        buf[o + 1] = v >> 8;
      }
    } else {
      for (let x = 0; x < w; x++, i += step, o += 4) {
        buf[o] = rgba[i + 2]!;
        buf[o + 1] = rgba[i + 1]!;
        buf[o + 2] = rgba[i]!;
        buf[o + 3] = 0xff;
      }
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function aligned(b: Buffer, bytes: number): boolean {
  return b.byteOffset % bytes === 0;
}

/**
 * The common case (an unrotated RGB565 panel) a pixel at a time instead of a byte at a time:
 * one 32-bit read and one 16-bit write each, about three times faster than the byte loop, which
 * matters at a quarter of a Pi's core. Little-endian hosts only (the Pi is).
 */
function packRgb565Words(rgba: Buffer, fb: FbGeometry, buf: Buffer, first: number, end: number): void {
  const src = new Uint32Array(rgba.buffer, rgba.byteOffset, fb.width * fb.height);
  const dst = new Uint16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
  const rowWords = fb.stride >> 1;
  for (let y = first; y < end; y++) {
    let i = y * fb.width;
    let o = y * rowWords;
    for (let x = 0; x < fb.width; x++, i++, o++) {
      const p = src[i]!; // bytes R, G, B, A → 0xAABBGGRR
      dst[o] = ((p & 0xf8) << 8) | ((p >> 5) & 0x7e0) | ((p >> 19) & 0x1f);
    }
  }
}

/** Framebuffer bytes → RGBA (for tests and screenshots of a real panel): the inverse of packFrame without rotation. */
export function unpackFrame(bytes: Buffer, fb: FbGeometry): Buffer {
  const rgba = Buffer.alloc(fb.width * fb.height * 4);
  for (let y = 0; y < fb.height; y++) {
    for (let x = 0; x < fb.width; x++) {
      const o = y * fb.stride + x * (fb.bpp / 8);
      const i = (y * fb.width + x) * 4;
      if (fb.bpp === 16) {
        const v = bytes[o]! | (bytes[o + 1]! << 8);
        const r = v >> 11;
        const g = (v >> 5) & 0x3f;
        const b = v & 0x1f;
        rgba[i] = (r << 3) | (r >> 2);
        rgba[i + 1] = (g << 2) | (g >> 4);
        rgba[i + 2] = (b << 3) | (b >> 2);
      } else {
        rgba[i] = bytes[o + 2]!;
        rgba[i + 1] = bytes[o + 1]!;
        rgba[i + 2] = bytes[o]!;
      }
      rgba[i + 3] = 0xff;
    }
  }
  return rgba;
}
