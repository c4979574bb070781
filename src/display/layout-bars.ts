/**
 * The two bars every screen has: the status bar on top (village, printer, network, time) and
 * the hint bar at the bottom (what each button does, or a short footer when none acts).
 */
import { textWidth } from './fonts.ts';
import { type HintChip, hintChips } from './hints.ts';
import { COLOURS, centredBaseline, fitLines, type Item, text, wrapText } from './layout-text.ts';
import { STATUS_FLOOR_PX } from './legibility.ts';
import type { ScreenModel, StatusBar, StatusLevel } from './screen-model.ts';
import { BUTTON_KEYS } from './text-id.ts';

export interface Band {
  width: number;
  top: number;
  height: number;
  /** Scale against the 480×320 design. */
  scale: number;
  margin: number;
  /** The smallest resident-facing text size on this panel (legibility.ts). */
  floor: number;
  /** A 2.8" panel (320×240, 240×320): the village's name gives way to the body. */
  compact?: boolean;
}

/** How tall the status bar must be: one row, or more (village above, statuses below) when one does not fit at 14 px. */
export function statusBarHeight(st: StatusBar, b: Omit<Band, 'height' | 'top'>): number {
  const plan = planStatus(st, b.width - 2 * b.margin, b.scale, b.compact ?? false);
  const rowH = Math.max(Math.round(30 * b.scale), Math.round(plan.f * 1.9));
  return Math.round(rowH * (1 + 0.6 * (plan.rows.length - 1)));
}

interface Segment {
  label: string;
  /** The state dot before the word; null for the time. */
  level: StatusLevel | null;
  bold: boolean;
}

/** One row of the status bar: a line of the village's name at the left, segments at the right. */
interface StatusRow {
  village: string | null;
  right: Segment[];
}

function segments(st: StatusBar): { time: Segment; statuses: Segment[] } {
  const statuses: Segment[] = [];
  if (st.network) statuses.push({ label: st.network, level: st.network_ok ? 'ok' : 'bad', bold: false });
  statuses.push({
    label: st.printer,
    level: st.printer_level ?? (st.printer_ok ? 'ok' : 'bad'),
    bold: false,
  });
  return { time: { label: st.time, level: null, bold: true }, statuses };
}

function segmentWidth(seg: Segment, f: number): number {
  return textWidth(seg.label, f, seg.bold) + (seg.level === null ? 0 : Math.round(f * 0.95));
}

function rowWidth(row: Segment[], f: number): number {
  return (
    row.reduce((w, seg) => w + segmentWidth(seg, f), 0) + Math.round(f * 0.9) * Math.max(0, row.length - 1)
  );
}

/**
 * One row when everything fits at 14 px or more. Otherwise the village's name gets rows of its
 * own, wrapped, never cut to "Desa…" (the time beside its first line), and the printer and
 * network statuses go on the rows below, as many side by side as fit: their words are never
 * cut either (on a 2.8" panel the name gives way instead: the idle screen names it).
 */
function planStatus(st: StatusBar, room: number, scale: number, compact: boolean) {
  const maxF = Math.max(STATUS_FLOOR_PX, Math.round(16 * scale));
  const { time, statuses } = segments(st);
  const one = [time, ...statuses];
  for (let f = maxF; f >= STATUS_FLOOR_PX; f--) {
    if (rowWidth(one, f) + f + textWidth(st.village, f, true) <= room)
      return { f, rows: [{ village: st.village, right: one }] as StatusRow[] };
  }
  // The largest size at which the statuses share a row (else the floor, a row each).
  let f = maxF;
  while (f > STATUS_FLOOR_PX && rowWidth(statuses, f) > room) f--;
  const rows: StatusRow[] = [];
  if (!compact) {
    const villageRoom = room - segmentWidth(time, f) - f;
    wrapText(st.village, villageRoom, f, true).forEach((line, i) => {
      rows.push({ village: line, right: i === 0 ? [time] : [] });
    });
  } else rows.push({ village: null, right: [time] });
  // The statuses fill rows from the right, in the order of the one-row bar.
  let row = compact ? rows[0] : undefined;
  for (const seg of statuses) {
    if (row && rowWidth([...row.right, seg], f) <= room) row.right.push(seg);
    else {
      row = { village: null, right: [seg] };
      rows.push(row);
    }
  }
  return { f, rows };
}

/** Status bar: village left; printer, network (each with a state dot) and time right. */
export function statusBarItems(st: StatusBar, b: Band): Item[] {
  const items: Item[] = [{ kind: 'rect', x: 0, y: b.top, w: b.width, h: b.height, fill: COLOURS.statusBg }];
  const room = b.width - 2 * b.margin;
  const { f, rows } = planStatus(st, room, b.scale, b.compact ?? false);
  const rowH = b.height / rows.length;
  const dotR = Math.max(3, Math.round(f * 0.3));
  const dotW = Math.round(f * 0.95);
  const gap = Math.round(f * 0.9);
  rows.forEach((row, r) => {
    const y = centredBaseline(b.top + r * rowH, rowH, f);
    let x = b.width - b.margin;
    for (const seg of row.right) {
      const t = text(seg.label, x, y, f, { bold: seg.bold, fill: COLOURS.statusText, anchor: 'end' });
      items.push(t);
      x -= t.width;
      if (seg.level !== null) {
        items.push({
          kind: 'circle',
          cx: x - dotW + dotR,
          cy: y - Math.round(f * 0.36),
          r: dotR,
          fill: seg.level === 'ok' ? COLOURS.ok : seg.level === 'warn' ? COLOURS.warn : COLOURS.bad,
        });
        x -= dotW;
      }
      x -= gap;
    }
    if (row.village !== null)
      items.push(text(row.village, b.margin, y, f, { bold: true, fill: COLOURS.statusText }));
  });
  return items;
}

