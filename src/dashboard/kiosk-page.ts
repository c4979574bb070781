/**
 * A kiosk's page: its row now, letters per day by type (30 days), failures, unknown-card taps,
 * offline periods, its updates and remote settings, telemetry charts, the command log, and (operators, with an operator key)
 * the three commands the district may send from a web server.
 */
import { barChart, lineChart } from './charts.ts';
import type { FleetRow } from './fleet.ts';
import { type Html, html, when } from './html.ts';
import { layout, type Viewer } from './pages.ts';
import { type HistoryStore, localDay, type Mute } from './store.ts';
import { HISTORY_TYPES, updateSection } from './update-history.ts';

export const HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;

export interface KioskPageInput {
  viewer: Viewer;
  row: FleetRow;
  store: HistoryStore;
  now: number;
  timeZone: string;
  mute: Mute | null;
  commandsEnabled: boolean;
}

export function kioskPage(i: KioskPageInput): string {
  const { row, store, now, timeZone: tz, viewer } = i;
  const from = now - HISTORY_DAYS * DAY_MS;
  const days = Array.from({ length: HISTORY_DAYS }, (_, k) =>
    localDay(now - (HISTORY_DAYS - 1 - k) * DAY_MS, tz),
  );
  const series = new Map<string, number[]>();
  for (const c of store.daily(row.key, 'letter_issued', days[0]!)) {
    const list = series.get(c.sub || '?') ?? days.map(() => 0);
    const idx = days.indexOf(c.day);
    if (idx >= 0) list[idx] = (list[idx] ?? 0) + c.n;
    series.set(c.sub || '?', list);
  }
  const telemetry = store.telemetry(row.key, from);
  const chart = (field: 'cpu_temp_c' | 'memory_used_pct' | 'disk_free_mb', title: string, unit: string) =>
    lineChart(
      title,
      unit,
      telemetry.map((t) => ({ t: t.slot, v: t[field] })),
    );
  const events = store.events(row.key, from, 100);
  const transitions = store.transitions(row.key, from);
  const operator = viewer.role === 'operator';
  const name = `${row.village_name ?? row.village} · ${row.device}`;
  return layout(
    name,
    viewer,
    html`<h1 id="kiosk-title">${name}</h1>
<p>${row.village} · Kec. ${row.kecamatan ?? '-'} · ${row.kabupaten ?? '-'}</p>
<dl class="facts"><dt>Status</dt><dd id="kiosk-availability">${row.availability} sejak ${when(row.since, tz)}</dd>
<dt>Layar</dt><dd>${row.flow_state ?? '-'}</dd><dt>Tidak melayani</dt><dd>${row.out_of_service.join(', ') || '-'}${row.remote_reason ? html` (${row.remote_reason})` : ''}</dd>
<dt>Printer</dt><dd>${row.printer ?? '-'}</dd><dt>Jam</dt><dd>${row.clock_trusted === false ? 'belum disetel' : row.clock_trusted ? 'ok' : '-'}</dd>
<dt>Outbox</dt><dd>${row.outbox_depth ?? '-'}</dd><dt>Versi</dt><dd>${row.version ?? '-'}</dd>
<dt>Surat hari ini</dt><dd>${row.letters_today ?? '-'}</dd>
<dt>Dibisukan</dt><dd>${i.mute ? `${i.mute.reason} (s/d ${when(i.mute.until, tz)}, ${i.mute.by})` : 'tidak'}</dd></dl>
${updateSection(row, store.eventsOfTypes(HISTORY_TYPES, 0, row.key, 50).reverse(), tz)}
${operator ? muteForms(viewer, row, i.mute) : ''}
${operator && i.commandsEnabled ? commandForms(viewer, row) : ''}
<h2>Surat per hari (30 hari)</h2>${barChart('Surat terbit per hari per jenis', days, series)}
<h2>Telemetri (per 15 menit)</h2>${chart('cpu_temp_c', 'Suhu CPU', '°C')}${chart('memory_used_pct', 'Memori terpakai', '%')}${chart('disk_free_mb', 'Disk kosong', 'MB')}
<h2>Periode offline</h2><ul id="transitions">${transitions.map((t) => html`<li>${when(t.time, tz)}: ${t.status}</li>`)}</ul>
<h2>Kejadian (100 terakhir)</h2><table id="events"><thead><tr><th>Waktu</th><th>Jenis</th><th>Jenis surat</th><th>Keterangan</th></tr></thead>
<tbody>${events.map((e) => html`<tr><td>${when(e.time, tz)}</td><td>${e.type}</td><td>${e.sub ?? ''}</td><td>${e.detail ?? ''}</td></tr>`)}</tbody></table>
<h2>Perintah terkirim</h2><table id="commands"><thead><tr><th>Waktu</th><th>Oleh</th><th>Perintah</th><th>Argumen</th><th>Hasil</th></tr></thead>
<tbody>${store.commands(row.key).map((c) => html`<tr><td>${when(c.at, tz)}</td><td>${c.user}</td><td>${c.command}</td><td>${c.args}</td><td>${c.outcome}</td></tr>`)}</tbody></table>`,
  );
}

function hidden(viewer: Viewer): Html {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

function muteForms(viewer: Viewer, row: FleetRow, mute: Mute | null): Html {
  return mute
    ? html`<form method="post" action="/kiosk/${row.key}/unmute">${hidden(viewer)}<button>Aktifkan peringatan lagi</button></form>`
    : html`<form method="post" action="/kiosk/${row.key}/mute" id="mute-form">${hidden(viewer)}
<input name="reason" placeholder="alasan (mis. sedang diperbaiki)" required maxlength="200">
<input name="until" type="date" required><button>Bisukan peringatan</button></form>`;
}

function commandForms(viewer: Viewer, row: FleetRow): Html {
  const action = `/kiosk/${row.key}/command`;
  return html`<section class="commands" id="command-forms"><h2>Perintah</h2>
<form method="post" action="${action}" class="inline">${hidden(viewer)}<input type="hidden" name="name" value="status"><button>status</button></form>
<form method="post" action="${action}" class="inline">${hidden(viewer)}<input type="hidden" name="name" value="ping"><button>ping</button></form>
<form method="post" action="${action}" class="inline" id="oos-on">${hidden(viewer)}<input type="hidden" name="name" value="out_of_service"><input type="hidden" name="on" value="true">
<input name="reason" placeholder="alasan di layar" required maxlength="120"><button>Hentikan layanan</button></form>
<form method="post" action="${action}" class="inline">${hidden(viewer)}<input type="hidden" name="name" value="out_of_service"><input type="hidden" name="on" value="false"><button>Layani lagi</button></form></section>`;
}
