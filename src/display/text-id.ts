/**
 * THE catalogue of resident-facing text, in Bahasa Indonesia. Every word a resident reads on
 * the screen comes from here, so that a village (or a reviewer) can check and change it in one
 * place. Plain, short words: residents of every age and literacy read these with nobody to ask.
 */
import type { OutOfServiceReason } from '../flows/kiosk-state.ts';
import type { PrinterStatus } from '../hardware/printer.ts';
import type { LetterPolicy } from '../letters/letter-type.ts';

/** Labels printed on (or next to) the four physical buttons, drawn in the hint bar. */
export const BUTTON_KEYS = { up: '▲', down: '▼', ok: 'OK', back: '◀' } as const;

/** What a button does, shown after its key in the hint bar. */
export const HINT = {
  choose: 'Pilih',
  next: 'Lanjut',
  print: 'Cetak',
  back: 'Kembali',
  cancel: 'Batal',
  finish: 'Selesai',
  close: 'Tutup',
  otherLetter: 'Surat lain',
  retry: 'Coba lagi',
  send: 'Kirim',
  repeat: 'Ulangi',
  skip: 'Lewati',
  /** ▲▼ on a text split over pages. */
  page: 'Halaman',
} as const;

/** The rating's answers, in the order of RATING_CHOICES. */
export const RATING_LABELS = ['Puas', 'Cukup', 'Kurang'] as const;

/** Shown in the hint bar when no button acts on a screen. */
export const FOOTER = {
  /** Idle lists no buttons: none of them does anything until a card is tapped. */
  idle: '',
  wait: 'Mohon tunggu…',
  printing: 'Jangan tinggalkan anjungan',
  outOfService: 'Layanan surat tetap ada di kantor desa',
} as const;

export const TEXT = {
  kioskOf: (villageKind: string, village: string) => `Anjungan ${villageKind} ${village}`,
  tapCard: 'Tempelkan e-KTP Anda',
  announcement: (text: string) => `Pengumuman: ${text}`,
  /** Where the reader is, unless `hardware.reader.location_hint` says it better. */
  tapWhere: 'pada pembaca kartu',

  readingTitle: 'Membaca kartu…',
  readingLine: 'Tahan kartu sampai nama Anda muncul',

  greetingTitle: 'Selamat datang',
  nik: (last4: string) => `NIK ****${last4}`,
  address: (dusun: string, rt: string, rw: string) => {
    const parts: string[] = [];
    if (dusun && dusun !== '-') parts.push(`Dusun ${dusun}`);
    if (rt && rt !== '-') parts.push(`RT ${rt}`);
    if (rw && rw !== '-') parts.push(`RW ${rw}`);
    return parts.join(', ');
  },
  greetingAsk: 'Tekan OK untuk memilih surat',

  chooseLetterTitle: 'Pilih surat',
  noLetters: 'Tidak ada surat yang bisa dicetak di sini',
  choosePurposeTitle: 'Pilih keperluan',
  letterLine: (label: string) => `Surat: ${label}`,
  purposeLine: (purpose: string) => `Keperluan: ${purpose}`,

  confirmTitle: 'Periksa pilihan Anda',
  confirmAsk: 'Tekan OK untuk mencetak',

  printingTitle: 'Mencetak surat…',
  printingLine: 'Mohon tunggu sebentar',

  doneTitle: 'Surat selesai dicetak',
  takeLetter: 'Silakan ambil surat Anda',
  numberLine: (n: string) => `Nomor: ${n}`,
  thanks: 'Terima kasih',
  ratingAsk: 'Bagaimana layanan anjungan hari ini?',

  unknownTitle: 'Kartu belum terdaftar',
  unknownLines: [
    'e-KTP ini belum terdaftar di anjungan.',
    'Datanglah ke kantor desa dengan e-KTP dan Kartu Keluarga untuk mendaftar.',
  ],

  birthDateTitle: 'Tanggal lahir Anda',
  birthDatePart: { day: 'Pilih tanggal lahir', month: 'Pilih bulan lahir', year: 'Pilih tahun lahir' },
  birthDateRetry: (left: number) => `Belum cocok. Sisa ${left} kali lagi.`,
  mismatchTitle: 'Tanggal lahir tidak cocok',
  mismatchLines: ['Surat tidak dicetak.', 'Silakan datang ke kantor desa dengan e-KTP Anda.'],

  pauseTitle: 'Pembaca kartu berhenti sebentar',
  pauseLines: (wait: string) => [
    'Terlalu banyak kartu yang belum terdaftar.',
    `Silakan coba lagi dalam ${wait}.`,
    'Kartu yang belum terdaftar didaftarkan di kantor desa.',
  ],
  /** "1 menit", "30 detik". */
  duration: (ms: number) =>
    ms >= 60_000 ? `${Math.round(ms / 60_000)} menit` : `${Math.ceil(ms / 1000)} detik`,

  inactiveTitle: 'Belum dapat melayani',
  inactiveStatus: (status: string) => `Status penduduk: ${status}`,
  inactiveLine: 'Silakan datang ke kantor desa.',

  limitTitle: 'Batas hari ini tercapai',
  limitLine: (label: string, count: number) => `${label} sudah dicetak ${count} kali hari ini.`,
  limitAdvice: 'Coba lagi besok, atau minta di kantor desa.',

  incompleteTitle: 'Data belum lengkap',
  incompleteLine: 'Untuk surat ini, data berikut belum ada:',
  incompleteAdvice: 'Lengkapi data di kantor desa.',

  notReadyTitle: 'Printer belum siap',
  notReadyLine: 'Surat belum dicetak.',
  notReadyAdvice: 'Coba lagi nanti, atau minta di kantor desa.',

  failedTitle: 'Surat gagal dicetak',
  failedNumber: (n: string) => `Nomor surat: ${n}`,
  failedAdviceWithNumber: 'Sebutkan nomor ini kepada petugas kantor desa.',
  failedAdvice: 'Silakan minta bantuan petugas kantor desa.',

  outOfServiceTitle: 'Maaf, layanan berhenti sebentar',
  outOfServiceAdvice: 'Silakan datang ke kantor desa.',
} as const;

