/**
 * A picture under the body's text (an announcement's, on idle): the text moves to the top of
 * the body, and the picture takes the room left below it, scaled down to fit (never up, never
 * distorted), centred. The call to action above and the text are never covered; with too
 * little room for a legible picture it is left out and the text stands alone.
 */
import type { Band } from './layout-bars.ts';
import { type BodyLayout, type BodyOptions, bodyLayout } from './layout-body.ts';
import type { ImageItem, Item } from './layout-text.ts';
import type { ScreenModel } from './screen-model.ts';

/**
 * The body, with the model's picture when it has one: the text gets the smallest share of the
 * band it fits in whole (its sizes step down towards the floor, never below), the picture the
 * rest. Without room for both, the text alone, as without a picture.
 */
export function bodyWithImage(model: ScreenModel, b: Band, opts: BodyOptions = {}): BodyLayout {
  const full = bodyLayout(model, b, opts);
  if (!model.image || full.pages > 1) return full;
  for (const share of [0.45, 0.6, 0.75, 1]) {
    const text = share === 1 ? full : bodyLayout(model, { ...b, height: Math.floor(b.height * share) }, opts);
    if (text.pages > 1) continue;
    const items = withImage(model, text.items, b);
    if (items !== text.items) return { ...text, items };
  }
  return full;
}

/** The body's items with the model's picture placed under them (or unchanged when it has none or no room). */
function withImage(model: ScreenModel, items: Item[], b: Band): Item[] {
  const image = model.image;
  if (!image || image.width <= 0 || image.height <= 0) return items;
  const texts = items.filter((i) => i.kind === 'text');
  // The picture goes with its announcement (the last line): left out with it on a small panel.
  const last = model.lines.at(-1) ?? '';
  if (!texts.some((t) => t.text !== '' && last.startsWith(t.text))) return items;
  const top = texts.length > 0 ? Math.min(...texts.map((t) => t.y - t.size * 0.93)) : b.top;
  const shift = Math.max(0, Math.floor(top - b.top));
  const moved = items.map((i) => moveUp(i, shift));
  const bottom = texts.length > 0 ? Math.max(...texts.map((t) => t.y + t.size * 0.24)) - shift : b.top;
  const gap = Math.round(8 * b.scale);
  const room = { w: b.width - 2 * b.margin, h: b.top + b.height - Math.ceil(bottom) - gap };
  const scale = Math.min(1, room.w / image.width, room.h / image.height);
  const w = Math.floor(image.width * scale);
  const h = Math.floor(image.height * scale);
  // Smaller than two lines of text: not worth showing.
  if (h < 2 * b.floor || w < 2 * b.floor) return items;
  const picture: ImageItem = {
    kind: 'image',
    x: b.margin + Math.floor((room.w - w) / 2),
    y: Math.ceil(bottom) + gap,
    w,
    h,
    href: image.data_uri,
  };
  return [...moved, picture];
}

function moveUp(item: Item, dy: number): Item {
  if (dy === 0) return item;
  switch (item.kind) {
    case 'circle':
      return { ...item, cy: item.cy - dy };
    default:
      return { ...item, y: item.y - dy };
  }
}
