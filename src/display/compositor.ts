/**
 * Frame compositing with a cache of rendered items: the frame budget on a Pi-class CPU.
 *
 * Rendering a whole 800×480 screen through librsvg costs ~5 ms of CPU per frame, most of it
 * rasterising text that did not change (status bar, hints, titles) and filling pixels that did
 * not change. Here each layout item is rasterised on its own small "patch" once, by librsvg as
 * before, and kept; a frame is the background filled in JS and the patches composited over it
 * in the layout's order, which is what librsvg itself does (cairo OVER, item after item). Only
 * items never seen before go through librsvg, all of a frame's new ones in a single atlas.
 *
 *   layout items ──▶ solid rect? ──yes──▶ filled directly
 *                      │ no
 *                      ▼
 *                 patch cache ──miss──▶ one atlas SVG per frame ──▶ sharp ──▶ patches
 *                      │ hit
 *                      ▼
 *                 composited in order over the background
 *
 * Drawing into the buffer that holds its previous frame, only the rows whose items changed
 * are drawn again (the caller packs only those for the panel).
 *
 * A patch's origin is an integer pixel, so an item's sub-pixel position (and so its
 * anti-aliasing) is the same on the patch as on the full frame. Text patches keep only the
 * coverage (one byte a pixel, any colour); shapes keep colour and coverage. The result equals
 * the full librsvg render up to 8-bit rounding (tests/unit/display-compositor.test.ts).
 */
import {
  cutPatch,
  type Patch,
  type Placement,
  parseColour,
  placement,
  type Rgb,
  solidRect,
  translate,
} from './compositor-items.ts';
import { FONT_FAMILY } from './fonts.ts';
import type { Layout, RectItem } from './layout-text.ts';
import { itemSvg } from './svg.ts';

/** An SVG document → RGBA pixels (sharp/librsvg in the renderer). */
export type Rasterise = (svg: string) => Promise<{ data: Buffer; width: number; height: number }>;

/** Rows [first, end) of a frame. */
export interface RowSpan {
  first: number;
  end: number;
}

/** One drawing step, the rows [y0, y1) it touches, and what it draws there, as a string. */
type Step = { y0: number; y1: number; sig: string } & ({ solid: RectItem; rgb: Rgb } | { place: Placement });
const BLACK: Rgb = [0, 0, 0];

export class FrameCompositor {
  private readonly patches = new Map<string, Patch>();
  private cachedBytes = 0;
  /** The buffer last drawn into, and the signature of each of its rows. */
  private previous: { out: Buffer; rows: string[] } | null = null;

