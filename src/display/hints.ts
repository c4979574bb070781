/**
 * The hint bar's content, shared by the text frame and the pixel renderer: one chip per button
 * that acts ("▲▼ Pilih" when up and down do the same), or the screen's footer when none does.
 */
import type { ScreenModel } from './screen-model.ts';
import { BUTTON_KEYS } from './text-id.ts';

export interface HintChip {
  /** The button label as printed on the kiosk ("OK", "▲▼"). */
  key: string;
  /** What it does here ("Lanjut"). */
  label: string;
}

export function hintChips(model: ScreenModel): HintChip[] {
  const { up, down, ok, back } = model.hints;
  const chips: HintChip[] = [];
  if (up !== undefined && up === down) chips.push({ key: `${BUTTON_KEYS.up}${BUTTON_KEYS.down}`, label: up });
  else {
    if (up !== undefined) chips.push({ key: BUTTON_KEYS.up, label: up });
    if (down !== undefined) chips.push({ key: BUTTON_KEYS.down, label: down });
  }
  if (back !== undefined) chips.push({ key: BUTTON_KEYS.back, label: back });
  if (ok !== undefined) chips.push({ key: BUTTON_KEYS.ok, label: ok });
  return chips;
}
