/**
 * Screen model → pixels: layout (layout.ts) → items rasterised by sharp (librsvg, pango) and
 * cached, composited into raw RGBA (compositor.ts) → PNG when asked. `svg()` is the same
 * screen as one SVG document (what the compositor's output equals). sharp is loaded lazily and
 * only after fontconfig has been pointed at the shipped fonts (fonts.ts). The first text render
 * is slow (font cache); call warmUp() at start.
 */
import type { Sharp, SharpOptions } from 'sharp';
import { FrameCompositor, type RowSpan } from './compositor.ts';
import { useShippedFonts } from './fonts.ts';
import { layoutScreen } from './layout.ts';
import type { ScreenModel } from './screen-model.ts';
import { layoutToSvg } from './svg.ts';
import { BUTTON_KEYS, FOOTER, MORE_ABOVE, MORE_BELOW, TEXT } from './text-id.ts';

type SharpFactory = (input: Buffer, options?: SharpOptions) => Sharp;
let sharpFactory: Promise<SharpFactory> | null = null;

/** The sharp module, loaded once, with fontconfig set up first. */
export function loadSharp(): Promise<SharpFactory> {
  if (!sharpFactory) {
    useShippedFonts();
    sharpFactory = import('sharp').then((m) => m.default as unknown as SharpFactory);
  }
  return sharpFactory;
}

/** Logical canvas for a panel: portrait puts the short side horizontal. */
export function logicalSize(width: number, height: number, orientation: 'landscape' | 'portrait') {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  return orientation === 'portrait' ? { width: short, height: long } : { width: long, height: short };
}

export interface RawFrame {
  /** RGBA, 4 bytes per pixel, rows of width*4 bytes. */
  data: Buffer;
  width: number;
  height: number;
}

/** A whole SVG document → RGBA, through librsvg. */
export async function rasterise(svg: string): Promise<RawFrame> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(Buffer.from(svg))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export class ScreenRenderer {
  private readonly compositor: FrameCompositor;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.compositor = new FrameCompositor(width, height, rasterise);
  }

  svg(model: ScreenModel, opts: { textOnly?: boolean } = {}): string {
    return layoutToSvg(layoutScreen(model, { width: this.width, height: this.height }), opts);
  }

  /** The screen as RGBA in a new buffer. */
  async raw(model: ScreenModel): Promise<RawFrame> {
    const data = Buffer.allocUnsafeSlow(this.width * this.height * 4);
    await this.rawInto(model, data);
    return { data, width: this.width, height: this.height };
  }

  /**
   * The screen as RGBA into `data` (width*height*4 bytes), which a display reuses frame after
   * frame: no 1.5 MB allocation per frame for the garbage collector to chase, and only the rows
   * that differ from the previous frame are drawn again. Returns those rows. `data` must not be
   * written between calls except by this method.
   */
  async rawInto(model: ScreenModel, data: Buffer): Promise<RowSpan[]> {
    const layout = layoutScreen(model, { width: this.width, height: this.height });
    const changed = await this.compositor.compose(layout, data);
    if (changed) return changed;
    (await rasterise(layoutToSvg(layout))).data.copy(data);
    return [{ first: 0, end: this.height }];
  }

  async png(model: ScreenModel): Promise<Buffer> {
    const sharp = await loadSharp();
    const { data, width, height } = await this.raw(model);
    return sharp(data, { raw: { width, height, channels: 4 } })
      .png({ compressionLevel: 9, palette: false })
      .toBuffer();
  }

  /** Renders every glyph the screens use once, so the first real frame is fast. */
  async warmUp(): Promise<void> {
    await this.raw(warmUpModel());
  }
}

function warmUpModel(): ScreenModel {
  return {
    id: 'warm_up',
    tone: 'normal',
    title: `${TEXT.tapCard} ${FOOTER.wait}`,
    lines: [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz',
      "0123456789 .,:;/-()'*% ÀÉÈ…·▶ ",
      `${MORE_ABOVE} ${MORE_BELOW}`,
    ],
    menu: { items: ['Keterangan', 'Pengantar'], selected: 0 },
    progress: 0.5,
    hints: { up: 'Pilih', down: 'Pilih', ok: 'Lanjut', back: `Kembali ${BUTTON_KEYS.back}` },
    status: {
      village: 'Desa',
      printer: 'Printer siap',
      printer_ok: true,
      network: 'Tidak terhubung',
      network_ok: true,
      time: '00:00',
    },
  };
}
