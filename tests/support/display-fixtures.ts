/**
 * One kiosk state per screen the display draws, with realistic (invented) people and letters.
 * Shared by the display tests, the snapshot tests and scripts/bench-display.ts.
 */

import type { VillageConfig } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import type { ScreenContext } from '../../src/display/screens.ts';
import type {
  Health,
  KioskState,
  LetterOffer,
  ResidentSummary,
  Screen,
  Session,
} from '../../src/flows/kiosk-state.ts';
import { maskNik } from '../../src/store/resident.ts';

/** The full NIK of the fixture resident: must never appear on any screen. */
export const FULL_NIK = '1809104512870007';

export const village: VillageConfig = defaultConfig().village;

/** 2024-10-14 09:30 in Lampung (WIB, UTC+7). */
export const NOW = new Date('2024-10-14T02:30:00Z');

export function context(patch: Partial<ScreenContext> = {}): ScreenContext {
  return { village, now: NOW, network: 'online', timeZone: 'Asia/Jakarta', ...patch };
}

export const resident: ResidentSummary = {
  ref: 'r_0123456789abcdef0123',
  nama: 'SITI AMINAH BINTI ABDULLAH',
  nik_masked: maskNik(FULL_NIK),
  dusun: 'Sukamaju',
  rt: '002',
  rw: '001',
};

function offer(
  type_id: string,
  menu_label: string,
  title: string,
  policy: LetterOffer['policy'],
  purposes: string[],
): LetterOffer {
  return {
    type_id,
    menu_label,
    title,
    policy,
    purposes,
    missing_fields: [],
    issued_today: 0,
    daily_limit: 2,
  };
}

export const offers: LetterOffer[] = [
  offer('domisili', 'Keterangan Domisili', 'SURAT KETERANGAN DOMISILI', 'final', [
    'Persyaratan administrasi bank',
    'Melamar pekerjaan',
    'Pendaftaran sekolah',
  ]),
  offer('sktm', 'Keterangan Tidak Mampu', 'SURAT KETERANGAN TIDAK MAMPU', 'pengantar', [
    'Keringanan biaya sekolah',
    'Berobat ke rumah sakit (BPJS)',
    'Bantuan sosial',
  ]),
  offer('usaha', 'Keterangan Usaha', 'SURAT KETERANGAN USAHA', 'pengantar', [
    'Pengajuan kredit usaha rakyat (KUR)',
  ]),
  offer('keterangan_penduduk', 'Keterangan Penduduk', 'SURAT KETERANGAN PENDUDUK', 'final', [
    'Administrasi umum',
  ]),
  offer('pengantar_skck', 'Pengantar SKCK', 'SURAT PENGANTAR SKCK', 'pengantar', ['Melamar pekerjaan']),
  offer('belum_menikah', 'Keterangan Belum Menikah', 'SURAT KETERANGAN BELUM MENIKAH', 'pengantar', [
    'Melamar pekerjaan',
  ]),
  offer('bepergian', 'Keterangan Bepergian', 'SURAT KETERANGAN BEPERGIAN', 'final', [
    'Perjalanan ke luar daerah',
  ]),
  offer('pengantar_umum', 'Pengantar Umum', 'SURAT PENGANTAR', 'pengantar', ['Keperluan lain']),
];

export function session(patch: Partial<Session> = {}): Session {
  return { card_key: 'ck_test', resident, offers, letter_index: 1, purpose_index: 1, ...patch };
}

export const healthy: Health = {
  printer: 'ready',
  reader_present: true,
  clock_trusted: true,
  remote_reason: null,
  data_ok: true,
};

export function state(screen: Screen, health: Partial<Health> = {}): KioskState {
  return { screen, health: { ...healthy, ...health }, last_tap: null };
}

