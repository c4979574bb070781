import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Alerts, alertKinds, compareVersions, DEFAULT_ALERT_SETTINGS } from '../../src/dashboard/alerts.ts';
import type { FleetRow } from '../../src/dashboard/fleet.ts';
import { emptyRollout } from '../../src/dashboard/rollout.ts';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

function row(patch: Partial<FleetRow> = {}): FleetRow {
  return {
    key: '1809102004/k1',
    village: '1809102004',
    device: 'k1',
    village_name: 'Hanura',
    kecamatan: 'Teluk Pandan',
    kabupaten: 'Pesawaran',
    availability: 'online',
    since: NOW - DAY,
    flow_state: 'idle',
    out_of_service: [],
    remote_reason: null,
    printer: 'ready',
    reader_present: true,
    clock_trusted: true,
    outbox_depth: 0,
    version: '1.2.0',
    uptime_s: 100,
    letters_today: 3,
    last_seen: NOW,
    outbox_growing_since: null,
    failures_in_a_row: 0,
    live: true,
    ...emptyRollout(),
    ...patch,
  };
}

const fleet = { newest: '1.2.0', newestSince: NOW - 30 * DAY };
const cases: [string, Partial<FleetRow>, string[], typeof fleet?][] = [
  ['healthy', {}, []],
  ['offline 59 min: not yet', { availability: 'offline', since: NOW - 59 * MIN }, []],
  ['offline 60 min', { availability: 'offline', since: NOW - 60 * MIN }, ['offline']],
  [
    'offline hides its stale state',
    { availability: 'offline', since: NOW - DAY, printer: 'paper_out' },
    ['offline'],
  ],
  ['paper out', { printer: 'paper_out', out_of_service: ['paper_out'] }, ['paper_out']],
  ['paper near end', { printer: 'paper_near_end' }, ['paper_near_end']],
  ['cover open', { printer: 'cover_open', out_of_service: ['cover_open'] }, ['cover_open']],
  ['reader missing', { reader_present: false, out_of_service: ['reader_missing'] }, ['reader_missing']],
  ['clock', { clock_trusted: false, out_of_service: ['clock_untrusted'] }, ['clock_untrusted']],
  ['data', { out_of_service: ['data_unavailable'] }, ['data_unavailable']],
  ['register damaged', { out_of_service: ['register_damaged'] }, ['register_damaged']],
  ['storage full', { out_of_service: ['storage_full'] }, ['storage_full']],
  ['outbox growing 59 min', { outbox_growing_since: NOW - 59 * MIN, outbox_depth: 9 }, []],
  ['outbox growing 61 min', { outbox_growing_since: NOW - 61 * MIN, outbox_depth: 9 }, ['outbox_growing']],
  ['old version, newest out 30 days', { version: '1.1.9' }, ['version_old']],
  [
    'old version during a rollout',
    { version: '1.1.9' },
    [],
    { newest: '1.2.0', newestSince: NOW - 13 * DAY },
  ],
  ['letters failing', { failures_in_a_row: 3 }, ['letters_failing']],
  ['two failures', { failures_in_a_row: 2 }, []],
  ['update failed (state)', { update_state: 'failed', update_version: '1.3.0' }, ['update_failed']],
  ['rolled back (state)', { update_state: 'rolled_back', update_version: '1.3.0' }, ['rolled_back']],
  [
    'rolled back (event only: a v1 state)',
    { update_problem: { kind: 'rolled_back', version: '1.3.0', to: '1.2.0', reason: 'health', time: NOW } },
    ['rolled_back'],
  ],
  ['update under way', { update_state: 'waiting_quiet', update_version: '1.3.0' }, []],
  [
    'a new order after a failure',
    {
      update_state: 'downloading',
      update_problem: { kind: 'failed', version: '1.3.0', reason: 'hash', to: null, time: NOW },
    },
    [],
  ],
];

for (const [name, patch, kinds, f] of cases) {
  test(`alert rule: ${name}`, () => {
    const got = alertKinds(row(patch), NOW, DEFAULT_ALERT_SETTINGS, f ?? fleet).map((a) => a.kind);
    assert.equal(got, kinds);
  });
}

test('an update alert starts when the failure happened and says what failed', () => {
  const got = alertKinds(
    row({
      update_state: 'rolled_back',
      update_problem: {
        kind: 'rolled_back',
        version: '1.3.0',
        to: '1.2.0',
        reason: 'not ready',
        time: NOW - MIN,
      },
    }),
    NOW,
    DEFAULT_ALERT_SETTINGS,
    fleet,
  );
  assert.equal(got, [{ kind: 'rolled_back', since: NOW - MIN, detail: '1.3.0 → 1.2.0: not ready' }]);
});

test('versions compare numerically; a pre-release sorts before its release', () => {
  assert.is(compareVersions('1.10.0', '1.9.0'), 1);
  assert.is(compareVersions('1.2.0', '1.2.0'), 0);
  assert.is(compareVersions('1.2.0-rc.1', '1.2.0'), -1);
  assert.is(compareVersions('v2.0.0', '1.99.0'), 1);
});

test('alerts: since-when kept across evaluations, oldest first, muted kiosk left out, new ones reported once', () => {
  const a = new Alerts(DEFAULT_ALERT_SETTINGS);
  const r1 = row({ printer: 'paper_out' });
  const r2 = row({ key: '1809102004/k2', device: 'k2', availability: 'offline', since: NOW - 2 * 3600_000 });
  const first = a.evaluate([r1, r2], NOW, fleet, new Map(), new Map());
  assert.equal(
    first.alerts.map((x) => [x.key, x.since]),
    [
      ['1809102004/k2:offline', NOW - 2 * 3600_000],
      ['1809102004/k1:paper_out', NOW],
    ],
  );
  assert.is(first.fresh.length, 2);
  const later = a.evaluate([r1, r2], NOW + MIN, fleet, new Map(), new Map());
  assert.is(later.alerts[1]?.since, NOW, 'paper out since the first time it was seen');
  assert.is(later.fresh.length, 0);
  const mute = { kiosk: r2.key, reason: 'perbaikan', until: NOW + DAY, by: 'siti', at: NOW };
  const muted = a.evaluate([r1, r2], NOW + 2 * MIN, fleet, new Map([[r2.key, mute]]), new Map());
  assert.equal(muted.cleared, ['1809102004/k2:offline'], 'ended: its acknowledgement goes');
  assert.equal(first.cleared, [], 'nothing ends on the first evaluation (after a restart)');
  assert.equal(
    muted.alerts.map((x) => x.kind),
    ['paper_out'],
  );
});

test('alerts: raised before a restart keep their since-when, are not fresh again, and wait for their kiosk', () => {
  const before = new Map([['1809102004/k1:paper_out', NOW - DAY]]);
  const a = new Alerts(DEFAULT_ALERT_SETTINGS, before);
  const waiting = a.evaluate([row({ live: false })], NOW, fleet, new Map(), new Map());
  assert.equal(waiting.cleared, [], 'not ended while its kiosk has not spoken yet');
  const back = a.evaluate([row({ printer: 'paper_out' })], NOW + MIN, fleet, new Map(), new Map());
  assert.equal(
    back.alerts.map((x) => x.since),
    [NOW - DAY],
  );
  assert.is(back.fresh.length, 0, 'the webhook does not announce it again');
});

test.run();
