/**
 * The dashboard's pages that the server renders whole: layout, login, the fleet table's shell
 * (its rows come from /api/fleet and SSE, drawn by public/fleet.js), alerts and figures.
 * District staff read Bahasa Indonesia; every value from a kiosk goes through `html` escaping.
 */
import type { Alert } from './alerts.ts';
import { type Html, html, when } from './html.ts';

export interface Viewer {
  user: string;
  role: 'viewer' | 'operator';
  csrf: string;
  auth: boolean;
}

export function layout(title: string, viewer: Viewer | null, body: Html, head: Html | string = ''): string {
  const nav = viewer
    ? html`<nav><a href="/">Armada</a> <a href="/alerts">Peringatan</a> <a href="/figures">Angka</a>
<span class="who">${viewer.user} (${viewer.role})</span>
${viewer.auth ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button>Keluar</button></form>` : ''}</nav>`
    : '';
  return html`<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${viewer ? html`<meta name="csrf" content="${viewer.csrf}">` : ''}
<title>${title} · Anjungan</title><link rel="stylesheet" href="/static/style.css">${head}</head>
<body><header><strong>Anjungan · Dasbor Kabupaten</strong> ${nav}</header><main>${body}</main></body></html>`
    .text;
}

export function loginPage(csrf: string, error: string | null): string {
  return layout(
    'Masuk',
    null,
    html`<h1>Masuk</h1>${error ? html`<p class="error" id="login-error">${error}</p>` : ''}
<form method="post" action="/login" class="login">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Nama pengguna <input name="user" autocomplete="username" required></label>
<label>Kata sandi <input name="password" type="password" autocomplete="current-password" required></label>
<button>Masuk</button></form>`,
  );
}

export function fleetPage(viewer: Viewer): string {
  return layout(
    'Armada',
    viewer,
    html`<p id="broker-lost" class="error" hidden>Sambungan terputus (broker MQTT atau server dasbor): data di bawah adalah yang terakhir diterima.</p>
<section id="counts" class="counts" aria-live="polite">
<span>Total <b id="count-total">…</b></span> <span>Online <b id="count-online">…</b></span>
<span>Offline <b id="count-offline">…</b></span> <span>Tidak melayani <b id="count-oos">…</b></span>
<span>Kertas menipis/habis <b id="count-paper">…</b></span> <span>Peringatan <a href="/alerts" id="count-alerts">…</a></span></section>
<section id="rollout" class="rollout" aria-live="polite"><div>Versi berjalan: <span id="rollout-versions"></span></div>
<div>Pembaruan: <span id="rollout-updates"></span></div><div>Setelan jarak jauh: <span id="rollout-remote"></span></div>
<small>Anjungan offline dihitung dengan nilai terakhir yang diketahui.</small></section>
<section class="filters">
<label>Kabupaten <select id="f-kabupaten"><option value="">semua</option></select></label>
<label>Kecamatan <select id="f-kecamatan"><option value="">semua</option></select></label>
<label>Status <select id="f-status"><option value="">semua</option><option value="online">online</option>
<option value="offline">offline</option><option value="oos">tidak melayani</option><option value="paper">kertas</option></select></label>
<label>Versi <select id="f-version"><option value="">semua</option></select></label>
<label>Pembaruan <select id="f-update"><option value="">semua</option><option value="problem">gagal atau dikembalikan</option></select></label>
<label>Setelan jarak jauh <select id="f-remote"><option value="">semua</option></select></label>
<label>Cari <input id="f-search" type="search" placeholder="desa, kode, perangkat"></label>
<span id="shown"></span></section>
<table id="fleet"><thead><tr>
<th data-sort="village_name">Desa</th><th data-sort="village">Kode</th><th data-sort="kecamatan">Kecamatan</th>
<th data-sort="kabupaten">Kabupaten</th><th data-sort="device">Perangkat</th><th data-sort="availability">Status</th>
<th data-sort="since">Sejak</th><th data-sort="flow_state">Layar</th><th data-sort="out_of_service">Tidak melayani</th>
<th data-sort="printer">Printer</th><th data-sort="clock_trusted">Jam</th><th data-sort="outbox_depth">Outbox</th>
<th data-sort="version">Versi</th><th data-sort="uptime_s">Uptime</th><th data-sort="letters_today">Surat hari ini</th>
<th data-sort="update_text">Pembaruan</th><th data-sort="remote_config_version">Setelan jarak jauh</th><th data-sort="config_hash">Hash setelan</th>
</tr></thead><tbody></tbody></table>
<script src="/static/fleet.js" type="module"></script>`,
    // The fleet's JSON is fetched while the script loads, not after.
    html`<link rel="preload" href="/api/fleet" as="fetch" crossorigin>`,
  );
}

export function alertsPage(
  viewer: Viewer,
  alerts: Alert[],
  names: (kiosk: string) => string,
  tz: string,
): string {
  const canAct = viewer.role === 'operator';
  const rows = alerts.map(
    (
      a,
    ) => html`<tr data-alert="${a.key}"><td>${when(a.since, tz)}</td><td><a href="/kiosk/${a.kiosk}">${names(a.kiosk)}</a></td>
<td class="kind">${a.kind}</td><td>${a.detail}</td>
<td>${a.ack ? html`<span class="ack">${a.ack.by}, ${when(a.ack.at, tz)}: ${a.ack.note}</span>` : canAct ? html`<form method="post" action="/alerts/ack" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><input type="hidden" name="alert" value="${a.key}"><input name="note" placeholder="catatan" maxlength="200"><button>Tandai ditangani</button></form>` : '-'}</td></tr>`,
  );
  return layout(
    'Peringatan',
    viewer,
    html`<h1>Peringatan (${alerts.length})</h1><p>Yang terlama di atas. JSON: <a href="/api/alerts">/api/alerts</a></p>
<table id="alerts"><thead><tr><th>Sejak</th><th>Anjungan</th><th>Jenis</th><th>Keterangan</th><th>Ditangani</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}
