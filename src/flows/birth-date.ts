/**
 * The birth-date check before a letter whose type asks for it (letters.types.<id>.confirm:
 * "birth_date"), on touch panels: the resident picks day, month and year from lists of large
 * targets; a match prints, a mismatch starts over, the third mismatch ends the session with the
 * event birth_date_mismatch. The card is never locked: someone who copied a UID must not be able
 * to lock its owner out. Pure, like the rest of the flow.
 */
import type { Effect, KioskState, Screen, Session, StepResult } from './kiosk-state.ts';

export const BIRTH_DATE_TRIES = 3;
/** Years offered, newest first: from this year back 110 years. */
const YEARS = 111;

type BirthDateScreen = Extract<Screen, { name: 'birth_date' }>;
export type BirthDateInput =
  | { kind: 'move'; delta: number }
  | { kind: 'pick'; index?: number }
  | { kind: 'back' };

/** How many items the current part's list has. */
export function pickerLength(part: BirthDateScreen['part']): number {
  return part === 'day' ? 31 : part === 'month' ? 12 : YEARS;
}

/** The value of item `index` of a part's list: day 1–31, month 1–12, year newest first. */
export function pickerValue(screen: Pick<BirthDateScreen, 'part' | 'year_max'>, index: number): number {
  return screen.part === 'year' ? screen.year_max - index : index + 1;
}

/** The first part, with a neutral highlight (day 1, January, a 40-year-old's year). */
export function startBirthDate(session: Session, at: number, tries = 0): BirthDateScreen {
  return {
    name: 'birth_date',
    session,
    part: 'day',
    day: null,
    month: null,
    selected: 0,
    year_max: new Date(at).getUTCFullYear(),
    tries,
  };
}

export function birthDateInput(
  state: KioskState,
  screen: BirthDateScreen,
  input: BirthDateInput,
  onMatch: (state: KioskState, session: Session) => StepResult,
): StepResult {
  const go = (next: Screen, ...effects: Effect[]): StepResult => ({
    state: { ...state, screen: next },
    effects,
  });
  const length = pickerLength(screen.part);
  if (input.kind === 'move') {
    const selected = Math.min(length - 1, Math.max(0, screen.selected + Math.trunc(input.delta)));
    return selected === screen.selected ? { state, effects: [] } : go({ ...screen, selected });
  }
  if (input.kind === 'back') {
    if (screen.part === 'day') return go({ name: 'confirm', session: screen.session });
    const part = screen.part === 'year' ? 'month' : 'day';
    return go({ ...screen, part, selected: 0 });
  }
  const index = input.index ?? screen.selected;
  if (!Number.isInteger(index) || index < 0 || index >= length) return { state, effects: [] };
  const value = pickerValue(screen, index);
  if (screen.part === 'day') return go({ ...screen, part: 'month', day: value, selected: 0 });
  if (screen.part === 'month') return go({ ...screen, part: 'year', month: value, selected: 40 });
  const picked = `${value}-${pad(screen.month)}-${pad(screen.day)}`;
  if (picked === screen.session.resident.birth_date) return onMatch(state, screen.session);
  const tries = screen.tries + 1;
  if (tries >= BIRTH_DATE_TRIES) {
    return go(
      { name: 'birth_date_mismatch' },
      { type: 'report', event: 'birth_date_mismatch' },
      { type: 'signal', kind: 'error' },
    );
  }
  return go(
    { ...startBirthDate(screen.session, Date.UTC(screen.year_max, 0, 1), tries) },
    { type: 'signal', kind: 'error' },
  );
}

function pad(n: number | null): string {
  return String(n ?? 0).padStart(2, '0');
}
