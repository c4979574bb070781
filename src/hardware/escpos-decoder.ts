/**
 * ESC/POS bytes → what a printer would put on paper: text lines with their style, raster
 * images, native QR payloads and cuts. Used by tests, the simulated printer (to count the
 * paper a job uses), the virtual TCP printer and technicians looking at a `.bin` file.
 *
 * It understands the EPSON subset node-thermal-printer emits (ESC @, ESC a, ESC E, ESC !,
 * GS !, LF, ESC d, GS V, GS v 0, GS ( k, ESC t, …) and knows the parameter length of the other
 * common commands so that their parameter bytes are skipped, never printed as text. An
 * unknown command skips its command byte only. A job cut short (paper out, link lost) decodes
 * up to where it stops.
 */
import sharp from 'sharp';

export interface DecodedLine {
  text: string;
  /** Every non-space character of the line was printed bold. */
  bold: boolean;
  /** Alignment in force when the line started (ESC a applies at the start of a line). */
  align: 'left' | 'center' | 'right';
  /** Any character of the line was printed at double width or height. */
  size: 'normal' | 'double';
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 = black, row-major, width × height. */
  bits: Uint8Array;
}

export interface DecodedJob {
  lines: DecodedLine[];
  /** Native GS ( k QR payloads, in print order. */
  qr: string[];
  images: DecodedImage[];
  cuts: number;
}

/** One command (or run of text) found in the stream, with its byte range. */
export type EscposOp = { start: number; end: number } & (
  | { op: 'text'; text: string }
  | { op: 'lf'; lines: number }
  | { op: 'init' }
  | { op: 'align'; align: DecodedLine['align'] }
  | { op: 'bold'; on: boolean }
  /** ESC ! n: bold and size at once. */
  | { op: 'mode'; bold: boolean; double: boolean }
  | { op: 'size'; double: boolean }
  | { op: 'cut' }
  | { op: 'image'; widthBytes: number; height: number; data: Buffer }
  | { op: 'qr_store'; data: string }
  | { op: 'qr_print' }
  | { op: 'skip' }
  /** The stream ends in the middle of a command. */
  | { op: 'truncated' }
);

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

/** Parameter bytes after `ESC x` for the fixed-length ESC commands. */
const ESC_PARAMS: Record<number, number> = {};
for (const c of '@2<SLv\f') ESC_PARAMS[c.charCodeAt(0)] = 0;
for (const c of '!-3=?EGJMRTUVadefrtu{ %') ESC_PARAMS[c.charCodeAt(0)] = 1;
for (const c of '$\\Bc') ESC_PARAMS[c.charCodeAt(0)] = 2;
ESC_PARAMS['p'.charCodeAt(0)] = 3;
ESC_PARAMS['W'.charCodeAt(0)] = 8;

/** Parameter bytes after `GS x` for the fixed-length GS commands. */
const GS_PARAMS: Record<number, number> = {};
for (const c of ':') GS_PARAMS[c.charCodeAt(0)] = 0;
for (const c of '!BEHIVabfhjrwT/') GS_PARAMS[c.charCodeAt(0)] = 1;
for (const c of 'LPW$\\') GS_PARAMS[c.charCodeAt(0)] = 2;
GS_PARAMS['^'.charCodeAt(0)] = 3;

/** Parameter bytes after `FS x`. */
const FS_PARAMS: Record<number, number> = {};
for (const c of '&.') FS_PARAMS[c.charCodeAt(0)] = 0;
for (const c of '!-CW') FS_PARAMS[c.charCodeAt(0)] = 1;
for (const c of 'Sp') FS_PARAMS[c.charCodeAt(0)] = 2;