  /**
   * @param cacheBytes memory the patches may take; the least recently used go first. The
   *   default, three RGBA frames' worth (4.6 MB at 800×480), holds the patches of every screen
   *   of the flow (the 30 test fixtures take 3.8 MB with buttons, 4.0 MB with touch).
   */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly rasterise: Rasterise,
    private readonly cacheBytes = Math.max(2 ** 21, width * height * 12),
  ) {}

  /** Bytes the cached patches take (for tests and the benchmark). */
  get cacheSize(): number {
    return this.cachedBytes;
  }

  /**
   * Draws `layout` into `out` (RGBA, width*height*4 bytes) and returns the rows it changed.
   * When `out` holds this compositor's previous frame, only rows whose items differ from that
   * frame's are drawn again (screens of one flow share their status bar, hints and blank
   * space: about half the rows). Returns null, leaving `out` untouched, when the layout uses
   * something the compositor does not draw (a colour that is not #rgb/#rrggbb): the caller
   * renders that frame whole.
   */
  async compose(layout: Layout, out: Buffer): Promise<RowSpan[] | null> {
    const background = parseColour(layout.background);
    if (layout.width !== this.width || layout.height !== this.height || !background) return this.cannot();
    const steps: Step[] = [];
    // The frame's patches, held here: the cache may evict one of them while this frame is drawn.
    const frame = new Map<string, Patch>();
    const missing = new Map<string, Placement>();
    for (const item of layout.items) {
      const solid = solidRect(item);
      if (solid) {
        const rect = item as RectItem;
        steps.push({
          solid: rect,
          rgb: solid,
          y0: rect.y,
          y1: rect.y + rect.h,
          sig: `r${rect.x},${rect.w},${solid}`,
        });
        continue;
      }
      const place = placement(item);
      if (!place) return this.cannot();
      if (!this.onFrame(place)) continue;
      steps.push({
        place,
        y0: place.oy,
        y1: place.oy + place.h,
        sig: `p${place.ox},${place.oy},${place.fill},${place.key}`,
      });
      const patch = this.patches.get(place.key);
      if (!patch) missing.set(place.key, place);
      else {
        // Most recently used last: the map's order is the eviction order.
        this.patches.delete(place.key);
        this.patches.set(place.key, patch);
        frame.set(place.key, patch);
      }
    }
    const rows = rowSignatures(steps, `${background}`, this.height);
    if (missing.size > 0) {
      for (const [key, patch] of await this.renderAtlas([...missing.values()])) frame.set(key, patch);
    }
    // From here on synchronous: `previous` is what `out` holds now.
    const previous = this.previous?.out === out ? this.previous.rows : null;
    const spans = changedSpans(rows, previous);
    for (const span of spans) {
      fillRect(out, this.width, 0, span.first, this.width, span.end, background);
      for (const step of steps) {
        const y0 = Math.max(step.y0, span.first);
        const y1 = Math.min(step.y1, span.end);
        if (y1 <= y0) continue;
        if ('solid' in step) {
          fillRect(out, this.width, step.solid.x, y0, step.solid.x + step.solid.w, y1, step.rgb);
        } else {
          const patch = frame.get(step.place.key);
          if (patch) this.blend(out, patch, step.place, y0, y1);
        }
      }
    }
    this.previous = { out, rows };
    return spans;
  }

  /** The caller renders this frame whole, into a buffer whose rows are then unknown here. */
  private cannot(): null {
    this.previous = null;
    return null;
  }

  private onFrame(p: Placement): boolean {
    return p.ox < this.width && p.oy < this.height && p.ox + p.w > 0 && p.oy + p.h > 0;
  }

  /** Rasterises the given items, stacked one under the other, in one SVG: one librsvg call. */
  private async renderAtlas(items: Placement[]): Promise<Map<string, Patch>> {
    const width = Math.max(...items.map((p) => p.w));
    let y = 0;
    const body = items
      .map((p) => {
        const svg = itemSvg(translate(p.local, 0, y));
        y += p.h;
        return svg;
      })
      .join('');
    const height = y;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><g font-family="${FONT_FAMILY}">${body}</g></svg>`;
    const atlas = await this.rasterise(svg);
    const fresh = new Map<string, Patch>();
    let top = 0;
    for (const p of items) {
      const patch = cutPatch(atlas.data, atlas.width, top, p);
      fresh.set(p.key, patch);
      this.store(p.key, patch);
      top += p.h;
    }
    return fresh;
  }

  private store(key: string, patch: Patch): void {
    this.cachedBytes -= this.patches.get(key)?.data.length ?? 0;
    this.patches.set(key, patch);
    this.cachedBytes += patch.data.length;
    for (const [oldKey, old] of this.patches) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.patches.delete(oldKey);
      this.cachedBytes -= old.data.length;
    }
  }

  /** `patch` OVER `out` at the placement, in rows [rowFrom, rowTo), clipped to the frame. */
  private blend(out: Buffer, patch: Patch, at: Placement, rowFrom: number, rowTo: number): void {
    const x0 = Math.max(0, at.ox);
    const x1 = Math.min(this.width, at.ox + patch.w);
    const y0 = Math.max(0, at.oy, rowFrom);
    const y1 = Math.min(this.height, at.oy + patch.h, rowTo);
    const src = patch.data;
    const rgba = patch.kind === 'rgba';
    const fill = at.fill ?? BLACK;
    for (let y = y0; y < y1; y++) {
      let o = (y * this.width + x0) * 4;
      let s = ((y - at.oy) * patch.w + (x0 - at.ox)) * (rgba ? 4 : 1);
      for (let x = x0; x < x1; x++, o += 4, s += rgba ? 4 : 1) {
        const a = rgba ? src[s + 3]! : src[s]!;
        if (a === 0) continue;
        const r = rgba ? src[s]! : fill[0];
        const g = rgba ? src[s + 1]! : fill[1];
        const b = rgba ? src[s + 2]! : fill[2];
        if (a === 255) {
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
        } else {
          const k = 255 - a;
          out[o] = ((r * a + out[o]! * k + 127) / 255) | 0;
          out[o + 1] = ((g * a + out[o + 1]! * k + 127) / 255) | 0;
          out[o + 2] = ((b * a + out[o + 2]! * k + 127) / 255) | 0;
        }
        out[o + 3] = 255;
      }
    }
  }
}

/**
 * What each row of the frame shows, as a string: the background and, in order, every step
 * that touches the row. Two frames' rows with equal strings have equal pixels. Rows between
 * the same step edges share one string.
 */
function rowSignatures(steps: Step[], background: string, height: number): string[] {
  const edges = [...new Set([0, height, ...steps.flatMap((s) => [s.y0, s.y1])])]
    .filter((y) => y >= 0 && y <= height)
    .sort((a, b) => a - b);
  const rows = new Array<string>(height);
  for (let i = 0; i + 1 < edges.length; i++) {
    const top = edges[i]!;
    const bottom = edges[i + 1]!;
    const sig = [background, ...steps.filter((s) => s.y0 < bottom && s.y1 > top).map((s) => s.sig)].join('|');
    rows.fill(sig, top, bottom);
  }
  return rows;
}

/** The runs of rows whose signature differs from `previous` (all rows without one). */
function changedSpans(rows: string[], previous: string[] | null): RowSpan[] {
  const spans: RowSpan[] = [];
  for (let y = 0; y < rows.length; y++) {
    if (previous && previous[y] === rows[y]) continue;
    const last = spans[spans.length - 1];
    if (last && last.end === y) last.end = y + 1;
    else spans.push({ first: y, end: y + 1 });
  }
  return spans;
}

/** Opaque `rgb` over [x0, x1) × [y0, y1), clipped to the frame. */
function fillRect(
  out: Buffer,
  width: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  rgb: Rgb,
): void {
  const left = Math.max(0, x0);
  const right = Math.min(width, x1);
  if (right <= left) return;
  const pixel = Buffer.from([rgb[0], rgb[1], rgb[2], 255]);
  for (let y = Math.max(0, y0); y < y1; y++) out.fill(pixel, (y * width + left) * 4, (y * width + right) * 4);
}
