/**
 * The two bars every screen has: the status bar on top (village, printer, network, time) and
 * the hint bar at the bottom (what each button does, or a short footer when none acts).
 */
import { textWidth } from './fonts.ts';
import { type HintChip, hintChips } from './hints.ts';
import { COLOURS, centredBaseline, ellipsize, fitLines, type Item, text } from './layout-text.ts';
import type { ScreenModel, StatusBar } from './screen-model.ts';
import { BUTTON_KEYS } from './text-id.ts';

export interface Band {
  width: number;
  top: number;
  height: number;
  /** Scale against the 480×320 design. */
  scale: number;
  margin: number;
}

/** Status bar: village left; printer, network (each with a green/red dot) and time right. */
export function statusBarItems(st: StatusBar, b: Band): Item[] {
  const items: Item[] = [{ kind: 'rect', x: 0, y: b.top, w: b.width, h: b.height, fill: COLOURS.statusBg }];
  const room = b.width - 2 * b.margin;
  const maxF = Math.round(16 * b.scale);
  const minF = Math.max(10, Math.round(12 * b.scale));
  let f = maxF;
  let printer = st.printer;
  const rightWidth = (size: number, p: string) => {
    const dot = Math.round(size * 0.95);
    const gap = Math.round(size * 0.9);
    let w = textWidth(st.time, size, true);
    if (st.network) w += gap + dot + textWidth(st.network, size);
    return w + gap + dot + textWidth(p, size);
  };
  for (; f > minF; f--) if (rightWidth(f, printer) + f * 5 <= room) break;
  if (rightWidth(f, printer) > room) {
    const others = rightWidth(f, '');
    printer = ellipsize(printer, Math.max(0, room - others), f, false);
  }
  const y = centredBaseline(b.top, b.height, f);
  const dotR = Math.max(3, Math.round(f * 0.3));
  const dotW = Math.round(f * 0.95);
  const gap = Math.round(f * 0.9);
  let x = b.width - b.margin;
  const segment = (label: string, ok: boolean | null, bold: boolean) => {
    const t = text(label, x, y, f, { bold, fill: COLOURS.statusText, anchor: 'end' });
    items.push(t);
    x -= t.width;
    if (ok !== null) {
      items.push({
        kind: 'circle',
        cx: x - dotW + dotR,
        cy: y - Math.round(f * 0.36),
        r: dotR,
        fill: ok ? COLOURS.ok : COLOURS.bad,
      });
      x -= dotW;
    }
    x -= gap;
  };
  segment(st.time, null, true);
  if (st.network) segment(st.network, st.network_ok, false);
  segment(printer, st.printer_ok, false);
  const villageRoom = x - b.margin;
  if (villageRoom >= f * 3) {
    items.push(
      text(ellipsize(st.village, villageRoom, f, true), b.margin, y, f, {
        bold: true,
        fill: COLOURS.statusText,
      }),
    );
  }
  return items;
}

const ORDER = [
  BUTTON_KEYS.back,
  `${BUTTON_KEYS.up}${BUTTON_KEYS.down}`,
  BUTTON_KEYS.up,
  BUTTON_KEYS.down,
  BUTTON_KEYS.ok,
];

/** Hint bar: one chip per acting button (key in a dark box, then the action), ◀ left, OK right. */
export function hintBarItems(model: ScreenModel, b: Band): Item[] {
  const items: Item[] = [
    { kind: 'rect', x: 0, y: b.top, w: b.width, h: b.height, fill: '#eef1f5' },
    { kind: 'rect', x: 0, y: b.top, w: b.width, h: Math.max(1, Math.round(b.scale)), fill: COLOURS.rule },
  ];
  const room = b.width - 2 * b.margin;
  const minF = Math.max(10, Math.round(13 * b.scale));
  const chips = hintChips(model).sort((p, q) => ORDER.indexOf(p.key) - ORDER.indexOf(q.key));
  if (chips.length === 0) {
    const fit = fitLines(model.footer ?? '', room, Math.round(17 * b.scale), minF, 1, false);
    const y = centredBaseline(b.top, b.height, fit.size);
    items.push(text(fit.lines[0] ?? '', b.width / 2, y, fit.size, { fill: COLOURS.muted, anchor: 'middle' }));
    return items;
  }
  const boxH = Math.round(b.height * 0.66);
  const measure = (f: number, c: HintChip, label: string) => {
    const keyW = Math.max(boxH, Math.round(textWidth(c.key, f, true) + f));
    return {
      keyW,
      labelGap: Math.round(f * 0.4),
      chipW: keyW + Math.round(f * 0.4) + textWidth(label, f, true),
    };
  };
  const minGap = Math.round(12 * b.scale);
  let f = Math.round(19 * b.scale);
  const total = (size: number) =>
    chips.reduce((sum, c) => sum + measure(size, c, c.label).chipW, 0) + minGap * (chips.length - 1);
  while (f > minF && total(f) > room) f--;
  let labels = chips.map((c) => c.label);
  if (total(f) > room) {
    const share = (room - minGap * (chips.length - 1)) / chips.length;
    labels = chips.map((c) => ellipsize(c.label, share - measure(f, c, '').chipW, f, true));
  }
  const widths = chips.map((c, i) => measure(f, c, labels[i] ?? '').chipW);
  const used = widths.reduce((a, w) => a + w, 0);
  const single = chips.length === 1;
  const spacing = single ? 0 : (room - used) / (chips.length - 1);
  let x = single && chips[0]?.key === BUTTON_KEYS.ok ? b.width - b.margin - used : b.margin;
  const boxTop = b.top + Math.round((b.height - boxH) / 2);
  const y = centredBaseline(boxTop, boxH, f);
  chips.forEach((c, i) => {
    const m = measure(f, c, labels[i] ?? '');
    const bg = c.key === BUTTON_KEYS.ok ? COLOURS.okKeyBg : COLOURS.keyBg;
    items.push({
      kind: 'rect',
      x: Math.round(x),
      y: boxTop,
      w: m.keyW,
      h: boxH,
      fill: bg,
      rx: Math.round(5 * b.scale),
    });
    items.push(
      text(c.key, Math.round(x + m.keyW / 2), y, f, { bold: true, fill: COLOURS.keyText, anchor: 'middle' }),
    );
    items.push(
      text(labels[i] ?? '', Math.round(x + m.keyW + m.labelGap), y, f, { bold: true, fill: COLOURS.text }),
    );
    x += m.chipW + spacing;
  });
  return items;
}
