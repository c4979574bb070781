/**
 * Small inline SVG charts for the kiosk page and the figures (no chart library, no script:
 * a few dozen elements each). Labels pass through `html`, so they are escaped.
 */
import { type Html, html } from './html.ts';

const W = 600;
const H = 140;
const PAD = 24;
const PALETTE = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#319795', '#b7791f', '#718096'];

/** Stacked bars: one bar per label (e.g. a day), one colour per series (e.g. a letter type). */
export function barChart(title: string, labels: string[], series: Map<string, number[]>): Html {
  const totals = labels.map((_, i) => [...series.values()].reduce((s, v) => s + (v[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - 2 * PAD) / Math.max(1, labels.length);
  const names = [...series.keys()];
  const bars = labels.map((label, i) => {
    let y = H - PAD;
    return names.map((name, s) => {
      const v = series.get(name)?.[i] ?? 0;
      const h = ((H - 2 * PAD) * v) / max;
      y -= h;
      return v > 0
        ? html`<rect x="${(PAD + i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"><title>${label} ${name}: ${v}</title></rect>`
        : '';
    });
  });
  const legend = names.map(
    (name, s) =>
      html`<text x="${PAD + s * 110}" y="12" font-size="11" fill="${PALETTE[s % PALETTE.length]}">■ ${name}</text>`,
  );
  return html`<figure class="chart"><figcaption>${title} (max ${max})</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}">${legend}${bars}<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/><text x="${PAD}" y="${H - 6}" font-size="10">${labels[0] ?? ''}</text><text x="${W - PAD}" y="${H - 6}" font-size="10" text-anchor="end">${labels.at(-1) ?? ''}</text></svg></figure>`;
}

/** A line over time; null values leave a gap. */
export function lineChart(title: string, unit: string, points: { t: number; v: number | null }[]): Html {
  const values = points.map((p) => p.v).filter((v): v is number => v !== null);
  if (values.length === 0)
    return html`<figure class="chart"><figcaption>${title}: no data</figcaption></figure>`;
  const t0 = points[0]!.t;
  const t1 = Math.max(t0 + 1, points.at(-1)!.t);
  const lo = Math.min(...values);
  const hi = Math.max(lo + 1, ...values);
  const x = (t: number) => PAD + ((W - 2 * PAD) * (t - t0)) / (t1 - t0);
  const y = (v: number) => H - PAD - ((H - 2 * PAD) * (v - lo)) / (hi - lo);
  const path = points
    .map((p, i) =>
      p.v === null
        ? ''
        : `${i > 0 && points[i - 1]?.v !== null ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`,
    )
    .join('');
  return html`<figure class="chart"><figcaption>${title} (${lo}–${hi} ${unit}, last ${values.at(-1)} ${unit})</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}"><path d="${path}" fill="none" stroke="#2b6cb0" stroke-width="1.5"/><line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/></svg></figure>`;
}
