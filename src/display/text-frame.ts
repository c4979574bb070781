/**
 * A screen model as plain text: what the simulator prints on stdout and what tests and the
 * lead's daemon tests read. The first line is exactly `--- screen: <id> ---`.
 *
 *   --- screen: choose_letter ---
 *   +--------------------------------------------------+
 *   | Desa Hanura          Printer siap · Terhubung · 09:30 |
 *   +--------------------------------------------------+
 *   | PILIH SURAT                                        |
 *   | > Keterangan Domisili                              |
 *   |   Keterangan Usaha                                 |
 *   +--------------------------------------------------+
 *   | [▲▼] Pilih  [◀] Batal  [OK] Lanjut                 |
 *   +--------------------------------------------------+
 */
import { hintChips } from './hints.ts';
import type { ScreenModel } from './screen-model.ts';

const WIDTH = 52;
const BAR_CELLS = 30;

/** Renders the model as a boxed, readable plain-text frame (no trailing newline). */
export function renderTextFrame(model: ScreenModel): string {
  const rule = `+${'-'.repeat(WIDTH + 2)}+`;
  const out: string[] = [`--- screen: ${model.id} ---`, rule];
  for (const line of statusRows(model.status.village, statusText(model))) out.push(row(line));
  out.push(rule);
  for (const l of wrap(model.title.toUpperCase(), WIDTH)) out.push(row(l));
  if (model.lines.length > 0) out.push(row(''));
  for (const line of model.lines) for (const l of wrap(line, WIDTH)) out.push(row(l));
  if (model.menu) {
    out.push(row(''));
    model.menu.items.forEach((item, i) => {
      const marker = i === model.menu?.selected ? '> ' : '  ';
      wrap(item, WIDTH - 2).forEach((l, j) => {
        out.push(row((j === 0 ? marker : '  ') + l));
      });
    });
  }
  if (model.progress !== undefined) {
    const filled = Math.round(model.progress * BAR_CELLS);
    const pct = `${Math.round(model.progress * 100)}%`;
    out.push(row(''));
    out.push(row(`[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}] ${pct}`));
  }
  out.push(rule);
  const chips = hintChips(model);
  const hintLine =
    chips.length > 0 ? chips.map((c) => `[${c.key}] ${c.label}`).join(' · ') : (model.footer ?? '');
  for (const l of wrap(hintLine, WIDTH)) out.push(row(l));
  out.push(rule);
  return out.join('\n');
}

function statusText(model: ScreenModel): string {
  const s = model.status;
  const printer = s.printer_ok ? s.printer : `! ${s.printer}`;
  const network = s.network === '' ? [] : [s.network_ok ? s.network : `! ${s.network}`];
  return [printer, ...network, s.time].join(' · ');
}

function row(text: string): string {
  const len = [...text].length;
  return `| ${text}${' '.repeat(Math.max(0, WIDTH - len))} |`;
}

/** Left text and right text on one row; when both do not fit, the left wraps on rows above (never cut). */
function statusRows(left: string, right: string): string[] {
  const room = WIDTH - [...right].length - 1;
  if ([...left].length <= room) {
    return [`${left}${' '.repeat(Math.max(1, WIDTH - [...left].length - [...right].length))}${right}`];
  }
  return [...wrap(left, WIDTH), `${' '.repeat(Math.max(0, WIDTH - [...right].length))}${right}`];
}

/** Word wrap by characters; a word longer than the width is broken over lines. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/[ \t\n]+/).filter((w) => w !== '')) {
    let w = word;
    while ([...w].length > width) {
      if (cur) {
        lines.push(cur);
        cur = '';
      }
      lines.push([...w].slice(0, width).join(''));
      w = [...w].slice(width).join('');
    }
    if (!cur) cur = w;
    else if ([...cur].length + 1 + [...w].length <= width) cur += ` ${w}`;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur || lines.length === 0) lines.push(cur);
  return lines;
}
