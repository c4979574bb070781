/**
 * What a resident may ask for: the enabled letter types with, for each, what the flow needs to
 * decide purely (missing record fields, letters already issued today, the daily limit).
 */
import type { LetterOffer } from '../flows/kiosk-state.ts';
import type { Resident } from '../store/resident.ts';
import type { LetterType } from './letter-type.ts';
import { isBlank } from './template.ts';

/** Resident fields as a resident reads them on screen ("data belum lengkap: Tempat Lahir"). */
export const FIELD_LABELS: Record<keyof Resident, string> = {
  nik: 'NIK',
  no_kk: 'Nomor KK',
  nama: 'Nama',
  tempat_lahir: 'Tempat Lahir',
  tanggal_lahir: 'Tanggal Lahir',
  jenis_kelamin: 'Jenis Kelamin',
  agama: 'Agama',
  status_perkawinan: 'Status Perkawinan',
  pekerjaan: 'Pekerjaan',
  kewarganegaraan: 'Kewarganegaraan',
  alamat: 'Alamat',
  rt: 'RT',
  rw: 'RW',
  dusun: 'Dusun',
  status_dasar: 'Status Penduduk',
};

/**
 * The offers for one resident, in the order of `types`, enabled types only.
 * A required field counts as missing when it is empty or "-" (OpenSID's empty value).
 *
 * @param issuedToday letters of a type already printed for this resident today (from the register)
 * @param defaultDailyLimit `limits.daily_per_type`, used when a type has no `daily_limit`
 */
export function offersFor(
  resident: Resident,
  types: LetterType[],
  issuedToday: (typeId: string) => number,
  defaultDailyLimit: number,
): LetterOffer[] {
  return types
    .filter((t) => t.enabled)
    .map((t) => ({
      type_id: t.id,
      menu_label: t.menu_label,
      title: t.title,
      policy: t.policy,
      purposes: [...t.purposes],
      missing_fields: t.required_fields
        .filter((f) => isBlank(resident[f] as string | undefined))
        .map((f) => FIELD_LABELS[f]),
      issued_today: issuedToday(t.id),
      daily_limit: t.daily_limit ?? defaultDailyLimit,
      confirm: t.confirm ?? 'none',
    }));
}
