/**
 * Lays a village letter out as a device-independent PrintDocument for 32 columns (58 mm) or
 * 48 columns (80 mm):
 *
 *   [logo]  PEMERINTAH KABUPATEN … / KECAMATAN … / DESA … / address / ======
 *   TITLE, Nomor
 *   "Yang bertanda tangan di bawah ini, … menerangkan bahwa:"
 *   identity fields (full NIK: this is the letter itself)
 *   statement (the type's body), Keperluan, Berlaku … s/d …, "Demikian …"
 *   place, date, signature block
 *   QR with the signed token (or <verify_url>#<token>) + how to check it, what the seal is not
 *   pengantar: boxed "not valid until signed" notice
 *   feed, cut
 *
 * Everything is plain ASCII and no line is longer than the columns (see text-layout.ts).
 */
import type { VillageConfig } from '../config/config.ts';
import type { Resident } from '../store/resident.ts';
import type { LetterType } from './letter-type.ts';
import type { PrintBlock, PrintDocument } from './print-document.ts';
import { fillTemplate, kepalaDesa, sebutanDesa, templateValues } from './template.ts';
import { addDays, formatTanggal, toAscii, wrapText } from './text-layout.ts';

export interface LetterContext {
  village: VillageConfig;
  resident: Resident;
  type: LetterType;
  number: string;
  purpose: string;
  issuedAt: Date;
  /** Signed verification token (every letter); null prints no QR. */
  token: string | null;
  /** `letters.verify_url`: the QR holds `<verify_url>#<token>`; null: the bare token. */
  verifyUrl?: string | null;
  columns: 32 | 48;
  /** Village logo, PNG bytes. */
  logo?: Buffer | null;
}

/** Identity labels: the classic ones on 80 mm, shortened on 58 mm so values keep 17 columns. */
const LABELS = {
  48: {
    width: 17,
    nama: 'Nama',
    nik: 'NIK',
    ttl: 'Tempat/Tgl Lahir',
    jk: 'Jenis Kelamin',
    agama: 'Agama',
    kawin: 'Status Perkawinan',
    kerja: 'Pekerjaan',
    wn: 'Kewarganegaraan',
    alamat: 'Alamat',
    keperluan: 'Keperluan',
  },
  32: {
    width: 13,
    nama: 'Nama',
    nik: 'NIK',
    ttl: 'Tmp/Tgl Lahir',
    jk: 'Jenis Kelamin',
    agama: 'Agama',
    kawin: 'Status Kawin',
    kerja: 'Pekerjaan',
    wn: 'Warga Negara',
    alamat: 'Alamat',
    keperluan: 'Keperluan',
  },
} as const;

/** "PEMERINTAH KABUPATEN PESAWARAN" (or "PEMERINTAH KOTA METRO" for a city). */
export function pemerintah(kabupaten: string): string {
  const k = kabupaten.trim();
  if (/^kota\s/i.test(k)) return `PEMERINTAH ${k}`.toUpperCase();
  return `PEMERINTAH KABUPATEN ${k.replace(/^kab(upaten|\.)?\s+/i, '')}`.toUpperCase();
}

function isHeadSigning(village: VillageConfig): boolean {
  return /^(|kepala desa|lurah)$/i.test(village.head_title.trim());
}

/** Who signs: "Kepala Desa Hanura", or "a.n. Kepala Desa Hanura" + "Sekretaris Desa". */
export function signerLines(village: VillageConfig): string[] {
  const office = `${kepalaDesa(village)} ${village.name}`;
  return isHeadSigning(village) ? [office] : [`a.n. ${office}`, village.head_title.trim()];
}

/** "Kepala Desa Hanura, Kecamatan Teluk Pandan, Kabupaten Pesawaran" (or the a.n. form). */
export function signerOpening(village: VillageConfig): string {
  const office = `${kepalaDesa(village)} ${village.name}`;
  const who = isHeadSigning(village) ? office : `${village.head_title.trim()}, atas nama ${office}`;
  const kab = village.kabupaten.trim();
  const region = /^kota\s/i.test(kab) ? kab : `Kabupaten ${kab.replace(/^kab(upaten|\.)?\s+/i, '')}`;
  return `${who}, Kecamatan ${village.kecamatan}, ${region}`;
}

