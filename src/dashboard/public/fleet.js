// The fleet table: first the whole fleet from /api/fleet, then changed rows over SSE. Every
// value from a kiosk is set with textContent, never as markup. Filters and sort stay in the URL
// hash so a bookmarked view opens the same way.
const rows = new Map();
let sortKey = 'village';
let sortDir = 1;
let pending = false;
const $ = (id) => document.getElementById(id);
const tbody = document.querySelector('#fleet tbody');
const filters = ['f-kabupaten', 'f-kecamatan', 'f-status', 'f-search'].map($);

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
  ];
}

function matches(r, f) {
  if (f.kabupaten && r.kabupaten !== f.kabupaten) return false;
  if (f.kecamatan && r.kecamatan !== f.kecamatan) return false;
  if (f.status === 'online' && r.availability !== 'online') return false;
  if (f.status === 'offline' && r.availability !== 'offline') return false;
  if (f.status === 'oos' && r.out_of_service.length === 0) return false;
  if (f.status === 'paper' && r.printer !== 'paper_out' && r.printer !== 'paper_near_end') return false;
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

function render() {
  pending = false;
  const f = {
    kabupaten: filters[0].value,
    kecamatan: filters[1].value,
    status: filters[2].value,
    search: filters[3].value.trim().toLowerCase(),
  };
  const shown = [...rows.values()].filter((r) => matches(r, f)).sort(compare);
  const frag = document.createDocumentFragment();
  for (const r of shown) {
    const tr = document.createElement('tr');
    tr.dataset.kiosk = r.key;
    tr.className = r.availability === 'offline' ? 'offline' : r.out_of_service.length ? 'oos' : '';
    cells(r).forEach((text, i) => {
      const td = document.createElement('td');
      if (i === 0) {
        const a = document.createElement('a');
        a.href = `/kiosk/${encodeURIComponent(r.village)}/${encodeURIComponent(r.device)}`;
        a.textContent = String(text);
        td.append(a);
      } else td.textContent = String(text);
      tr.append(td);
    });
    frag.append(tr);
  }
  tbody.replaceChildren(frag);
  $('shown').textContent = `${shown.length} ditampilkan`;
}

function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(render);
}

function options(select, values) {
  const current = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  for (const v of [...values].sort()) {
    if (known.has(v)) continue;
    const o = document.createElement('option');
    o.value = v;
    o.textContent = v;
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
}

function showCounts(c) {
  $('count-total').textContent = c.total;
  $('count-online').textContent = c.online;
  $('count-offline').textContent = c.offline;
  $('count-oos').textContent = c.out_of_service;
  $('count-paper').textContent = c.paper;
  $('count-alerts').textContent = c.alerts;
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

const res = await fetch('/api/fleet', { headers: { accept: 'application/json' } });
if (res.status === 401) location.href = '/login';
const first = await res.json();
for (const r of first.rows) rows.set(r.key, r);
refreshOptions();
showCounts(first.counts);
render();

const stream = new EventSource('/api/stream');
stream.addEventListener('rows', (e) => {
  let newKiosk = false;
  for (const r of JSON.parse(e.data)) {
    if (!rows.has(r.key)) newKiosk = true;
    rows.set(r.key, r);
  }
  if (newKiosk) refreshOptions();
  schedule();
});
stream.addEventListener('counts', (e) => showCounts(JSON.parse(e.data)));
