/**
 * A device-independent printed document. Letters are laid out into these blocks for a given
 * number of columns (32 on 58 mm, 48 on 80 mm); printer adapters turn blocks into device bytes.
 * Text is plain ASCII (the printer code page is the lowest common denominator).
 */
export type PrintBlock =
  | {
      kind: 'text';
      text: string;
      align?: 'left' | 'center' | 'right';
      bold?: boolean;
      size?: 'normal' | 'double';
    }
  /** "Nama            : BUDI", the label padded to `labelWidth`; the value wraps under itself. */
  | { kind: 'field'; label: string; value: string; labelWidth: number }
  | { kind: 'rule'; char?: string }
  | { kind: 'feed'; lines: number }
  /** A QR code; printed as a 1-bit raster image unless native QR is configured. */
  | { kind: 'qr'; data: string; caption?: string }
  /** A raster image (e.g. the village logo), PNG bytes, printed as 1-bit. */
  | { kind: 'image'; png: Buffer; align?: 'left' | 'center' }
  | { kind: 'cut' };

export interface PrintDocument {
  /** What this is, for logs and sim file names ("SURAT KETERANGAN DOMISILI"). */
  title: string;
  /** Columns the text blocks were laid out for. */
  columns: 32 | 48;
  blocks: PrintBlock[];
}
