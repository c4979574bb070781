/**
 * The calibration screen (`anjungan touch calibrate`): a large crosshair at a known point and
 * what to do, in the middle of an otherwise empty screen so that nothing invites a touch elsewhere.
 */
import type { Canvas } from './layout.ts';
import { COLOURS, centredBaseline, fitLines, type Item, type Layout, text } from './layout-text.ts';
import { textFloorPx } from './legibility.ts';
import type { ScreenModel } from './screen-model.ts';

export function layoutCalibration(model: ScreenModel, canvas: Canvas, at: { x: number; y: number }): Layout {
  const { width: W, height: H } = canvas;
  const arm = Math.round(Math.min(W, H) * 0.06);
  const thick = Math.max(2, Math.round(arm / 8));
  const items: Item[] = [
    {
      kind: 'rect',
      x: at.x - arm,
      y: at.y - Math.floor(thick / 2),
      w: 2 * arm + 1,
      h: thick,
      fill: COLOURS.text,
    },
    {
      kind: 'rect',
      x: at.x - Math.floor(thick / 2),
      y: at.y - arm,
      w: thick,
      h: 2 * arm + 1,
      fill: COLOURS.text,
    },
    { kind: 'circle', cx: at.x, cy: at.y, r: Math.max(2, thick), fill: COLOURS.tone.error },
  ];
  const floor = textFloorPx(W, H);
  const room = Math.round(W * 0.7);
  const lines = [model.title, ...model.lines];
  const fits = lines.map((l, i) =>
    fitLines(l, room, Math.round(floor * (i === 0 ? 1.4 : 1.1)), floor, 2, i === 0),
  );
  const lh = (size: number) => Math.round(size * 1.3);
  let y = Math.round(H / 2 - fits.reduce((h, f) => h + f.lines.length * lh(f.size), 0) / 2);
  fits.forEach((f, i) => {
    for (const line of f.lines) {
      items.push(
        text(line, Math.round(W / 2), centredBaseline(y, lh(f.size), f.size), f.size, {
          bold: i === 0,
          fill: COLOURS.text,
          anchor: 'middle',
        }),
      );
      y += lh(f.size);
    }
  });
  return {
    width: W,
    height: H,
    background: COLOURS.background,
    items,
    bands: [{ name: 'body', top: 0, bottom: H }],
  };
}