/** Why a card could not be used, as the resident reads it. */
export const CARD_ERROR: Record<
  'card_removed' | 'card_error' | 'card_random_uid',
  { title: string; lines: string[] }
> = {
  card_removed: {
    title: 'Kartu dilepas terlalu cepat',
    lines: ['Tempelkan lagi dan tahan sampai nama Anda muncul.'],
  },
  card_error: {
    title: 'Kartu tidak dapat dibaca',
    lines: ['Tempelkan lagi dengan tenang.', 'Jika tetap gagal, datanglah ke kantor desa.'],
  },
  card_random_uid: {
    title: 'Kartu tidak dikenali',
    lines: [
      'Kartu ini tidak bisa dipakai di anjungan.',
      'Gunakan e-KTP Anda, atau datanglah ke kantor desa.',
    ],
  },
};

/** Whether the letter is valid as printed or must still be signed at the office. */
export const POLICY: Record<LetterPolicy, { confirm: string; done: string }> = {
  final: {
    confirm: 'Surat langsung jadi dan bisa dipakai.',
    done: 'Surat bisa langsung dipakai.',
  },
  pengantar: {
    confirm: 'Surat pengantar: harus ditandatangani di kantor desa.',
    done: 'Bawa ke kantor desa untuk ditandatangani.',
  },
};

/** Printer words for the status bar and the printer screens. */
export const PRINTER_STATUS: Record<PrinterStatus, string> = {
  ready: 'Printer siap',
  paper_near_end: 'Kertas hampir habis',
  paper_out: 'Kertas habis',
  cover_open: 'Penutup printer terbuka',
  offline: 'Printer mati',
};

/** Why the kiosk cannot serve. `remote` is replaced by the district's own words when given. */
export const OUT_OF_SERVICE: Record<OutOfServiceReason, string> = {
  paper_out: 'Kertas habis',
  cover_open: 'Penutup printer terbuka',
  printer_offline: 'Printer mati',
  reader_missing: 'Pembaca kartu tidak terhubung',
  clock_untrusted: 'Jam belum disetel',
  data_unavailable: 'Data penduduk tidak tersedia',
  register_damaged: 'Data surat rusak — hubungi petugas',
  storage_full: 'Penyimpanan penuh',
  remote: 'Dihentikan sementara oleh petugas',
};

/** Known technical print failure reasons (error codes) in plain words; others are not shown. */
export const PRINT_FAILURE: Record<string, string> = {
  paper_out: 'Kertas habis saat mencetak',
  cover_open: 'Penutup printer terbuka',
  printer_offline: 'Printer mati',
  print_connection_lost: 'Printer terputus saat mencetak',
  print_timeout: 'Printer tidak menjawab',
  clock_untrusted: 'Jam anjungan belum disetel',
  storage_full: 'Penyimpanan anjungan penuh',
};

/** The district link in the status bar (with a dot: green connected, red not). */
export const NETWORK = { online: 'Terhubung', offline: 'Tidak terhubung' } as const;

/** Shown instead of the time while the clock is not trusted. */
export const NO_TIME = '--:--';

/** The touch calibration screen (a technician's task, in the kiosk's language all the same). */
export const CALIBRATE = {
  title: 'Sentuh tepat di tengah tanda +',
  step: (n: number, of: number) => `Kalibrasi layar sentuh ${n} dari ${of}`,
} as const;

export const VILLAGE_KIND = { desa: 'Desa', kelurahan: 'Kelurahan' } as const;

export const DAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'] as const;
export const MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
] as const;

/** Scroll markers drawn in a menu when items are hidden above or below. */
export const MORE_ABOVE = '▲ lainnya';
export const MORE_BELOW = '▼ lainnya';

/** Where a resident is in a text split over pages: "Halaman 1/2". */
export function pageOf(page: number, pages: number): string {
  return `Halaman ${page + 1}/${pages}`;
}