/** Composes the letter. Pure: same context, same document. */
export function composeLetter(ctx: LetterContext): PrintDocument {
  const { village, resident, type, columns } = ctx;
  const a = (s: string) => toAscii(s);
  const blocks: PrintBlock[] = [];
  const text = (t: string, opts: Omit<Extract<PrintBlock, { kind: 'text' }>, 'kind' | 'text'> = {}) =>
    blocks.push({ kind: 'text', text: a(t), ...opts });
  const feed = (lines = 1) => blocks.push({ kind: 'feed', lines });
  const labels = LABELS[columns];
  const field = (label: string, value: string) =>
    blocks.push({ kind: 'field', label, value: a(value), labelWidth: labels.width });

  const validUntil = type.validity_days > 0 ? addDays(ctx.issuedAt, type.validity_days) : null;
  const values = templateValues({
    village,
    resident,
    purpose: ctx.purpose,
    issuedAt: ctx.issuedAt,
    validUntil,
  });
  const sebutan = sebutanDesa(village);

  // Kop surat
  if (ctx.logo) blocks.push({ kind: 'image', png: ctx.logo, align: 'center' });
  text(pemerintah(village.kabupaten), { align: 'center', bold: true });
  text(`KECAMATAN ${village.kecamatan}`.toUpperCase(), { align: 'center', bold: true });
  const desa = a(`${sebutan} ${village.name}`.toUpperCase());
  text(desa, { align: 'center', bold: true, size: desa.length <= columns / 2 ? 'double' : 'normal' });
  if (village.address.trim() !== '') text(village.address, { align: 'center' });
  blocks.push({ kind: 'rule', char: '=' });
  feed();

  // Title and number
  text(type.title, { align: 'center', bold: true });
  const nomor = `Nomor: ${a(ctx.number)}`;
  if (nomor.length <= columns) text(nomor, { align: 'center' });
  else {
    text('Nomor:', { align: 'center' });
    for (const part of splitNumber(a(ctx.number), columns)) text(part, { align: 'center' });
  }
  feed();

  // Opening and identity
  text(`Yang bertanda tangan di bawah ini, ${signerOpening(village)}, menerangkan bahwa:`);
  feed();
  field(labels.nama, values.nama);
  field(labels.nik, values.nik);
  field(labels.ttl, values.ttl);
  field(labels.jk, values.jenis_kelamin);
  field(labels.agama, values.agama);
  field(labels.kawin, values.status_perkawinan);
  field(labels.kerja, values.pekerjaan);
  field(labels.wn, values.kewarganegaraan);
  field(labels.alamat, values.alamat_lengkap);
  feed();

  // Statement, purpose, validity
  text(fillTemplate(type.body, values));
  feed();
  field(labels.keperluan, ctx.purpose);
  if (validUntil) {
    const from = `Berlaku: ${formatTanggal(ctx.issuedAt)}`;
    const to = `s/d ${formatTanggal(validUntil)}`;
    // Keep each date whole on 58 mm rather than splitting "23 | Desember 2026".
    if (from.length + 1 + to.length <= columns) text(`${from} ${to}`);
    else {
      text(from);
      text(to);
    }
  }
  feed();
  const kind = /^SURAT PENGANTAR/i.test(type.title) ? 'surat pengantar' : 'surat keterangan';
  text(`Demikian ${kind} ini dibuat untuk dapat dipergunakan sebagaimana mestinya.`);
  feed();

  // Place, date, signature: a right-hand column on 80 mm, centred on 58 mm.
  const sign = (t: string, bold = false) => {
    if (columns === 48) {
      for (const line of wrapText(a(t), 24)) text(`${' '.repeat(24)}${line}`, { bold });
    } else text(t, { align: 'center', bold });
  };
  sign(`${village.name}, ${formatTanggal(ctx.issuedAt)}`);
  for (const line of signerLines(village)) sign(line);
  feed(4);
  sign(village.head_name.trim() === '' ? '(.............................)' : village.head_name, true);

  if (ctx.token) {
    feed();
    blocks.push({
      kind: 'qr',
      data: qrContent(ctx.token, ctx.verifyUrl ?? null),
      caption: a(
        qrCaption(values.kantor_desa, `${sebutan} ${village.name}`, kepalaDesa(village), ctx.verifyUrl),
      ),
    });
  }
  if (type.policy === 'pengantar') {
    feed();
    blocks.push(...pengantarNotice(a(values.kantor_desa.toUpperCase()), columns));
  }

  feed(2);
  blocks.push({ kind: 'cut' });
  return { title: a(type.title), columns, blocks };
}

/** What the QR holds: the token in the URL's fragment, so that it never reaches a web server. */
export function qrContent(token: string, verifyUrl: string | null): string {
  return verifyUrl ? `${verifyUrl.replace(/#.*$/, '')}#${token}` : token;
}

/**
 * The text under the QR: how to check the letter, and what the QR is. The kiosk's Ed25519 key is
 * a machine seal, not a certified electronic signature (UU ITE art. 11, PP 71/2019): the letter
 * must never read as if the Kepala Desa had signed it electronically.
 */
export function qrCaption(
  kantor: string,
  desa: string,
  kepala: string,
  verifyUrl: string | null | undefined,
): string {
  const how = verifyUrl
    ? 'Cek keaslian surat: pindai kode QR ini dengan kamera ponsel.'
    : `Cek keaslian surat: pindai kode QR ini di ${kantor}.`;
  return (
    `${how} Kode QR ini segel elektronik anjungan ${desa}: bukti surat dicetak di anjungan ini ` +
    `dan tidak diubah. Segel ini bukan tanda tangan ${kepala}.`
  );
}

/** A number longer than a line (dotted Permendagri 83/2022 codes on 58 mm) breaks after a "/". */
function splitNumber(number: string, columns: number): string[] {
  const parts: string[] = [];
  let line = '';
  for (const piece of number.split(/(?<=\/)/)) {
    if (line.length + piece.length > columns && line.length > 0) {
      parts.push(line);
      line = '';
    }
    line += piece;
  }
  parts.push(line);
  return parts.flatMap((p) => wrapText(p, columns));
}

/** The boxed notice of a pengantar: clear to anyone that it is not valid yet. */
function pengantarNotice(kantor: string, columns: number): PrintBlock[] {
  const inner = columns - 4;
  const edge = `+${'-'.repeat(columns - 2)}+`;
  const centred = (s: string) => {
    const left = Math.floor((inner - s.length) / 2);
    return `| ${' '.repeat(left)}${s.padEnd(inner - left)} |`;
  };
  const lines = [
    'SURAT PENGANTAR',
    '',
    ...wrapText(`BELUM BERLAKU SEBELUM DITANDATANGANI DAN DICAP DI ${kantor}`, inner),
  ];
  return [
    { kind: 'text', text: edge, bold: true },
    ...lines.map((l): PrintBlock => ({ kind: 'text', text: centred(l), bold: true })),
    { kind: 'text', text: edge, bold: true },
  ];
}
