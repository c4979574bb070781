/**
 * Pathological and longest-real texts for the overflow tests (and a few snapshots): 60-character
 * names, one 60-letter "word", the longest labels and purposes of data/letter-types.json, a long
 * village name, a long remote reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { KioskState, LetterOffer } from '../../src/flows/kiosk-state.ts';
import { context, offers, resident, session, state } from './display-fixtures.ts';

export const NAME_60 = 'MUHAMMAD ABDURRAHMAN WAHYUDI SETIAWAN PRAWIRANEGARA SUKARNO'.padEnd(60, 'X');
const WORD_60 = 'WWWWWWWWWWMMMMMMMMMMWWWWWWWWWWMMMMMMMMMMWWWWWWWWWWMMMMMMMMMM';
const LONG_LABEL = 'Surat Keterangan Pengantar Permohonan Izin Keramaian Hajatan Pernikahan';
const LONG_PURPOSE =
  'Persyaratan pengajuan beasiswa pendidikan tinggi di luar provinsi melalui jalur prestasi';

/** The shipped letter types (data/letter-types.json) as offers, plus pathological ones. */
export function longOffers(): LetterOffer[] {
  const file = new URL('../../data/letter-types.json', import.meta.url);
  const shipped: LetterOffer[] = [];
  if (existsSync(file)) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      types: {
        id: string;
        menu_label: string;
        title: string;
        policy: 'final' | 'pengantar';
        purposes: string[];
      }[];
    };
    for (const t of data.types) {
      shipped.push({
        ...offers[0]!,
        type_id: t.id,
        menu_label: t.menu_label,
        title: t.title,
        policy: t.policy,
        purposes: t.purposes,
      });
    }
  }
  const longest = (pick: (o: LetterOffer) => string[]) =>
    [...shipped, ...offers].flatMap(pick).sort((a, b) => b.length - a.length)[0] ?? '';
  const pathological: LetterOffer = {
    ...offers[1]!,
    type_id: 'x',
    menu_label: LONG_LABEL,
    title: 'SURAT KETERANGAN PENGANTAR PERMOHONAN IZIN KERAMAIAN HAJATAN PERNIKAHAN DAN KHITANAN',
    purposes: [longest((o) => o.purposes), LONG_PURPOSE, WORD_60],
    missing_fields: [
      'Tempat Lahir',
      'Tanggal Lahir',
      'Pekerjaan',
      'Status Perkawinan',
      'Kewarganegaraan',
      'Agama',
      'Alamat',
    ],
  };
  return [...shipped, ...offers, pathological];
}

export function longCases(): { name: string; state: KioskState }[] {
  const all = longOffers();
  const last = all.length - 1;
  const longResident = {
    ...resident,
    nama: NAME_60,
    dusun: 'Sukamaju Makmur Sejahtera Abadi Sentosa',
    rt: '012',
    rw: '034',
  };
  const s = session({ resident: longResident, offers: all, letter_index: last, purpose_index: 1 });
  const sWord = session({
    resident: { ...longResident, nama: WORD_60 },
    offers: all,
    letter_index: last,
    purpose_index: 2,
  });
  const number = '400.12.3.2/1234/1809102004/VIII/2024-PENGANTAR-SKCK';
  return [
    { name: 'greeting', state: state({ name: 'greeting', session: s }) },
    { name: 'greeting-one-word', state: state({ name: 'greeting', session: sWord }) },
    { name: 'choose_letter-last', state: state({ name: 'choose_letter', session: s }) },
    {
      name: 'choose_letter-first',
      state: state({ name: 'choose_letter', session: { ...s, letter_index: 0 } }),
    },
    { name: 'choose_purpose', state: state({ name: 'choose_purpose', session: s }) },
    { name: 'choose_purpose-word', state: state({ name: 'choose_purpose', session: sWord }) },
    { name: 'confirm', state: state({ name: 'confirm', session: s }) },
    { name: 'confirm-word', state: state({ name: 'confirm', session: sWord }) },
    { name: 'printing', state: state({ name: 'printing', session: s, progress: 1 }) },
    { name: 'done', state: state({ name: 'done', session: s, number, policy: 'pengantar' }) },
    {
      name: 'resident_inactive',
      state: state({ name: 'resident_inactive', resident: longResident, status: 'TIDAK VALID' }),
    },
    { name: 'limit_reached', state: state({ name: 'limit_reached', session: s }) },
    {
      name: 'record_incomplete',
      state: state({ name: 'record_incomplete', session: s, missing: all[last]!.missing_fields }),
    },
    {
      name: 'print_failed',
      state: state({ name: 'print_failed', session: s, number, reason: 'print_timeout' }),
    },
    {
      name: 'out_of_service-remote',
      state: state(
        {
          name: 'out_of_service',
          reasons: ['remote', 'paper_out'],
          remote_reason:
            'Anjungan sedang dipindahkan ke balai dusun untuk kegiatan posyandu dan akan kembali besok pagi pukul delapan',
        },
        { printer: 'cover_open', clock_trusted: false },
      ),
    },
  ];
}

export const longVillage = context({
  village: { ...context().village, kind: 'kelurahan', name: 'Sukadana Ilir Makmur Jaya Sejahtera Abadi' },
  network: 'offline',
});
