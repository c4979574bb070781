// The fleet table: first the whole fleet from /api/fleet, then changed rows over SSE. Every
// value from a kiosk is set with textContent, never as markup. Filters and sort stay in the URL
// hash so a bookmarked view opens the same way.
import { rolloutChoices, rolloutMatches, showRollout } from './rollout.js';

const rows = new Map();
let sortKey = 'village';
let sortDir = 1;
let pending = false;
const $ = (id) => document.getElementById(id);
const tbody = document.querySelector('#fleet tbody');
const filters = [
  'f-kabupaten',
  'f-kecamatan',
  'f-status',
  'f-search',
  'f-version',
  'f-update',
  'f-remote',
].map($);

function ago(ms) {
  if (ms == null) return '-';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 120) return `${s} dtk`;
  if (s < 7200) return `${Math.round(s / 60)} mnt`;
  if (s < 172800) return `${Math.round(s / 3600)} jam`;
  return `${Math.round(s / 86400)} hari`;
}

function uptime(s) {
  if (s == null) return '-';
  if (s < 3600) return `${Math.round(s / 60)} mnt`;
  if (s < 172800) return `${Math.round(s / 3600)} jam`;
  return `${Math.round(s / 86400)} hari`;
}

function cells(r) {
  return [
    r.village_name ?? '-',
    r.village,
    r.kecamatan ?? '-',
    r.kabupaten ?? '-',
    r.device,
    r.availability,
    ago(r.since),
    r.flow_state ?? '-',
    [...r.out_of_service, ...(r.remote_reason ? [r.remote_reason] : [])].join(', ') || '-',
    r.printer ?? '-',
    r.clock_trusted === false ? 'belum disetel' : r.clock_trusted ? 'ok' : '-',
    r.outbox_depth ?? '-',
    r.version ?? '-',
    uptime(r.uptime_s),
    r.letters_today ?? '-',
    r.update_text,
    r.remote_config_version == null ? '-' : `v${r.remote_config_version}`,
    r.config_hash ? r.config_hash.slice(0, 12) : '-',
  ];
}

function matches(r, f) {
  if (f.kabupaten && r.kabupaten !== f.kabupaten) return false;
  if (f.kecamatan && r.kecamatan !== f.kecamatan) return false;
  if (f.status === 'online' && r.availability !== 'online') return false;
  if (f.status === 'offline' && r.availability !== 'offline') return false;
  if (f.status === 'oos' && r.out_of_service.length === 0) return false;
  if (f.status === 'paper' && r.printer !== 'paper_out' && r.printer !== 'paper_near_end') return false;
  if (!rolloutMatches(r, f)) return false;
  if (f.search) {
    const hay =
      `${r.village_name ?? ''} ${r.village} ${r.device} ${r.kecamatan ?? ''} ${r.kabupaten ?? ''}`.toLowerCase();
    if (!hay.includes(f.search)) return false;
  }
  return true;
}

function compare(a, b) {
  const x = a[sortKey];
  const y = b[sortKey];
  const v = (z) => (Array.isArray(z) ? z.length : z);
  if (v(x) == null && v(y) == null) return a.key.localeCompare(b.key);
  if (v(x) == null) return 1;
  if (v(y) == null) return -1;
  const c = typeof v(x) === 'number' ? v(x) - v(y) : String(v(x)).localeCompare(String(v(y)));
  return c * sortDir || a.key.localeCompare(b.key);
}

const trs = new Map();
let filter = {};
// Rows drawn at once on a full render; the rest follow in the next frames, so the first screen
// (and the counts) appear without waiting for thousands of rows.
const FIRST_ROWS = 100;
const CHUNK = 400;
let generation = 0;

function readFilter() {
  return {
    kabupaten: filters[0].value,
    kecamatan: filters[1].value,
    status: filters[2].value,
    search: filters[3].value.trim().toLowerCase(),
    version: filters[4].value,
    update: filters[5].value,
    remote: filters[6].value,
  };
}

function makeRow(r) {
  const tr = document.createElement('tr');
  tr.dataset.kiosk = r.key;
  cells(r).forEach((_, i) => {
    const td = document.createElement('td');
    if (i === 0) {
      const a = document.createElement('a');
      a.href = `/kiosk/${encodeURIComponent(r.village)}/${encodeURIComponent(r.device)}`;
      td.append(a);
    }
    tr.append(td);
  });
  patch(tr, r);
  return tr;
}

/** Updates a drawn row in place: only the cells whose text changed. */
function patch(tr, r) {
  tr.className = r.availability === 'offline' ? 'offline' : r.out_of_service.length ? 'oos' : '';
  tr.title = r.availability === 'offline' ? 'offline: nilai terakhir yang diketahui' : '';
  cells(r).forEach((text, i) => {
    const el = i === 0 ? tr.children[0].firstChild : tr.children[i];
    if (el.textContent !== String(text)) el.textContent = String(text);
  });
}

