/**
 * Letter body templates: `{placeholder}` names filled from the resident, the village and the
 * request. Templates are validated when letter types are loaded (start-up, `anjungan letters`),
 * so a typo in a village override stops the kiosk at start with the key named, never at print
 * time in front of a resident.
 */
import type { VillageConfig } from '../config/config.ts';
import { KioskError } from '../errors.ts';
import type { Resident } from '../store/resident.ts';
import { formatIsoTanggal, formatTanggal } from './text-layout.ts';

/** Every placeholder a body may use, with what it becomes. */
export const PLACEHOLDERS = {
  nama: 'the resident name',
  nik: 'the full NIK (printed letter only)',
  no_kk: 'Kartu Keluarga number',
  tempat_lahir: 'place of birth',
  tanggal_lahir: 'date of birth, "12 Agustus 1985"',
  ttl: 'place and date of birth, "Pesawaran, 12 Agustus 1985"',
  jenis_kelamin: 'LAKI-LAKI / PEREMPUAN',
  agama: 'religion',
  status_perkawinan: 'marital status',
  pekerjaan: 'occupation',
  kewarganegaraan: 'citizenship',
  alamat: 'street address as registered',
  rt: 'RT',
  rw: 'RW',
  dusun: 'dusun (hamlet)',
  alamat_lengkap: 'address with RT/RW, dusun and desa',
  desa: 'village name ("Hanura")',
  sebutan_desa: '"Desa" or "Kelurahan"',
  kantor_desa: '"Kantor Desa Hanura"',
  kepala_desa: '"Kepala Desa" or "Lurah"',
  kecamatan: 'kecamatan',
  kabupaten: 'kabupaten',
  provinsi: 'province',
  keperluan: 'the purpose the resident chose',
  tanggal: 'date of the letter, "23 November 2026"',
  berlaku_sampai: 'last day of validity ("-" when the letter has no validity)',
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type TemplateValues = Record<Placeholder, string>;

const TOKEN = /\{([^{}]*)\}|[{}]/g;

function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/**
 * Checks a template: every `{…}` must name a known placeholder and every brace must be part of
 * one. Throws KioskError(code) naming `where` (e.g. `letters.types.sktm.body`).
 */
export function validateTemplate(
  template: string,
  where: string,
  code: 'config_invalid' | 'data_corrupt' = 'config_invalid',
): void {
  for (const m of template.matchAll(TOKEN)) {
    const name = m[1];
    if (name === undefined) {
      throw new KioskError(
        code,
        `${where}: stray "${m[0]}" at position ${m.index}; placeholders look like {nama}. Fix the template`,
      );
    }
    if (!isPlaceholder(name)) {
      throw new KioskError(
        code,
        `${where}: unknown placeholder {${name}}; known: ${Object.keys(PLACEHOLDERS)
          .map((p) => `{${p}}`)
          .join(' ')}`,
      );
    }
  }
}

/** The placeholders a template uses, in order of first use. */
export function templatePlaceholders(template: string): Placeholder[] {
  const seen = new Set<Placeholder>();
  for (const m of template.matchAll(TOKEN)) {
    const name = m[1];
    if (name !== undefined && isPlaceholder(name)) seen.add(name);
  }
  return [...seen];
}

/** Fills a (validated) template. An unknown placeholder still throws rather than printing "{x}". */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(TOKEN, (whole, name: string | undefined) => {
    if (name === undefined || !isPlaceholder(name)) {
      throw new KioskError('config_invalid', `letter template has an invalid placeholder ${whole}`);
    }
    return values[name];
  });
}

/** "" and "-" (OpenSID's empty) count as missing. */
export function isBlank(value: string | undefined | null): boolean {
  const v = (value ?? '').trim();
  return v === '' || v === '-';
}

/** "Desa" or "Kelurahan". */
export function sebutanDesa(village: VillageConfig): string {
  return village.kind === 'kelurahan' ? 'Kelurahan' : 'Desa';
}

/** "Kepala Desa" or "Lurah" (the office itself, whoever signs). */
export function kepalaDesa(village: VillageConfig): string {
  return village.kind === 'kelurahan' ? 'Lurah' : 'Kepala Desa';
}

/** "Jl. Melati No. 5, RT 001/RW 002, Dusun Sukamaju" (blank parts left out). */
export function alamatRtRw(resident: Resident): string {
  const parts: string[] = [];
  if (!isBlank(resident.alamat)) parts.push(resident.alamat.trim());
  const rt = isBlank(resident.rt) ? null : resident.rt.trim();
  const rw = isBlank(resident.rw) ? null : resident.rw.trim();
  if (rt && rw) parts.push(`RT ${rt}/RW ${rw}`);
  else if (rt) parts.push(`RT ${rt}`);
  else if (rw) parts.push(`RW ${rw}`);
  if (!isBlank(resident.dusun)) parts.push(`Dusun ${resident.dusun.trim()}`);
  return parts.join(', ');
}

/** Values for every placeholder. */
export function templateValues(p: {
  village: VillageConfig;
  resident: Resident;
  purpose: string;
  issuedAt: Date;
  validUntil: Date | null;
}): TemplateValues {
  const { village: v, resident: r } = p;
  const dash = (s: string) => (isBlank(s) ? '-' : s.trim());
  const sebutan = sebutanDesa(v);
  const tanggalLahir = isBlank(r.tanggal_lahir) ? '-' : formatIsoTanggal(r.tanggal_lahir.trim());
  return {
    nama: dash(r.nama),
    nik: dash(r.nik),
    no_kk: dash(r.no_kk),
    tempat_lahir: dash(r.tempat_lahir),
    tanggal_lahir: tanggalLahir,
    ttl: `${dash(r.tempat_lahir)}, ${tanggalLahir}`,
    jenis_kelamin: dash(r.jenis_kelamin),
    agama: dash(r.agama),
    status_perkawinan: dash(r.status_perkawinan),
    pekerjaan: dash(r.pekerjaan),
    kewarganegaraan: dash(r.kewarganegaraan),
    alamat: dash(r.alamat),
    rt: dash(r.rt),
    rw: dash(r.rw),
    dusun: dash(r.dusun),
    alamat_lengkap: [alamatRtRw(r), `${sebutan} ${v.name}`].filter((x) => x.length > 0).join(', '),
    desa: v.name,
    sebutan_desa: sebutan,
    kantor_desa: `Kantor ${sebutan} ${v.name}`,
    kepala_desa: kepalaDesa(v),
    kecamatan: v.kecamatan,
    kabupaten: v.kabupaten,
    provinsi: v.province,
    keperluan: p.purpose,
    tanggal: formatTanggal(p.issuedAt),
    berlaku_sampai: p.validUntil ? formatTanggal(p.validUntil) : '-',
  };
}
