import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.ts';
import { parseListen } from '../../src/commands/dashboard.ts';
import {
  hashPassword,
  SESSION_IDLE_MS,
  Sessions,
  sameToken,
  verifyPassword,
} from '../../src/dashboard/auth.ts';
import { esc, html } from '../../src/dashboard/html.ts';
import { Regions } from '../../src/dashboard/regions.ts';
import { HistoryStore, localDay, RETENTION, type StoredEvent } from '../../src/dashboard/store.ts';
import { FleetView } from '../../src/mqtt/fleet-view.ts';
import { tempDir } from '../support/mosquitto-harness.ts';
import { TextSink } from '../support/wait.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-04T10:00:00Z');

function ev(id: string, time: number, type = 'letter_issued'): StoredEvent {
  return {
    id,
    kiosk: '1809102004/k1',
    type,
    time,
    day: localDay(time, 'Asia/Jakarta'),
    sub: 'domisili',
    detail: null,
  };
}

test('store: an event counts once by its id, on its own local day; too old to tell is refused', () => {
  const s = new HistoryStore(tempDir());
  try {
    // 20:00 UTC is already the next day in Jakarta (UTC+7).
    const late = Date.parse('2026-12-03T20:00:00Z');
    assert.ok(s.addEvent(ev('a', late), NOW));
    assert.not.ok(s.addEvent(ev('a', late), NOW), 'redelivery');
    assert.ok(s.addEvent(ev('b', late - DAY), NOW));
    assert.not.ok(
      s.addEvent(ev('c', NOW - (RETENTION.idsDays + 1) * DAY), NOW),
      'older than the ids are kept',
    );
    assert.equal(
      s.daily(null, 'letter_issued', '2026-12-01').map((d) => [d.day, d.n]),
      [
        ['2026-12-03', 1],
        ['2026-12-04', 1],
      ],
    );
  } finally {
    s.close();
  }
});

test('store: retention prunes raw events (90 days) and telemetry (30) but keeps daily counts and ids', () => {
  const s = new HistoryStore(tempDir());
  try {
    const old = NOW - 91 * DAY;
    s.addEvent(ev('old', old), NOW);
    s.addTelemetry('1809102004/k1', NOW - 31 * DAY, {
      cpu_temp_c: 50,
      memory_used_pct: 40,
      disk_free_mb: 900,
      outbox_depth: 0,
    });
    s.addTelemetry('1809102004/k1', NOW - 60_000, {
      cpu_temp_c: 51,
      memory_used_pct: 41,
      disk_free_mb: 900,
      outbox_depth: 0,
    });
    s.addTelemetry('1809102004/k1', NOW, {
      cpu_temp_c: 52,
      memory_used_pct: 41,
      disk_free_mb: 900,
      outbox_depth: 0,
    });
    assert.equal(s.prune(NOW), { events: 1, telemetry: 1 });
    assert.is(s.events('1809102004/k1', 0).length, 0);
    assert.is(s.daily(null, 'letter_issued', '2000-01-01').length, 1, 'daily count kept');
    assert.not.ok(s.addEvent(ev('old', old), NOW), 'its id still known');
    const t = s.telemetry('1809102004/k1', 0);
    assert.ok(t.length >= 1 && t.length <= 2, 'one sample per 15-minute slot');
  } finally {
    s.close();
  }
});

test('store: availability keeps since-when while unchanged', () => {
  const s = new HistoryStore(tempDir());
  try {
    assert.is(s.setAvailability('k', 'online', 1000), 1000);
    assert.is(s.setAvailability('k', 'online', 2000), 1000);
    assert.is(s.setAvailability('k', 'offline', 3000), 3000);
    assert.equal(
      s.transitions('k', 0).map((t) => t.status),
      ['online', 'offline'],
    );
  } finally {
    s.close();
  }
});

test('auth: scrypt hashes verify only the right password; sessions end when idle', () => {
  const h = hashPassword('kata-sandi-panjang');
  assert.match(h, /^scrypt\$32768\$8\$1\$/);
  assert.ok(verifyPassword('kata-sandi-panjang', h));
  assert.not.ok(verifyPassword('kata-sandi-panjanG', h));
  assert.not.ok(verifyPassword('x', 'plain'));
  const sessions = new Sessions();
  const { token, session } = sessions.create('siti', 'operator', 0);
  assert.is(sessions.get(token, 1000)?.user, 'siti');
  assert.ok(sameToken(session.csrf, session.csrf));
  assert.not.ok(sameToken(undefined, session.csrf));
  assert.not.ok(sameToken(`${session.csrf}x`, session.csrf));
  assert.is(sessions.get(token, 1000 + SESSION_IDLE_MS + 1), null);
});

test('html escapes every interpolated value', () => {
  assert.is(esc(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  assert.is(html`<td>${'<script>'}</td>${html`<b>${'&'}</b>`}`.text, '<td>&lt;script&gt;</td><b>&amp;</b>');
});

test('regions: names of a village code from the shipped Lampung list', () => {
  const r = Regions.load();
  assert.ok(r.size > 2800);
  assert.equal(r.lookup('1809102004'), {
    village_name: 'Hanura',
    kecamatan: 'Teluk Pandan',
    kabupaten: 'Kabupaten Pesawaran',
  });
  assert.equal(r.lookup('9999999999'), { village_name: null, kecamatan: null, kabupaten: null });
});

test('--listen parses HOST:PORT and [v6]:PORT', () => {
  assert.equal(parseListen('127.0.0.1:8090'), { host: '127.0.0.1', port: 8090 });
  assert.equal(parseListen('[::1]:8090'), { host: '::1', port: 8090 });
  assert.throws(() => parseListen('8090'));
});

test('--no-auth is refused on an address other than loopback (exit 2, before any connection)', async () => {
  const out = new TextSink();
  const err = new TextSink();
  const io = { stdout: out.stream, stderr: err.stream, stdin: process.stdin, env: {} };
  const code = await main(['dashboard', '--no-auth', '--listen', '0.0.0.0:8090', '--data', tempDir()], io);
  assert.is(code, 2);
  assert.match(err.text, /--no-auth is only accepted on a loopback address/);
});

test('--config FILE: options by long name, refused like flags (no-auth off loopback)', async () => {
  const dir = tempDir();
  const file = `${dir}/dashboard.json`;
  writeFileSync(file, JSON.stringify({ 'no-auth': true, listen: '192.0.2.1:8090', data: dir }));
  const err = new TextSink();
  const io = { stdout: new TextSink().stream, stderr: err.stream, stdin: process.stdin, env: {} };
  assert.is(await main(['dashboard', '--config', file], io), 2);
  assert.match(err.text, /not 192\.0\.2\.1/);
});

test('monitor reads state v1 and v2 alike', () => {
  const view = new FleetView({ url: 'mqtt://unused' });
  const base = {
    flow_state: 'idle',
    out_of_service: [],
    printer: 'ready',
    letters_today: 2,
    outbox_depth: 0,
    version: '0.1.0',
  };
  view.ingest('anjungan/1809102004/a/state', Buffer.from(JSON.stringify({ v: 1, ...base })));
  view.ingest(
    'anjungan/1809102004/b/state',
    Buffer.from(JSON.stringify({ v: 2, village_name: 'Hanura', ...base })),
  );
  assert.equal(
    view.rows().map((r) => [r.device, r.letters_today, r.printer]),
    [
      ['a', 2, 'ready'],
      ['b', 2, 'ready'],
    ],
  );
});

test.run();
