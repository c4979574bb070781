/**
 * A kiosk's update and remote settings history: what each event of issue 11 keeps in the
 * history store (`sub`, `detail`), the readable line the kiosk page shows for it, and that
 * page's section. Remote settings show key names only, never values (the event carries none).
 */
import type { FleetRow } from './fleet.ts';
import { html, when } from './html.ts';
import { updateSummary } from './rollout.ts';
import type { StoredEvent } from './store.ts';

export const HISTORY_TYPES = [
  'update_available',
  'update_started',
  'update_done',
  'update_failed',
  'rolled_back',
  'config_applied',
  'config_refused',
] as const;

const DETAIL_MAX = 300;
const RELEASE = /^[0-9]+\.[0-9]+\.[0-9]+$/;
const KEY_PATH = /^[a-z0-9_]+(\.[A-Za-z0-9_-]+)*$/;

function release(v: unknown): string | null {
  return typeof v === 'string' && RELEASE.test(v) ? v : null;
}

function short(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null;
}

function strings(v: unknown, ok: (s: string) => boolean): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && ok(s)) : [];
}

function cap(text: string): string {
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text;
}

/**
 * What an update or config event keeps: `sub` the release (or settings version), `detail` what
 * the line needs. Null for other types (fleet.ts keeps its default). Checked like every field
 * from the wire: a malformed one is stored as unknown, never thrown on.
 */
export function historyFields(
  type: string,
  e: Record<string, unknown>,
): { sub: string | null; detail: string | null } | null {
  const version = (): string | null =>
    typeof e.version === 'number' && Number.isInteger(e.version) ? String(e.version) : null;
  switch (type) {
    case 'update_available':
      return {
        sub: release(e.version),
        detail: typeof e.size === 'number' && e.size > 0 ? String(Math.round(e.size)) : null,
      };
    case 'update_started':
    case 'update_done':
      return { sub: release(e.version), detail: null };
    case 'update_failed': {
      const reason = short(e.reason, 20)?.replace(/\s/g, '_') ?? '?';
      const detail = short(e.detail, DETAIL_MAX);
      return { sub: release(e.version), detail: cap(detail ? `${reason} ${detail}` : reason) };
    }
    case 'rolled_back':
      return {
        sub: release(e.from),
        detail: cap(`${short(e.to, 40)?.replace(/\s/g, '') ?? '?'} (${short(e.reason, DETAIL_MAX) ?? ''})`),
      };
    case 'config_applied':
      return { sub: version(), detail: cap(strings(e.keys, (k) => KEY_PATH.test(k)).join(', ')) };
    case 'config_refused':
      return { sub: version(), detail: cap(strings(e.reasons, () => true).join('; ')) };
    default:
      return null;
  }
}

/** The kiosk page's line for a stored event of HISTORY_TYPES (Bahasa Indonesia, for district staff). */
export function historyLine(e: Pick<StoredEvent, 'type' | 'sub' | 'detail'>): string {
  const v = e.sub ?? '?';
  switch (e.type) {
    case 'update_available': {
      const mb = e.detail ? ` (${(Number(e.detail) / 2 ** 20).toFixed(1)} MB)` : '';
      return `${v} tersedia, sedang diunduh${mb}`;
    }
    case 'update_started':
      return `${v} sedang dipasang`;
    case 'update_done':
      return `${v} terpasang`;
    case 'update_failed': {
      const [reason = '?', ...rest] = (e.detail ?? '?').split(' ');
      return `pembaruan ${v} gagal: ${reason}${rest.length ? ` (${rest.join(' ')})` : ''}`;
    }
    case 'rolled_back': {
      const m = /^(\S+) \((.*)\)$/s.exec(e.detail ?? '');
      return `dikembalikan ${v} → ${m?.[1] ?? '?'}${m?.[2] ? ` (${m[2]})` : ''}`;
    }
    case 'config_applied':
      return `setelan jarak jauh v${v} diterapkan${e.detail ? `: ${e.detail}` : ''}`;
    case 'config_refused':
      return `setelan jarak jauh ${e.sub ? `v${e.sub} ` : ''}ditolak: ${e.detail ?? '?'}`;
    default:
      return e.type;
  }
}

/** The kiosk page's section: where its update stands, its settings, and the history lines. */
export function updateSection(row: FleetRow, events: StoredEvent[], tz: string) {
  const hash = row.config_hash ? row.config_hash.slice(0, 12) : '-';
  const stale = row.availability === 'offline' ? html` <span class="stale">(terakhir diketahui)</span>` : '';
  return html`<h2>Pembaruan dan setelan jarak jauh</h2>
<dl class="update-facts" id="kiosk-update"><dt>Versi berjalan</dt><dd>${row.version ?? '-'}${stale}</dd>
<dt>Pembaruan</dt><dd id="kiosk-update-state">${updateSummary(row)}</dd>
<dt>Menunggu dipasang</dt><dd>${row.update_available ?? '-'}</dd>
<dt>Setelan jarak jauh</dt><dd id="kiosk-remote-config">${row.remote_config_version === null ? 'tidak ada' : `v${row.remote_config_version}`}</dd>
<dt>Hash setelan</dt><dd><code title="${row.config_hash ?? ''}">${hash}</code></dd></dl>
<ul id="update-history">${events.map((e) => html`<li>${when(e.time, tz)}: ${historyLine(e)}</li>`)}</ul>`;
}