/** Splits an ESC/POS stream into commands and text runs. Never throws. */
export function* scanEscpos(bytes: Uint8Array): Generator<EscposOp> {
  const b = bytes;
  const n = b.length;
  let i = 0;
  const at = (k: number) => b[k] ?? 0;
  while (i < n) {
    const start = i;
    const c = at(i);
    if (c >= 0x20 && c !== 0x7f) {
      let text = '';
      while (i < n && at(i) >= 0x20 && at(i) !== 0x7f) {
        const ch = at(i);
        text += ch < 0x80 ? String.fromCharCode(ch) : '?';
        i++;
      }
      yield { start, end: i, op: 'text', text };
      continue;
    }
    if (c === 0x0a || c === 0x0c) {
      i++;
      yield { start, end: i, op: 'lf', lines: 1 };
      continue;
    }
    if (c === 0x09) {
      i++;
      yield { start, end: i, op: 'text', text: '\t' };
      continue;
    }
    if (c !== ESC && c !== GS && c !== FS && c !== DLE) {
      i++; // CR, CAN, DEL and other single control bytes print nothing
      yield { start, end: i, op: 'skip' };
      continue;
    }
    if (i + 1 >= n) {
      yield { start, end: n, op: 'truncated' };
      return;
    }
    const cmd = at(i + 1);
    const op = decodeCommand(b, i, c, cmd);
    if (op === null) {
      yield { start, end: n, op: 'truncated' };
      return;
    }
    i = op.end;
    yield op;
  }
}