function render() {
  pending = false;
  filter = readFilter();
  const shown = [...rows.values()].filter((r) => matches(r, filter)).sort(compare);
  const gen = ++generation;
  trs.clear();
  const draw = (from, to) => {
    const frag = document.createDocumentFragment();
    for (const r of shown.slice(from, to)) {
      const tr = makeRow(r);
      trs.set(r.key, tr);
      frag.append(tr);
    }
    return frag;
  };
  tbody.replaceChildren(draw(0, FIRST_ROWS));
  const more = (from) => {
    if (gen !== generation || from >= shown.length) return;
    tbody.append(draw(from, from + CHUNK));
    requestAnimationFrame(() => more(from + CHUNK));
  };
  requestAnimationFrame(() => more(FIRST_ROWS));
  $('shown').textContent = `${shown.length} ditampilkan`;
}

/** A changed row: patched in place unless it moves (sort value) or enters/leaves the filter. */
function update(old, r) {
  const tr = trs.get(r.key);
  const stays = matches(r, filter) && old && matches(old, filter);
  if (tr && stays && String(old[sortKey]) === String(r[sortKey])) {
    patch(tr, r);
    return true;
  }
  return !stays && !matches(r, filter) && !(old && matches(old, filter));
}

function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(render);
}

/** Adds the options not yet there; `values` are values, or [value, label] pairs. */
function options(select, values) {
  const current = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  const pairs = [...values].map((v) => (Array.isArray(v) ? v : [v, v]));
  for (const [v, label] of pairs.sort((a, b) => a[1].localeCompare(b[1], 'id', { numeric: true }))) {
    if (known.has(v)) continue;
    const o = document.createElement('option');
    o.value = v;
    o.textContent = label;
    select.append(o);
  }
  select.value = current;
}

function refreshOptions() {
  const kab = new Set();
  const kec = new Set();
  for (const r of rows.values()) {
    if (r.kabupaten) kab.add(r.kabupaten);
    if (r.kecamatan && (!filters[0].value || r.kabupaten === filters[0].value)) kec.add(r.kecamatan);
  }
  options(filters[0], kab);
  options(filters[1], kec);
  rolloutOptions();
}

/** The version, update and remote settings filters offer what the fleet has. */
function rolloutOptions() {
  const [versions, updates, remote] = rolloutChoices(rows.values());
  options(filters[4], versions);
  options(filters[5], updates);
  options(filters[6], remote);
}

/** A click on a summary count: its filter set to that value. */
function pick(select, choice) {
  rolloutOptions();
  select.value = choice;
  schedule();
}

function showCounts(c) {
  $('count-total').textContent = c.total;
  $('count-online').textContent = c.online;
  $('count-offline').textContent = c.offline;
  $('count-oos').textContent = c.out_of_service;
  $('count-paper').textContent = c.paper;
  $('count-alerts').textContent = c.alerts;
  $('broker-lost').hidden = c.broker;
  if (c.rollout)
    showRollout(
      c.rollout,
      [$('rollout-versions'), $('rollout-updates'), $('rollout-remote')],
      filters.slice(4),
      pick,
    );
}

for (const th of document.querySelectorAll('#fleet th[data-sort]')) {
  th.addEventListener('click', () => {
    const key = th.dataset.sort;
    sortDir = key === sortKey ? -sortDir : 1;
    sortKey = key;
    schedule();
  });
}
for (const f of filters)
  f.addEventListener('input', () => {
    if (f === filters[0]) refreshOptions();
    schedule();
  });

// Same request as the page's <link rel=preload>, so the browser reuses the one already under way.
const res = await fetch('/api/fleet');
if (res.status === 401) location.href = '/login';
const first = await res.json();
for (const r of first.rows) rows.set(r.key, r);
refreshOptions();
showCounts(first.counts);
render();

const stream = new EventSource('/api/stream');
stream.addEventListener('rows', (e) => {
  let newKiosk = false;
  let full = false;
  for (const r of JSON.parse(e.data)) {
    const old = rows.get(r.key);
    if (!old) newKiosk = true;
    rows.set(r.key, r);
    if (!update(old, r)) full = true;
  }
  if (newKiosk) refreshOptions();
  else rolloutOptions();
  if (full) schedule();
});
// "Since" and uptime age while nothing changes.
setInterval(() => {
  for (const [key, tr] of trs) patch(tr, rows.get(key));
}, 30_000);
stream.addEventListener('counts', (e) => showCounts(JSON.parse(e.data)));
// The dashboard itself gone (restart, network): say so until the stream is back.
stream.addEventListener('error', () => {
  $('broker-lost').hidden = false;
});
