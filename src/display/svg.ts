/**
 * Layout → SVG for sharp/librsvg. Text uses the shipped font family only (see fonts.ts);
 * `textOnly` draws just the text, for the overflow tests' pixel check.
 */
import { FONT_FAMILY } from './fonts.ts';
import type { Item, Layout } from './layout-text.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** One layout item as an SVG element (also what the compositor renders and caches). */
export function itemSvg(item: Item): string {
  switch (item.kind) {
    case 'rect': {
      const rx = item.rx ? ` rx="${item.rx}"` : '';
      const stroke = item.stroke ? ` stroke="${item.stroke}" stroke-width="${item.strokeWidth ?? 1}"` : '';
      return `<rect x="${item.x}" y="${item.y}" width="${item.w}" height="${item.h}" fill="${item.fill}"${rx}${stroke}/>`;
    }
    case 'image':
      return `<image x="${item.x}" y="${item.y}" width="${item.w}" height="${item.h}" href="${item.href}"/>`;
    case 'circle':
      return `<circle cx="${item.cx}" cy="${item.cy}" r="${item.r}" fill="${item.fill}"/>`;
    case 'text': {
      const weight = item.bold ? ' font-weight="bold"' : '';
      const anchor = item.anchor === 'start' ? '' : ` text-anchor="${item.anchor}"`;
      return `<text x="${item.x}" y="${item.y}" font-size="${item.size}"${weight}${anchor} fill="${item.fill}">${escapeXml(item.text)}</text>`;
    }
  }
}

/** The whole screen as one SVG document of exactly layout.width × layout.height pixels. */
export function layoutToSvg(layout: Layout, opts: { textOnly?: boolean } = {}): string {
  const { width, height } = layout;
  const items = opts.textOnly ? layout.items.filter((i) => i.kind === 'text') : layout.items;
  const background = opts.textOnly
    ? ''
    : `<rect width="${width}" height="${height}" fill="${layout.background}"/>`;
  const body = items.map(itemSvg).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><g font-family="${FONT_FAMILY}">${background}${body}</g></svg>`;
}