/** Decodes the command at `i` (prefix `c`, command byte `cmd`); null when the stream ends inside it. */
function decodeCommand(b: Uint8Array, i: number, c: number, cmd: number): EscposOp | null {
  const n = b.length;
  const at = (k: number) => b[k] ?? 0;
  const need = (len: number) => i + len <= n;
  const skip = (len: number): EscposOp | null => (need(len) ? { start: i, end: i + len, op: 'skip' } : null);
  const u16 = (k: number) => at(k) + at(k + 1) * 256;

  if (c === DLE) {
    if (cmd === 0x04 || cmd === 0x05) return skip(3); // DLE EOT n, DLE ENQ n
    if (cmd === 0x14) return need(3) ? skip(at(i + 2) === 8 ? 10 : 5) : null; // DLE DC4 fn …
    return skip(2);
  }

  if (c === ESC) {
    const ch = String.fromCharCode(cmd);
    switch (ch) {
      case '@':
        return { start: i, end: i + 2, op: 'init' };
      case 'i': // ESC i / ESC m: (partial) cut on older models
      case 'm':
        return { start: i, end: i + 2, op: 'cut' };
      case 'a':
        if (!need(3)) return null;
        return {
          start: i,
          end: i + 3,
          op: 'align',
          align: (['left', 'center', 'right'] as const)[(at(i + 2) % 48) % 3] ?? 'left',
        };
      case 'E':
        if (!need(3)) return null;
        return { start: i, end: i + 3, op: 'bold', on: (at(i + 2) & 1) === 1 };
      case '!':
        if (!need(3)) return null;
        return {
          start: i,
          end: i + 3,
          op: 'mode',
          bold: (at(i + 2) & 0x08) !== 0,
          double: (at(i + 2) & 0x30) !== 0,
        };
      case 'd':
        if (!need(3)) return null;
        return { start: i, end: i + 3, op: 'lf', lines: at(i + 2) };
      case '*': {
        // ESC * m nL nH d…: column bit image; 8-dot modes take 1 byte per column, 24-dot 3.
        if (!need(5)) return null;
        const cols = u16(i + 3);
        return skip(5 + cols * (at(i + 2) >= 32 ? 3 : 1));
      }
      case 'D': {
        // ESC D n1 … NUL: tab stops.
        let k = i + 2;
        while (k < n && at(k) !== 0) k++;
        return k < n ? { start: i, end: k + 1, op: 'skip' } : null;
      }
      case '(': // ESC ( fn pL pH …
        return need(5) ? skip(5 + u16(i + 3)) : null;
      case '&': {
        // ESC & y c1 c2 [x d1…d(y×x)]…: user-defined characters.
        if (!need(5)) return null;
        const y = at(i + 2);
        let k = i + 5;
        for (let ch2 = at(i + 3); ch2 <= at(i + 4); ch2++) {
          if (k >= n) return null;
          k += 1 + y * at(k);
        }
        return skip(k - i);
      }
      default: {
        const params = ESC_PARAMS[cmd];
        return skip(2 + (params ?? 0));
      }
    }
  }

  if (c === GS) {
    const ch = String.fromCharCode(cmd);
    switch (ch) {
      case '!':
        if (!need(3)) return null;
        return { start: i, end: i + 3, op: 'size', double: at(i + 2) !== 0 };
      case 'V': {
        // GS V m: 0/1/48/49 cut now; 65/66/97/98/103/104 take a feed amount n.
        if (!need(3)) return null;
        const m = at(i + 2);
        const len = m === 0 || m === 1 || m === 48 || m === 49 ? 3 : 4;
        return need(len) ? { start: i, end: i + len, op: 'cut' } : null;
      }
      case 'v': {
        // GS v 0 m xL xH yL yH d…: raster bit image, x bytes per row, y rows.
        if (!need(8)) return null;
        const widthBytes = u16(i + 4);
        const height = u16(i + 6);
        const len = 8 + widthBytes * height;
        if (!need(len)) return null;
        return {
          start: i,
          end: i + len,
          op: 'image',
          widthBytes,
          height,
          data: Buffer.from(b.subarray(i + 8, i + len)),
        };
      }
      case '(': {
        // GS ( x pL pH …; GS ( k with cn 49 (QR): fn 80 stores data, fn 81 prints it.
        if (!need(5)) return null;
        const len = 5 + u16(i + 3);
        if (!need(len)) return null;
        if (at(i + 2) === 0x6b && at(i + 5) === 0x31 && len >= 8) {
          if (at(i + 6) === 0x50) {
            const data = Buffer.from(b.subarray(i + 8, i + len)).toString('latin1');
            return { start: i, end: i + len, op: 'qr_store', data };
          }
          if (at(i + 6) === 0x51) return { start: i, end: i + len, op: 'qr_print' };
        }
        return skip(len);
      }
      case '8': // GS 8 L p1 p2 p3 p4 …: graphics with a 32-bit length
        return need(7)
          ? skip(7 + at(i + 3) + at(i + 4) * 256 + at(i + 5) * 65536 + at(i + 6) * 16777216)
          : null;
      case 'k': {
        // GS k m …: barcode; m 0..6 NUL-terminated, m 65.. with a length byte.
        if (!need(3)) return null;
        const m = at(i + 2);
        if (m <= 6) {
          let k = i + 3;
          while (k < n && at(k) !== 0) k++;
          return k < n ? { start: i, end: k + 1, op: 'skip' } : null;
        }
        return need(4) ? skip(4 + at(i + 3)) : null;
      }
      case '*': // GS * x y d…: downloaded bit image, x×y×8 bytes
        return need(4) ? skip(4 + at(i + 2) * at(i + 3) * 8) : null;
      case 'Q': // GS Q 0 m xL xH yL yH d…: variable-size raster image
        return need(8) ? skip(8 + u16(i + 4) * u16(i + 6)) : null;
      case 'g': // GS g 0 m nL nH / GS g 2 m nL nH: maintenance counters
        return skip(6);
      default:
        return skip(2 + (GS_PARAMS[cmd] ?? 0));
    }
  }

  // FS
  if (cmd === 0x28) return need(5) ? skip(5 + u16(i + 3)) : null; // FS ( fn pL pH …
  return skip(2 + (FS_PARAMS[cmd] ?? 0));
}

