import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuTemperature } from '../../src/mqtt/telemetry.ts';
import { clientIdFor, fleetFilters, kioskTopics, parseTopic } from '../../src/mqtt/topics.ts';

test('topics of one kiosk follow anjungan/<village>/<device>/…', () => {
  const t = kioskTopics('1809102004', 'kiosk-01');
  assert.is(t.availability, 'anjungan/1809102004/kiosk-01/availability');
  assert.is(t.state, 'anjungan/1809102004/kiosk-01/state');
  assert.is(t.telemetry, 'anjungan/1809102004/kiosk-01/telemetry');
  assert.is(t.event('letter_issued'), 'anjungan/1809102004/kiosk-01/event/letter_issued');
  assert.is(t.cmd('ping'), 'anjungan/1809102004/kiosk-01/cmd/ping');
  assert.is(t.cmdFilter, 'anjungan/1809102004/kiosk-01/cmd/+');
  assert.is(clientIdFor('1809102004', 'kiosk-01'), 'anjungan-1809102004-kiosk-01');
  assert.throws(() => kioskTopics('1809102004', 'kiosk/01'));
  assert.throws(() => kioskTopics('18#', 'k'));
});

const rows: [string, ReturnType<typeof parseTopic>][] = [
  ['anjungan/1809102004/kiosk-01/state', { village: '1809102004', device: 'kiosk-01', kind: 'state' }],
  [
    'anjungan/1809102004/kiosk-01/event/paper_out',
    { village: '1809102004', device: 'kiosk-01', kind: 'event', name: 'paper_out' },
  ],
  [
    'anjungan/1809102004/kiosk-01/cmd/ping',
    { village: '1809102004', device: 'kiosk-01', kind: 'cmd', name: 'ping' },
  ],
  ['anjungan/1809102004/kiosk-01/event', null],
  ['anjungan/1809102004/kiosk-01/state/x', null],
  ['zigbee2mqtt/bridge/state', null],
  ['anjungan-district/replies/ab', null],
];
for (const [topic, expected] of rows) {
  test(`parseTopic(${topic})`, () => assert.equal(parseTopic(topic), expected));
}

test('fleet filters: every village or one', () => {
  assert.ok(fleetFilters().includes('anjungan/+/+/state'));
  assert.ok(fleetFilters('1809102004').includes('anjungan/1809102004/+/availability'));
});

test('CPU temperature: the SoC zone from /sys/class/thermal, null where there is none', async () => {
  const root = mkdtempSync(join(tmpdir(), 'anj-'));
  try {
    assert.is(await cpuTemperature(join(root, 'missing')), null);
    for (const [zone, type, milli] of [
      ['thermal_zone0', 'acpitz', '27800'],
      ['thermal_zone1', 'cpu-thermal', '48312'],
    ] as const) {
      mkdirSync(join(root, zone));
      writeFileSync(join(root, zone, 'type'), `${type}\n`);
      writeFileSync(join(root, zone, 'temp'), `${milli}\n`);
    }
    assert.is(await cpuTemperature(root), 48.3);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
