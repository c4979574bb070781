/**
 * The verification page: reads a letter's code from the URL fragment (what a phone's camera
 * opens), a pasted text or the camera (BarcodeDetector), judges it against the district's
 * signed key list (embedded; refreshed from keys.json when online) and shows the verdict in
 * Bahasa Indonesia. Nothing personal is shown: the code carries nothing personal.
 */
import type { KeyListPayload, SignedKeyList } from '../../src/keylist/keylist.ts';
import { chooseKeyList, isSignedKeyList } from '../../src/keylist/list-choice.ts';
import { type Judgement, judgeToken } from '../../src/keylist/verdict.ts';
import { formatIsoTanggal } from '../../src/letters/text-layout.ts';
import { engine, verifyEd25519 } from './ed25519.ts';

interface Embedded {
  district_key: string;
  list: SignedKeyList;
}

const DAY_MS = 86_400_000;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const embedded = JSON.parse($('anjungan-keylist').textContent ?? 'null') as Embedded | null;
let list: KeyListPayload | null = null;
let fetchFailed = location.protocol === 'file:';

function notice(text: string, kind: 'warn' | 'info' = 'warn'): void {
  const p = document.createElement('p');
  p.className = kind === 'warn' ? 'notice' : 'notice info';
  p.textContent = text;
  $('notices').append(p);
}

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function show(j: Judgement): void {
  const box = $('result');
  box.hidden = false;
  box.className = j.verdict === 'ASLI' ? 'ok' : j.verdict === 'KEDALUWARSA' ? 'warn' : 'bad';
  $('verdict').textContent = j.verdict;
  $('detail').textContent = j.detail;
  $('pengantar').hidden = !(j.claims?.policy === 'pengantar' && j.verdict !== 'TIDAK SAH');
  const dl = $('claims');
  dl.replaceChildren();
  dl.hidden = !j.claims || !j.key;
  if (!j.claims || !j.key) return;
  const c = j.claims;
  const k = j.key;
  const sebutan = k.village_kind === 'kelurahan' ? 'Kelurahan' : 'Desa';
  const rows: [string, string][] = [
    ['Nomor surat', c.number],
    ['Jenis surat', k.letter_types?.[c.type] ?? c.type],
    [
      'Sifat',
      c.policy === 'pengantar'
        ? 'Surat pengantar'
        : c.policy === 'final'
          ? 'Surat final (terbit di anjungan)'
          : 'Tidak tercantum (kode lama)',
    ],
    ['Tanggal terbit', formatIsoTanggal(c.issued)],
    ['Berlaku sampai', c.valid_until ? formatIsoTanggal(c.valid_until) : 'Tidak tercantum'],
    [sebutan, `${k.village_name} (${c.village})`],
    ['Kecamatan', k.kecamatan],
    ['Kabupaten', k.kabupaten],
    ['Anjungan', c.device ?? k.device_id],
  ];
  if (j.revocation) rows.push(['Dicabut pada', formatIsoTanggal(j.revocation.revoked_at.slice(0, 10))]);
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

async function check(text: string): Promise<void> {
  if (text.trim() === '') return;
  if (!list) {
    show({
      verdict: 'KUNCI TIDAK DIKENAL',
      detail: 'Halaman ini belum berisi daftar kunci kabupaten.',
      claims: null,
      key: null,
      revocation: null,
    });
    return;
  }
  show(await judgeToken(text, list, localToday(), verifyEd25519));
  // Time to the first verdict, for the benchmark (performance.getEntriesByName('verdict')).
  if (performance.getEntriesByName('verdict').length === 0) performance.mark('verdict');
  // Which code this verdict is for, so that a reader (or a test) knows it is not a stale one.
  $('verdict').dataset.for = text;
  listInfo();
}

function fromFragment(): string {
  return location.hash.length > 1 ? location.hash.slice(1) : '';
}

function listInfo(): void {
  if (!list) return;
  const updated = list.updated_at.slice(0, 10);
  const stale = Date.now() - Date.parse(list.updated_at) > DAY_MS;
  const offline = fetchFailed || navigator.onLine === false;
  $('listinfo').textContent =
    `Daftar kunci nomor ${list.serial}, ${list.keys.length} anjungan, per ${formatIsoTanggal(updated)}. ` +
    (offline && stale ? `Status pencabutan per ${formatIsoTanggal(updated)} (halaman sedang luring). ` : '') +
    `Pemeriksaan: ${engine()}.`;
}

/** Over HTTP(S): a newer signed list from keys.json, and the service worker for offline use. */
async function refresh(current: Embedded): Promise<void> {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => undefined);
  let fetched: unknown;
  try {
    const response = await fetch('keys.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(String(response.status));
    fetched = await response.json();
  } catch {
    fetchFailed = true;
    listInfo();
    return;
  }
  const chosen = await chooseKeyList(current.list, fetched, current.district_key, verifyEd25519);
  if (chosen.notice) notice(chosen.notice);
  if (chosen.list !== current.list) {
    list = chosen.list.payload;
    current.list = chosen.list;
    await check(fromFragment() || $<HTMLTextAreaElement>('code').value);
  }
  listInfo();
}

/** The phone's camera through BarcodeDetector, where the browser has it. */
function setUpCamera(): void {
  const Detector = (
    globalThis as {
      BarcodeDetector?: new (o: {
        formats: string[];
      }) => { detect(v: HTMLVideoElement): Promise<{ rawValue: string }[]> };
    }
  ).BarcodeDetector;
  if (!Detector || !navigator.mediaDevices?.getUserMedia) return;
  const button = $('scan');
  button.hidden = false;
  button.addEventListener('click', async () => {
    const video = $<HTMLVideoElement>('camera');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch {
      notice('Kamera tidak dapat dibuka. Tempel teks kode QR di bawah.', 'info');
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const detector = new Detector({ formats: ['qr_code'] });
    const stop = () => {
      for (const t of stream.getTracks()) t.stop();
      video.hidden = true;
    };
    const tick = async () => {
      const codes = await detector.detect(video).catch(() => []);
      const code = codes[0]?.rawValue;
      if (code) {
        stop();
        $<HTMLTextAreaElement>('code').value = code;
        await check(code);
      } else if (!video.hidden) requestAnimationFrame(() => void tick());
    };
    void tick();
  });
}

async function start(): Promise<void> {
  if (embedded && (await isSignedKeyList(embedded.list, embedded.district_key, verifyEd25519))) {
    list = embedded.list.payload;
  } else {
    notice(
      embedded
        ? 'Daftar kunci di halaman ini tidak sah.'
        : 'Halaman ini belum berisi daftar kunci kabupaten.',
    );
  }
  $('check').addEventListener('click', () => void check($<HTMLTextAreaElement>('code').value));
  window.addEventListener('hashchange', () => void check(fromFragment()));
  setUpCamera();
  await check(fromFragment());
  listInfo();
  if (embedded && list) await refresh(embedded);
  document.body.dataset.ready = 'true';
}

void start();