const ORDER = [
  BUTTON_KEYS.back,
  `${BUTTON_KEYS.up}${BUTTON_KEYS.down}`,
  BUTTON_KEYS.up,
  BUTTON_KEYS.down,
  BUTTON_KEYS.ok,
];

const UPDOWN = `${BUTTON_KEYS.up}${BUTTON_KEYS.down}`;

interface HintPlan {
  f: number;
  /** One or two rows of chips (OK alone on the second); empty for a footer. */
  rows: HintChip[][];
  /** The footer's lines (one, or two when it does not fit on one at the floor). */
  footer: string[];
}

/**
 * Chips at the largest size that fits one row, down to the floor; then without the word after
 * ▲▼ (beside a list the arrows explain themselves); then on two rows. Nothing below the floor,
 * no word cut.
 */
function planHints(model: ScreenModel, b: Omit<Band, 'top' | 'height'>): HintPlan {
  // Two pixels of slack: chip positions are rounded to whole pixels.
  const room = b.width - 2 * b.margin - 2;
  const minF = Math.max(b.floor, Math.round(13 * b.scale));
  const chips = hintChips(model).sort((p, q) => ORDER.indexOf(p.key) - ORDER.indexOf(q.key));
  if (chips.length === 0) {
    // A little narrower than the chips: centred text must not touch the margins.
    const fit = fitLines(
      model.footer ?? '',
      room - minF,
      Math.max(minF, Math.round(17 * b.scale)),
      minF,
      2,
      false,
    );
    return { f: fit.size, rows: [], footer: fit.lines };
  }
  const total = (f: number, row: HintChip[]) =>
    row.reduce((sum, c) => sum + chipWidth(f, c), 0) + Math.round(12 * b.scale) * (row.length - 1);
  let f = Math.max(minF, Math.round(19 * b.scale));
  while (f > minF && total(f, chips) > room) f--;
  if (total(f, chips) <= room) return { f, rows: [chips], footer: [] };
  const bare = chips.map((c) => (c.key === UPDOWN ? { ...c, label: '' } : c));
  if (total(f, bare) <= room) return { f, rows: [bare], footer: [] };
  const rows = [bare.filter((c) => c.key !== BUTTON_KEYS.ok), bare.filter((c) => c.key === BUTTON_KEYS.ok)];
  return { f, rows: rows.filter((r) => r.length > 0), footer: [] };
}

function chipWidth(f: number, c: HintChip): number {
  return keyWidth(f, c) + Math.round(f * 0.4) + textWidth(c.label, f, true);
}

function keyWidth(f: number, c: HintChip): number {
  return Math.max(Math.round(f * 1.6), Math.round(textWidth(c.key, f, true) + f * 0.6));
}

/** How tall the hint bar must be: one row, or two when the chips or the footer need them. */
export function hintBarHeight(model: ScreenModel, b: Omit<Band, 'top' | 'height'>): number {
  const plan = planHints(model, b);
  const one = Math.max(Math.round(46 * b.scale), Math.round(plan.f * 2.2));
  const rows = Math.max(plan.rows.length, plan.footer.length);
  return rows > 1 ? Math.round(one * 1.75) : one;
}

/** Hint bar: one chip per acting button (key in a dark box, then the action), ◀ left, OK right. */
export function hintBarItems(model: ScreenModel, b: Band): Item[] {
  const items: Item[] = [
    { kind: 'rect', x: 0, y: b.top, w: b.width, h: b.height, fill: '#eef1f5' },
    { kind: 'rect', x: 0, y: b.top, w: b.width, h: Math.max(1, Math.round(b.scale)), fill: COLOURS.rule },
  ];
  const plan = planHints(model, b);
  const { f } = plan;
  const rowCount = Math.max(1, plan.rows.length, plan.footer.length);
  const rowH = b.height / rowCount;
  plan.footer.forEach((line, r) => {
    const y = centredBaseline(b.top + r * rowH, rowH, f);
    items.push(text(line, b.width / 2, y, f, { fill: COLOURS.muted, anchor: 'middle' }));
  });
  plan.rows.forEach((row, r) => {
    items.push(...chipRow(row, f, b, b.top + r * rowH, rowH));
  });
  return items;
}

function chipRow(chips: HintChip[], f: number, b: Band, top: number, h: number): Item[] {
  const items: Item[] = [];
  const room = b.width - 2 * b.margin - 2;
  const boxH = Math.round(Math.min(h * 0.72, f * 1.7));
  const used = chips.reduce((a, c) => a + chipWidth(f, c), 0);
  const single = chips.length === 1;
  const spacing = single ? 0 : (room - used) / (chips.length - 1);
  let x = single && chips[0]?.key === BUTTON_KEYS.ok ? b.width - b.margin - Math.ceil(used) - 1 : b.margin;
  const boxTop = top + Math.round((h - boxH) / 2);
  const y = centredBaseline(boxTop, boxH, f);
  for (const c of chips) {
    const keyW = keyWidth(f, c);
    const bg = c.key === BUTTON_KEYS.ok ? COLOURS.okKeyBg : COLOURS.keyBg;
    items.push({
      kind: 'rect',
      x: Math.round(x),
      y: boxTop,
      w: keyW,
      h: boxH,
      fill: bg,
      rx: Math.round(5 * b.scale),
    });
    items.push(
      text(c.key, Math.round(x + keyW / 2), y, f, { bold: true, fill: COLOURS.keyText, anchor: 'middle' }),
    );
    if (c.label) {
      const lx = Math.round(x + keyW + f * 0.4);
      items.push(text(c.label, lx, y, f, { bold: true, fill: COLOURS.text }));
    }
    x += chipWidth(f, c) + spacing;
  }
  return items;
}
