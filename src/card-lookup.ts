/**
 * Turns a tapped UID into what the flow needs to decide purely: who it is (masked), and for
 * each letter type whether they may have it now (record complete, daily limit).
 */
import type { Config } from './config/config.ts';
import type { CardLookup, ResidentSummary } from './flows/kiosk-state.ts';
import type { LetterType } from './letters/letter-type.ts';
import { offersFor } from './letters/offers.ts';
import type { LetterRegister } from './letters/register.ts';
import { maskNik, type Resident } from './store/resident.ts';
import type { ResidentLookup } from './store/resident-lookup.ts';

export interface LookupDeps {
  store: ResidentLookup;
  register: LetterRegister;
  types: ReadonlyMap<string, LetterType>;
  config: Config;
  now: Date;
}

export function resolveCard(uid: Buffer, deps: LookupDeps): { card_key: string; lookup: CardLookup } {
  const card_key = deps.store.cardKeyOf(uid);
  const resident = deps.store.findByCard(uid);
  if (!resident) return { card_key, lookup: { kind: 'unknown' } };
  const summary = summarize(resident, deps.store.refOf(resident.nik));
  if (resident.status_dasar && resident.status_dasar !== 'HIDUP') {
    return { card_key, lookup: { kind: 'inactive', resident: summary, status: resident.status_dasar } };
  }
  const offers = offersFor(
    resident,
    [...deps.types.values()],
    (typeId) => deps.register.issuedToday(summary.ref, typeId, deps.now),
    deps.config.limits.daily_per_type,
  );
  return { card_key, lookup: { kind: 'resident', resident: summary, offers } };
}

function summarize(r: Resident, ref: string): ResidentSummary {
  return {
    ref,
    nama: r.nama,
    nik_masked: maskNik(r.nik),
    dusun: r.dusun,
    rt: r.rt,
    rw: r.rw,
    birth_date: r.tanggal_lahir,
  };
}
