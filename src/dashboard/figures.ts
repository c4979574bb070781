/**
 * The month's figures for the district's report to the regent: letters per village per letter
 * type (from the daily counts, which outlive raw events), the residents' ratings per village
 * (event `rating`: share of puas / cukup / kurang), a chart of letters per day, and the CSV.
 * Nothing personal: the broker never carried any.
 */
import { stringify } from 'csv-stringify/sync';
import { barChart } from './charts.ts';
import { html } from './html.ts';
import { layout, type Viewer } from './pages.ts';
import type { VillageNames } from './regions.ts';
import type { HistoryStore } from './store.ts';

export interface MonthFigures {
  month: string;
  /** One village's figures, or null for the district's. */
  village: string | null;
  days: string[];
  /** village → letter type → count */
  letters: Map<string, Map<string, number>>;
  /** village → answer → count */
  ratings: Map<string, Map<string, number>>;
  /** letter type → count per day */
  perDay: Map<string, number[]>;
}

export function validMonth(m: unknown): m is string {
  return typeof m === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(m);
}

/** The month's figures of the district, or of one village (`village`: its 10-digit code). */
export function monthFigures(store: HistoryStore, month: string, village?: string): MonthFigures {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const days = Array.from({ length }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
  const letters = new Map<string, Map<string, number>>();
  const perDay = new Map<string, number[]>();
  const mine = (kiosk: string) => !village || kiosk.startsWith(`${village}/`);
  for (const c of store.daily(null, 'letter_issued', days[0]!, days.at(-1)!)) {
    if (!mine(c.kiosk)) continue;
    const code = c.kiosk.split('/')[0]!;
    const byType = letters.get(code) ?? new Map<string, number>();
    byType.set(c.sub, (byType.get(c.sub) ?? 0) + c.n);
    letters.set(code, byType);
    const series = perDay.get(c.sub) ?? days.map(() => 0);
    const idx = days.indexOf(c.day);
    if (idx >= 0) series[idx] = (series[idx] ?? 0) + c.n;
    perDay.set(c.sub, series);
  }
  const ratings = new Map<string, Map<string, number>>();
  for (const c of store.daily(null, 'rating', days[0]!, days.at(-1)!)) {
    if (!mine(c.kiosk)) continue;
    const code = c.kiosk.split('/')[0]!;
    const byAnswer = ratings.get(code) ?? new Map<string, number>();
    byAnswer.set(c.sub, (byAnswer.get(c.sub) ?? 0) + c.n);
    ratings.set(code, byAnswer);
  }
  return { month, village: village ?? null, days, letters, ratings, perDay };
}

export const CSV_HEADER = [
  'month',
  'village_code',
  'village_name',
  'kecamatan',
  'kabupaten',
  'kind',
  'item',
  'count',
];

/** One line per village and letter type, then per village and rating answer. */
export function figuresCsv(f: MonthFigures, names: (village: string) => VillageNames): string {
  const rows: (string | number)[][] = [];
  const add = (kind: string, table: Map<string, Map<string, number>>) => {
    for (const village of [...table.keys()].sort()) {
      const n = names(village);
      for (const [item, count] of [...table.get(village)!].sort()) {
        rows.push([
          f.month,
          village,
          n.village_name ?? '',
          n.kecamatan ?? '',
          n.kabupaten ?? '',
          kind,
          item,
          count,
        ]);
      }
    }
  };
  add('letters', f.letters);
  add('rating', f.ratings);
  return stringify(rows, { header: true, columns: CSV_HEADER });
}

export function figuresPage(
  viewer: Viewer,
  f: MonthFigures,
  names: (village: string) => VillageNames,
): string {
  const types = [...new Set([...f.letters.values()].flatMap((m) => [...m.keys()]))].sort();
  const villages = [...f.letters.keys()].sort();
  const share = (m: Map<string, number>, k: string) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    return total ? `${Math.round((100 * (m.get(k) ?? 0)) / total)}%` : '-';
  };
  return layout(
    'Angka',
    viewer,
    html`<h1>Angka bulan ${f.month}${f.village ? html` · ${names(f.village).village_name ?? f.village}` : ''}</h1>
<form method="get" action="/figures"><input type="month" name="month" value="${f.month}">
${f.village ? html`<input type="hidden" name="village" value="${f.village}">` : ''}<button>Tampilkan</button>
<a href="/figures.csv?month=${f.month}" id="csv-link">Unduh CSV</a>${f.village ? html` <a href="/figures?month=${f.month}">Seluruh kabupaten</a>` : ''}</form>
${barChart(`Surat terbit per hari per jenis${f.village ? ` (${names(f.village).village_name ?? f.village})` : ''}`, f.days, f.perDay)}
<h2>Surat per desa per jenis</h2><table id="figures"><thead><tr><th>Desa</th><th>Kode</th>${types.map((t) => html`<th>${t}</th>`)}<th>Jumlah</th></tr></thead>
<tbody>${villages.map((v) => {
      const m = f.letters.get(v)!;
      return html`<tr><td><a href="/figures?month=${f.month}&amp;village=${v}">${names(v).village_name ?? '-'}</a></td><td>${v}</td>${types.map((t) => html`<td>${m.get(t) ?? 0}</td>`)}<td>${[...m.values()].reduce((a, b) => a + b, 0)}</td></tr>`;
    })}</tbody></table>
<h2>Penilaian warga</h2><table id="ratings"><thead><tr><th>Desa</th><th>Kode</th><th>Puas</th><th>Cukup</th><th>Kurang</th></tr></thead>
<tbody>${[...f.ratings.keys()].sort().map((v) => {
      const m = f.ratings.get(v)!;
      return html`<tr><td>${names(v).village_name ?? '-'}</td><td>${v}</td><td>${share(m, 'puas')}</td><td>${share(m, 'cukup')}</td><td>${share(m, 'kurang')}</td></tr>`;
    })}</tbody></table>`,
  );
}
