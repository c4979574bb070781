/**
 * Remote diagnostics against a real daemon and a real Mosquitto: `cmd/logs` answers with the last
 * lines of the kiosk's own log file, gzip-compressed, with no NIK at all (not even masked) but the
 * resident reference; `cmd/health` answers with the running kiosk's own checks; an operator key
 * may not ask for either.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { sendCommand } from '../../src/mqtt/district-client.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import { demoResidents } from '../../src/store/demo-data.ts';
import { runCli } from '../support/cli-process.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { Watcher } from '../support/mosquitto-harness.ts';
import { provisionMqttKiosk } from '../support/mqtt-daemon.ts';
import { issueLetter } from '../support/sim-kiosk.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const available = mosquittoAvailable();
const district = generateDistrictKeyPair();
const operator = generateDistrictKeyPair();

test('cmd/logs: the last lines, gzip, no NIK even masked; cmd/health: PASS/FAIL; not for an operator key', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-diag-'));
  const config = await provisionMqttKiosk(dir, broker.url, {
    district_public_key: district.publicKeyPem,
    operator_public_keys: [operator.publicKeyPem],
  });
  const kiosk = new DaemonProcess(['run', '--config', config], {});
  const send = (name: string, args: Record<string, unknown>, key = district.privateKeyPem) =>
    sendCommand({
      url: broker.url,
      village: '1809102004',
      device: 'kiosk-mqtt',
      name,
      args,
      privateKeyPem: key,
    });
  try {
    await watcher.waitFor(
      'online',
      () => watcher.on('anjungan/1809102004/kiosk-mqtt/availability').some((m) => m.text === 'online'),
      PROCESS_START_MS,
    );
    await issueLetter(kiosk);
    // The village's own journal has the masked NIK of the letter's resident: the reply must not.
    assert.match(kiosk.stderr, /"nik":"\*+\d{4}"/);

    const logs = await send('logs', { max_lines: 200 });
    assert.is(logs.ok, true, JSON.stringify(logs));
    assert.is(payloadErrors('response', logs), null);
    const result = logs.result as { lines: number; data: string; encoding: string; truncated: boolean };
    assert.is(result.encoding, 'gzip+base64');
    assert.ok(result.data.length <= 256 * 1024);
    const text = gunzipSync(Buffer.from(result.data, 'base64')).toString('utf8');
    const lines = text.trim().split('\n');
    assert.is(lines.length, result.lines);
    assert.ok(lines.length > 3 && lines.length <= 200);
    assert.ok(
      lines.some((l) => l.includes('"resident_ref"')),
      'the letter line carries the resident reference',
    );
    assert.not.match(text, /\*{4,}\d/, 'no masked NIK');
    assert.not.match(text, /"nik"/, 'no nik field');
    for (const r of demoResidents()) {
      assert.not.ok(text.includes(r.nik), 'no full NIK');
    }

    const health = await send('health', {});
    assert.is(health.ok, true, JSON.stringify(health));
    const checks = (health.result as { checks: { name: string; ok: boolean }[] }).checks;
    assert.equal(
      checks.map((c) => c.name),
      ['printer', 'reader', 'data', 'register', 'clock', 'disk', 'broker'],
    );
    assert.ok(
      checks.every((c) => c.ok),
      JSON.stringify(checks),
    );

    // The district-side CLI prints them as text.
    const keyFile = join(dir, 'district.key');
    writeFileSync(keyFile, district.privateKeyPem, { mode: 0o600 });
    const cli = await runCli([
      'command',
      '1809102004/kiosk-mqtt',
      'health',
      '--key',
      keyFile,
      '--url',
      broker.url,
    ]);
    assert.is(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^PASS printer +ready/m);
    assert.match(cli.stdout, /^PASS broker +connected$/m);

    for (const name of ['logs', 'health']) {
      const refused = await send(name, {}, operator.privateKeyPem);
      assert.is(refused.ok, false);
      assert.is(refused.error?.reason, 'not_permitted');
    }
    const bad = await send('logs', { max_lines: 0 });
    assert.is(bad.error?.reason, 'bad_args');
  } finally {
    kiosk.child.kill('SIGTERM');
    await kiosk.exit;
    await watcher.close();
    await broker.close();
  }
});

test.run();
