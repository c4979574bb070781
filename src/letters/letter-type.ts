import type { Resident } from '../store/resident.ts';

/**
 * `final`: issued on the spot (low-risk letters built purely from registry data, carrying a
 * verification QR). `pengantar`: printed as a numbered cover letter that must be signed and
 * stamped at the village office before it is valid.
 */
export type LetterPolicy = 'final' | 'pengantar';

/** A letter type as shipped in data/letter-types.json and overridable per village in config. */
export interface LetterType {
  /** Stable id, snake_case ("sktm", "domisili"). */
  id: string;
  /** Classification code put in the number ("470", "400.12.3.2"), changed by Permendagri 83/2022. */
  code: string;
  /** Printed title, upper case ("SURAT KETERANGAN TIDAK MAMPU"). */
  title: string;
  /** Short name for the menu ("Keterangan Tidak Mampu"). */
  menu_label: string;
  /** Statement paragraph with placeholders `{nama}`, `{desa}`, … (see letters/template.ts). */
  body: string;
  /** The purposes (keperluan) a resident can choose from. */
  purposes: string[];
  /** Days the letter is valid from its date; 0 means no validity line. */
  validity_days: number;
  policy: LetterPolicy;
  /** Resident fields that must be non-empty for this letter. */
  required_fields: (keyof Resident)[];
  /** Letters per resident per day for this type; falls back to `limits.daily_per_type`. */
  daily_limit?: number;
  /** false hides the type from the kiosk menu. */
  enabled: boolean;
  /**
   * A second check before printing on touch panels: "birth_date" asks the resident to pick
   * their date of birth (see docs/letters.md for what it protects against). Default "none".
   */
  confirm?: 'none' | 'birth_date';
}
