/**
 * Card bindings as residents.json keeps them: HMAC(UID) → { nik, bound_at, UID tails }. The
 * rules for binding live here so that a bulk import and `cards bind` apply the same ones.
 */
import { KioskError } from '../errors.ts';
import { maskNik } from './resident.ts';

export interface CardBinding {
  nik: string;
  bound_at: string;
  /**
   * The UID's last 4 hex digits and the last 4 digits of its decimal form (what a keyboard-mode
   * reader types), so a technician can tell cards apart in `cards list`. Only a tail: the whole
   * UID is stored as HMAC only. Absent on bindings made before it existed.
   */
  hex_tail?: string;
  dec_tail?: string;
}

export type Bindings = Record<string, CardBinding>;

/**
 * `current` with `pairs` bound (a copy; `current` itself when there is nothing to bind). Throws
 * 'card_error' / 'card_random_uid' for a UID that cannot identify anyone, 'resident_not_found',
 * or 'card_already_bound' (bound to another NIK, unless `force`).
 */
export function withBindings(
  current: Bindings,
  pairs: { uid: Buffer; nik: string }[],
  opts: { force: boolean; cardKeyOf: (uid: Buffer) => string; hasResident: (nik: string) => boolean },
): { cards: Bindings; changed: number } {
  if (pairs.length === 0) return { cards: current, changed: 0 };
  const cards = { ...current };
  const now = new Date().toISOString();
  let changed = 0;
  for (const { uid, nik } of pairs) {
    checkUid(uid);
    if (!opts.hasResident(nik)) {
      throw new KioskError(
        'resident_not_found',
        `no resident with NIK ${maskNik(nik)}; import the residents first`,
      );
    }
    const key = opts.cardKeyOf(uid);
    const existing = cards[key];
    if (existing?.nik === nik) continue;
    if (existing !== undefined && !opts.force) {
      throw new KioskError(
        'card_already_bound',
        `this card is already bound to NIK ${maskNik(existing.nik)}; unbind it first or use --force`,
      );
    }
    cards[key] = { nik, bound_at: now, ...uidTails(uid) };
    changed++;
  }
  return { cards, changed };
}

/** The bindings whose NIK `drop` does not select. */
export function dropBindings(cards: Bindings, drop: (nik: string) => boolean): Bindings {
  const out: Bindings = {};
  for (const [key, b] of Object.entries(cards)) if (!drop(b.nik)) out[key] = b;
  return out;
}

function uidTails(uid: Buffer): { hex_tail: string; dec_tail: string } {
  const hex = uid.toString('hex').toUpperCase();
  return { hex_tail: hex.slice(-4), dec_tail: BigInt(`0x${hex}`).toString().slice(-4) };
}

function checkUid(uid: Buffer): void {
  if (![4, 7, 10].includes(uid.length)) {
    throw new KioskError(
      'card_error',
      `a card UID has 4, 7 or 10 bytes, got ${uid.length}; read the card again`,
    );
  }
  // ISO 14443-3: a 4-byte UID starting 0x08 is random per tap (RID) and identifies no one.
  if (uid.length === 4 && uid[0] === 0x08) {
    throw new KioskError('card_random_uid', 'this card sends a random UID on every tap and cannot be bound');
  }
}