/** Decodes a job (or the part of one that was sent). Never throws. */
export function decodeEscpos(bytes: Buffer): DecodedJob {
  const job: DecodedJob = { lines: [], qr: [], images: [], cuts: 0 };
  let align: DecodedLine['align'] = 'left';
  let bold = false;
  let double = false;
  let pending: { text: string; align: DecodedLine['align']; allBold: boolean; double: boolean } | null = null;
  let storedQr: string | null = null;

  const flush = (force: boolean) => {
    if (!pending && !force) return;
    const p = pending ?? { text: '', align, allBold: false, double: false };
    const hasInk = p.text.trim().length > 0;
    job.lines.push({
      text: p.text,
      bold: hasInk && p.allBold,
      align: p.align,
      size: p.double ? 'double' : 'normal',
    });
    pending = null;
  };

  for (const op of scanEscpos(bytes)) {
    switch (op.op) {
      case 'text': {
        if (!pending) pending = { text: '', align, allBold: true, double: false };
        const text = op.text === '\t' ? ' '.repeat(8 - (pending.text.length % 8)) : op.text;
        pending.text += text;
        if (text.trim().length > 0) pending.allBold &&= bold;
        pending.double ||= double;
        break;
      }
      case 'lf':
        for (let k = 0; k < op.lines; k++) flush(true);
        break;
      case 'init':
        // A real printer drops unprinted text on ESC @; we keep it so nothing sent goes unseen.
        flush(false);
        align = 'left';
        bold = false;
        double = false;
        break;
      case 'align':
        align = op.align;
        break;
      case 'bold':
        bold = op.on;
        break;
      case 'mode':
        bold = op.bold;
        double = op.double;
        break;
      case 'size':
        double = op.double;
        break;
      case 'cut':
        flush(false);
        job.cuts++;
        break;
      case 'image':
        flush(false);
        job.images.push(unpackRaster(op.data, op.widthBytes, op.height));
        break;
      case 'qr_store':
        storedQr = op.data;
        break;
      case 'qr_print':
        flush(false);
        if (storedQr !== null) job.qr.push(storedQr);
        break;
      default:
        break;
    }
  }
  flush(false);
  return job;
}

function unpackRaster(data: Buffer, widthBytes: number, height: number): DecodedImage {
  const width = widthBytes * 8;
  const bits = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let xb = 0; xb < widthBytes; xb++) {
      const byte = data[y * widthBytes + xb] ?? 0;
      for (let bit = 0; bit < 8; bit++) bits[y * width + xb * 8 + bit] = (byte >> (7 - bit)) & 1;
    }
  }
  return { width, height, bits };
}

/** Dots a text line takes on paper (default line spacing, 1/6 inch at 203 dpi). */
export const LINE_DOTS = 30;

/**
 * Where the paper advances in a job: after each entry's `end` byte the printer has fed `lines`
 * more lines (a raster image counts its height in text lines). The simulated printer uses this
 * to spend its roll and to stop a job mid-way.
 */
export function paperAdvances(bytes: Buffer): { end: number; lines: number }[] {
  const out: { end: number; lines: number }[] = [];
  for (const op of scanEscpos(bytes)) {
    if (op.op === 'lf' && op.lines > 0) out.push({ end: op.end, lines: op.lines });
    else if (op.op === 'image')
      out.push({ end: op.end, lines: Math.max(1, Math.ceil(op.height / LINE_DOTS)) });
  }
  return out;
}

/** A decoded image as PNG (black on white), for the virtual printer and technicians. */
export function imageToPng(image: DecodedImage): Promise<Buffer> {
  const grey = Buffer.alloc(image.width * image.height);
  for (let k = 0; k < grey.length; k++) grey[k] = image.bits[k] === 1 ? 0 : 255;
  return sharp(grey, { raw: { width: image.width, height: image.height, channels: 1 } })
    .png()
    .toBuffer();
}

/** The job's text, one line per printed line (for logs, tests and `.bin` inspection). */
export function jobText(job: DecodedJob): string {
  return job.lines.map((l) => l.text).join('\n');
}
