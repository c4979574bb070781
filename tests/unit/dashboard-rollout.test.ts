/**
 * The dashboard's view of online updates and remote settings (issue 11): state v2 and the
 * update/config events as a kiosk publishes them (validated against docs/schemas) become row
 * fields, readable history lines and a fleet summary; the last update problem survives a
 * dashboard restart; offline kiosks count with their last known values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Fleet } from '../../src/dashboard/fleet.ts';
import { Regions } from '../../src/dashboard/regions.ts';
import { rolloutOf } from '../../src/dashboard/rollout.ts';
import { HistoryStore } from '../../src/dashboard/store.ts';
import { HISTORY_TYPES, historyLine } from '../../src/dashboard/update-history.ts';
import { kioskEvent, kioskState } from '../support/dashboard-fixtures.ts';
import { tempDir } from '../support/mosquitto-harness.ts';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const VILLAGE = '1809102004';
const HASH = 'ab'.repeat(32);
const stateV2 = (device: string, fields: Record<string, unknown>) => kioskState(VILLAGE, device, fields, NOW);
const eventOf = (device: string, type: string, fields: Record<string, unknown>, at = NOW) =>
  kioskEvent(VILLAGE, device, type, fields, at);

const topic = (device: string, rest: string) => `anjungan/${VILLAGE}/${device}/${rest}`;

function fleetIn(dir: string) {
  const store = new HistoryStore(dir);
  return { store, fleet: new Fleet(store, Regions.load(), 'Asia/Jakarta') };
}

test('state v2 and update events become row fields, lines and a summary; the problem survives a restart', () => {
  const dir = tempDir();
  let { store, fleet } = fleetIn(dir);
  fleet.ingest(topic('k1', 'state'), stateV2('k1', { version: '0.2.0', remote_config_version: 5 }), NOW);
  fleet.ingest(topic('k2', 'availability'), Buffer.from('online'), NOW);
  fleet.ingest(
    topic('k2', 'state'),
    stateV2('k2', { update: { version: '0.2.0', state: 'failed', available: null } }),
    NOW,
  );
  fleet.ingest(
    topic('k2', 'event/update_available'),
    eventOf('k2', 'update_available', { version: '0.2.0', size: 3 * 2 ** 20 }, NOW - 3000),
    NOW,
  );
  fleet.ingest(
    topic('k2', 'event/update_failed'),
    eventOf(
      'k2',
      'update_failed',
      { version: '0.2.0', reason: 'hash', detail: 'sha256 differs' },
      NOW - 2000,
    ),
    NOW,
  );
  fleet.ingest(topic('k3', 'availability'), Buffer.from('online'), NOW);
  fleet.ingest(
    topic('k3', 'state'),
    stateV2('k3', { update: { version: '0.2.0', state: 'rolled_back', available: null } }),
    NOW,
  );
  // The rollback and the update_failed (health) that goes with it, in the order the kiosk sends them.
  fleet.ingest(
    topic('k3', 'event/rolled_back'),
    eventOf(
      'k3',
      'rolled_back',
      { from: '0.2.0', to: '0.1.0', reason: 'not ready within 120 s' },
      NOW - 2000,
    ),
    NOW,
  );
  fleet.ingest(
    topic('k3', 'event/update_failed'),
    eventOf('k3', 'update_failed', { version: '0.2.0', reason: 'health', detail: 'rolled back' }, NOW - 1000),
    NOW,
  );
  fleet.ingest(
    topic('k1', 'event/config_applied'),
    eventOf('k1', 'config_applied', {
      version: 5,
      config_hash: HASH,
      keys: ['village.head_name', 'village.head_title'],
      restart_needed: [],
    }),
    NOW,
  );
  fleet.ingest(topic('k3', 'availability'), Buffer.from('offline'), NOW + 1000);

  const k1 = fleet.get(`${VILLAGE}/k1`)!;
  const k2 = fleet.get(`${VILLAGE}/k2`)!;
  const k3 = fleet.get(`${VILLAGE}/k3`)!;
  assert.is(k1.config_hash, HASH);
  assert.is(k1.remote_config_version, 5);
  assert.is(k1.update_text, 'idle');
  assert.is(k2.update_text, 'failed 0.2.0: hash');
  assert.is(k3.update_text, 'rolled_back 0.2.0 → 0.1.0');
  // Offline: the last known values stay.
  assert.is(k3.availability, 'offline');
  assert.is(k3.version, '0.1.0');

  assert.equal(rolloutOf(fleet.all()), {
    versions: { '0.2.0': { n: 1, offline: 0 }, '0.1.0': { n: 2, offline: 1 } },
    update_states: {
      idle: { n: 1, offline: 0 },
      failed: { n: 1, offline: 0 },
      rolled_back: { n: 1, offline: 1 },
    },
    remote_config: { '5': { n: 1, offline: 0 }, '-': { n: 2, offline: 1 } },
  });

  const lines = (kiosk: string) =>
    store.eventsOfTypes(HISTORY_TYPES, 0, `${VILLAGE}/${kiosk}`).map((e) => historyLine(e));
  assert.equal(lines('k2'), [
    '0.2.0 tersedia, sedang diunduh (3.0 MB)',
    'pembaruan 0.2.0 gagal: hash (sha256 differs)',
  ]);
  assert.equal(lines('k3'), [
    'dikembalikan 0.2.0 → 0.1.0 (not ready within 120 s)',
    'pembaruan 0.2.0 gagal: health (rolled back)',
  ]);
  assert.equal(lines('k1'), ['setelan jarak jauh v5 diterapkan: village.head_name, village.head_title']);

  // A restart: the state is not yet heard again, the problem is known from the stored events.
  store.close();
  ({ store, fleet } = fleetIn(dir));
  assert.equal(fleet.get(`${VILLAGE}/k3`)?.update_problem, {
    kind: 'rolled_back',
    version: '0.2.0',
    to: '0.1.0',
    reason: 'not ready within 120 s',
    time: NOW - 2000,
  });
  assert.is(fleet.get(`${VILLAGE}/k2`)?.update_problem?.reason, 'hash');
  store.close();
});

test('a new order clears the last problem; a late older event does not bring it back', () => {
  const { store, fleet } = fleetIn(tempDir());
  const send = (type: string, fields: Record<string, unknown>, at: number) =>
    fleet.ingest(topic('k1', `event/${type}`), eventOf('k1', type, fields, at), NOW);
  send('update_failed', { version: '0.2.0', reason: 'download', detail: 'timed out' }, NOW - 5000);
  assert.is(fleet.get(`${VILLAGE}/k1`)?.update_problem?.kind, 'failed');
  send('update_available', { version: '0.2.1', size: 100 }, NOW - 3000);
  send('update_started', { version: '0.2.1' }, NOW - 2000);
  send('update_done', { version: '0.2.1' }, NOW - 1000);
  assert.is(fleet.get(`${VILLAGE}/k1`)?.update_problem, null);
  send('update_failed', { version: '0.2.0', reason: 'hash', detail: 'late' }, NOW - 4000);
  assert.is(fleet.get(`${VILLAGE}/k1`)?.update_problem, null);
  const lines = store.eventsOfTypes(HISTORY_TYPES, 0).map((e) => historyLine(e));
  assert.ok(lines.includes('0.2.1 terpasang'), lines.join('\n'));
  assert.ok(lines.includes('0.2.1 sedang dipasang'), lines.join('\n'));
  store.close();
});

test('a rollback and its update_failed (health) at the same millisecond, in either order, read as the rollback', () => {
  for (const order of [
    ['rolled_back', 'update_failed'],
    ['update_failed', 'rolled_back'],
  ]) {
    const { store, fleet } = fleetIn(tempDir());
    const fields: Record<string, Record<string, unknown>> = {
      rolled_back: { from: '0.3.0', to: '0.2.0', reason: 'reader missing' },
      update_failed: { version: '0.3.0', reason: 'health', detail: 'reader missing' },
    };
    for (const type of order)
      fleet.ingest(topic('k1', `event/${type}`), eventOf('k1', type, fields[type]!, NOW - 1000), NOW);
    assert.is(fleet.get(`${VILLAGE}/k1`)?.update_text, 'rolled_back 0.3.0 → 0.2.0', order.join(' then '));
    store.close();
  }
});

test('remote settings lines name keys only; a refusal shows its reasons', () => {
  const { store, fleet } = fleetIn(tempDir());
  fleet.ingest(
    topic('k1', 'event/config_applied'),
    eventOf('k1', 'config_applied', {
      version: 6,
      config_hash: HASH,
      keys: ['village.head_name'],
      restart_needed: [],
    }),
    NOW,
  );
  fleet.ingest(
    topic('k1', 'event/config_refused'),
    eventOf('k1', 'config_refused', { version: 7, reasons: ['/limits/per_day must be integer'] }, NOW + 1),
    NOW + 1,
  );
  const lines = store.eventsOfTypes(HISTORY_TYPES, 0).map((e) => historyLine(e));
  assert.equal(lines, [
    'setelan jarak jauh v6 diterapkan: village.head_name',
    'setelan jarak jauh v7 ditolak: /limits/per_day must be integer',
  ]);
  // A malformed event from the wire is stored as unknown, never thrown on.
  fleet.ingest(
    topic('k1', 'event/config_applied'),
    Buffer.from(JSON.stringify({ id: 'x1', type: 'config_applied', version: 'nine', keys: [1, 'a b'] })),
    NOW + 2,
  );
  assert.is(
    historyLine(store.eventsOfTypes(['config_applied'], NOW + 2)[0]!),
    'setelan jarak jauh v? diterapkan',
  );
  store.close();
});

test.run();