/** Every screen variant (and the interesting sub-cases), by a file-friendly name. */
export function allScreens(): { name: string; state: KioskState }[] {
  const s = session();
  return [
    { name: 'idle', state: state({ name: 'idle' }) },
    { name: 'idle-clock-untrusted', state: state({ name: 'idle' }, { clock_trusted: false }) },
    { name: 'reading', state: state({ name: 'reading' }) },
    { name: 'greeting', state: state({ name: 'greeting', session: s }) },
    { name: 'choose_letter', state: state({ name: 'choose_letter', session: session({ letter_index: 6 }) }) },
    { name: 'choose_purpose', state: state({ name: 'choose_purpose', session: s }) },
    { name: 'confirm', state: state({ name: 'confirm', session: s }) },
    {
      name: 'confirm-final',
      state: state({ name: 'confirm', session: session({ letter_index: 0, purpose_index: 0 }) }),
    },
    { name: 'printing', state: state({ name: 'printing', session: s, progress: 0.6 }) },
    {
      name: 'done',
      state: state({
        name: 'done',
        session: s,
        number: '400.12.3.2/007/1809102004/X/2024',
        policy: 'pengantar',
      }),
    },
    {
      name: 'done-final',
      state: state({ name: 'done', session: s, number: 'S-11/001/1809102004/X/2024', policy: 'final' }),
    },
    {
      name: 'done-rating',
      state: state({
        name: 'done',
        session: s,
        number: 'S-11/001/1809102004/X/2024',
        policy: 'final',
        rating: 1,
      }),
    },
    {
      name: 'birth_date',
      state: state({
        name: 'birth_date',
        session: s,
        part: 'month',
        day: 17,
        month: null,
        selected: 7,
        year_max: 2024,
        tries: 1,
      }),
    },
    { name: 'birth_date_mismatch', state: state({ name: 'birth_date_mismatch' }) },
    { name: 'unknown_card', state: state({ name: 'unknown_card' }) },
    { name: 'card_pause', state: state({ name: 'card_pause', pause_ms: 60_000, count: 5 }) },
    { name: 'card_error-removed', state: state({ name: 'card_error', reason: 'card_removed' }) },
    { name: 'card_error-unreadable', state: state({ name: 'card_error', reason: 'card_error' }) },
    { name: 'card_error-random_uid', state: state({ name: 'card_error', reason: 'card_random_uid' }) },
    { name: 'resident_inactive', state: state({ name: 'resident_inactive', resident, status: 'PINDAH' }) },
    {
      name: 'limit_reached',
      state: state({
        name: 'limit_reached',
        session: session({ offers: offers.map((o) => ({ ...o, issued_today: 2 })) }),
      }),
    },
    {
      name: 'record_incomplete',
      state: state({
        name: 'record_incomplete',
        session: s,
        missing: ['Tempat Lahir', 'Pekerjaan', 'Status Perkawinan'],
      }),
    },
    {
      name: 'printer_not_ready',
      state: state({ name: 'printer_not_ready', session: s, printer: 'paper_out' }, { printer: 'paper_out' }),
    },
    {
      name: 'print_failed',
      state: state(
        {
          name: 'print_failed',
          session: s,
          number: '400.12.3.2/008/1809102004/X/2024',
          reason: 'print_connection_lost',
        },
        { printer: 'offline' },
      ),
    },
    {
      name: 'print_failed-no_number',
      state: state({ name: 'print_failed', session: s, number: null, reason: 'something odd' }),
    },
    {
      name: 'out_of_service-paper',
      state: state(
        { name: 'out_of_service', reasons: ['paper_out', 'clock_untrusted'], remote_reason: null },
        { printer: 'paper_out', clock_trusted: false },
      ),
    },
    {
      name: 'out_of_service-reader',
      state: state(
        { name: 'out_of_service', reasons: ['reader_missing'], remote_reason: null },
        { reader_present: false },
      ),
    },
    {
      name: 'out_of_service-clock',
      state: state(
        { name: 'out_of_service', reasons: ['clock_untrusted'], remote_reason: null },
        { clock_trusted: false },
      ),
    },
    {
      name: 'out_of_service-printer',
      state: state(
        { name: 'out_of_service', reasons: ['printer_offline'], remote_reason: null },
        { printer: 'offline' },
      ),
    },
    {
      name: 'out_of_service-remote',
      state: state(
        { name: 'out_of_service', reasons: ['remote'], remote_reason: 'Pemeliharaan anjungan hari ini' },
        { remote_reason: 'Pemeliharaan anjungan hari ini' },
      ),
    },
  ];
}
