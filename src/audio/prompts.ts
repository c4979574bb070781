/**
 * What the kiosk says aloud on each screen (issue 12 §3), for residents who read slowly or not
 * at all: short Bahasa Indonesia prompts, the greeting with the resident's FIRST name only, the
 * menu item under the selection. Pure: state and the screen's model in, a prompt out.
 */
import type { ScreenModel } from '../display/screen-model.ts';
import type { KioskState } from '../flows/kiosk-state.ts';

/** Prompts with fixed words: a village may record its own voice for each (`<prompts_dir>/<id>.wav`). */
export const PROMPT_TEXT = {
  tap_card: 'Silakan tempelkan e-KTP Anda pada pembaca kartu.',
  greeting: 'Selamat datang. Tekan OK untuk memilih surat.',
  confirm: 'Periksa pilihan Anda. Tekan OK untuk mencetak.',
  printing: 'Surat sedang dicetak. Mohon tunggu.',
  done: 'Silakan ambil surat Anda. Terima kasih.',
  unknown_card: 'Kartu belum terdaftar. Silakan datang ke kantor desa.',
  out_of_service: 'Maaf, layanan berhenti sebentar. Silakan datang ke kantor desa.',
} as const;

export type FixedPromptId = keyof typeof PROMPT_TEXT;

export interface Prompt {
  /** A fixed prompt's id, or the screen's id for prompts with words from the data (names, menu items). */
  id: string;
  text: string;
  /** The words never change: a recorded file may stand in for them. */
  fixed: boolean;
}

const FIXED_FOR_SCREEN: Partial<Record<KioskState['screen']['name'], FixedPromptId>> = {
  idle: 'tap_card',
  confirm: 'confirm',
  printing: 'printing',
  done: 'done',
  unknown_card: 'unknown_card',
  out_of_service: 'out_of_service',
};

/** "SITI AMINAH BINTI ABDULLAH" → "Siti": the first name only, never the full name aloud. */
export function firstName(nama: string): string {
  const first = nama.trim().split(/\s+/)[0] ?? '';
  return first.charAt(0).toUpperCase() + first.slice(1).toLowerCase();
}

/** The prompt of the screen on display, or null when it says nothing (reading). */
export function promptFor(state: KioskState, model: ScreenModel): Prompt | null {
  const { screen } = state;
  if (screen.name === 'greeting') {
    const name = firstName(screen.session.resident.nama);
    return { id: 'greeting', text: `Selamat datang, ${name}. Tekan OK untuk memilih surat.`, fixed: false };
  }
  if ((screen.name === 'choose_letter' || screen.name === 'choose_purpose') && model.menu) {
    const item = model.menu.items[model.menu.selected];
    return item ? { id: screen.name, text: item, fixed: false } : null;
  }
  const fixed = FIXED_FOR_SCREEN[screen.name];
  if (fixed) return { id: fixed, text: PROMPT_TEXT[fixed], fixed: true };
  if (screen.name === 'reading') return null;
  // Messages: their title says it in a few words ("Kartu tidak dapat dibaca").
  return { id: screen.name, text: `${model.title}.`, fixed: false };
}
