/**
 * Remote settings against a real daemon process and a real Mosquitto: a signed `cmd/config`
 * sent with `anjungan command … config --patch` changes the running kiosk (the next letter
 * carries the new head name, a logo from the district's server once verified, an unknown card
 * meets the new limit, state the new hash and version, event config_applied); an invalid,
 * forbidden, unsigned or operator-signed one is refused and changes nothing; the layer survives a
 * restart; a corrupt config.d/remote.json leaves the kiosk on its local config, with a warning
 * naming the file and a config_refused event.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { configHash, remoteLayerPath } from '../../src/config/remote-layer.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { sendCommand } from '../../src/mqtt/district-client.ts';
import type { KioskRow } from '../../src/mqtt/fleet-view.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
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
const ROOT = 'anjungan/1809102004/kiosk-mqtt';

interface State {
  config_hash?: string;
  remote_config_version?: number | null;
}

test('cmd/config: applied live, refused with nothing changed, kept across restarts, a corrupt layer left out', async () => {
  if (!available) return;
  const broker = await startMosquitto();
  const watcher = await new Watcher(broker.url).start();
  const dir = mkdtempSync(join(tmpdir(), 'anj-remote-cfg-'));
  const config = await provisionMqttKiosk(dir, broker.url, {
    district_public_key: district.publicKeyPem,
    operator_public_keys: [operator.publicKeyPem],
  });
  const remoteFile = remoteLayerPath(config);
  const keyFile = join(dir, 'district.key');
  writeFileSync(keyFile, district.privateKeyPem, { mode: 0o600 });
  // States published since `mark` (an index into what the watcher saw): a restarted kiosk's own.
  let mark = 0;
  const states = () =>
    watcher.seen
      .slice(mark)
      .filter((m) => m.topic === `${ROOT}/state`)
      .map((m) => JSON.parse(m.text) as State);
  const events = (type: string) =>
    watcher.on(`${ROOT}/event/${type}`).map((m) => JSON.parse(m.text) as Record<string, unknown>);
  const cliConfig = (patch: unknown, version: number) => {
    const file = join(dir, `patch-${version}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(patch));
    return runCli([
      'command',
      '1809102004/kiosk-mqtt',
      'config',
      '--patch',
      file,
      '--version',
      String(version),
      '--key',
      keyFile,
      '--url',
      broker.url,
    ]);
  };
  const started = async (kiosk: DaemonProcess, count: number) => {
    await watcher.waitFor(
      `start ${count}`,
      () => events('started').length >= count && states().length > 0,
      PROCESS_START_MS,
    );
    return kiosk;
  };
  const lastPrint = () => {
    const prints = join(dir, 'data', 'sim', 'prints');
    const newest = readdirSync(prints)
      .filter((f) => f.endsWith('.bin'))
      .sort()
      .at(-1);
    return decodeEscpos(readFileSync(join(prints, newest!)));
  };
  const stop = async (kiosk: DaemonProcess) => {
    kiosk.child.kill('SIGTERM');
    await kiosk.exit;
    mark = watcher.seen.length;
  };

  let kiosk = await started(new DaemonProcess(['run', '--config', config], {}), 1);
  try {
    const localHash = configHash(loadConfig({ path: config, env: {} }).config);
    await watcher.waitFor('the first state', () => states().at(-1)?.config_hash === localHash);
    assert.is(states().at(-1)?.remote_config_version, null);

    // A valid patch, through the district's CLI.
    const applied = await cliConfig({ village: { head_name: 'SITI AMINAH, S.Pd.' } }, 5);
    assert.is(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^applied: remote settings version 5$/m);
    assert.match(applied.stdout, /^changed: village\.head_name$/m);
    const newHash = configHash(loadConfig({ path: config, env: {} }).config);
    assert.is.not(newHash, localHash);
    await watcher.waitFor(
      'state with the new hash',
      () => states().at(-1)?.config_hash === newHash && states().at(-1)?.remote_config_version === 5,
    );
    assert.is(payloadErrors('state', JSON.parse(watcher.on(`${ROOT}/state`).at(-1)!.text)), null);
    await watcher.waitFor('config_applied', () => events('config_applied').length === 1);
    const event = events('config_applied')[0]!;
    assert.is(payloadErrors('event', event), null);
    assert.equal(
      [event.version, event.config_hash, event.keys, event.restart_needed],
      [5, newHash, ['village.head_name'], []],
    );
    assert.not.ok(JSON.stringify(event).includes('SITI'), 'names only, never values');
    // The district's fleet view shows which kiosks run which remote settings.
    const fleet = await runCli(['monitor', '--url', broker.url, '--json', '--wait', '1']);
    assert.is(fleet.code, 0, fleet.stderr);
    const row = (JSON.parse(fleet.stdout) as KioskRow[]).find((r) => r.device === 'kiosk-mqtt');
    assert.equal([row?.remote_config_version, row?.config_hash], [5, newHash]);

    // The next letter carries the new head name, without a restart.
    await issueLetter(kiosk);
    const first = lastPrint();
    const text = first.lines.map((l) => l.text).join('\n');
    assert.match(text, 'SITI AMINAH, S.Pd.');
    assert.not.match(text, 'SUPRIYANTO');

    // Refusals change nothing.
    const layer = readFileSync(remoteFile, 'utf8');
    const invalid = await cliConfig({ timeouts: { inactivity_s: 0 }, limits: { daily_per_type: 'dua' } }, 6);
    assert.is(invalid.code, 1);
    assert.match(
      invalid.stderr,
      /refused by the kiosk: config_invalid: .*timeouts\.inactivity_s must be >= 1/,
    );
    const answer = JSON.parse(invalid.stdout) as { error: { errors: string[] } };
    assert.equal(answer.error.errors, [
      'timeouts.inactivity_s must be >= 1',
      'limits.daily_per_type must be integer',
    ]);
    const forbidden = await cliConfig({ hardware: { printer: { driver: 'escpos' } }, data_dir: '/tmp' }, 7);
    assert.is(forbidden.code, 1);
    assert.match(forbidden.stderr, /config_forbidden: .*data_dir cannot be changed remotely/);
    const patch = { version: 8, patch: { village: { head_name: 'PALSU' } } };
    const send = (key: string, tamper?: (r: Record<string, unknown>) => unknown) =>
      sendCommand({
        url: broker.url,
        village: '1809102004',
        device: 'kiosk-mqtt',
        name: 'config',
        args: patch,
        privateKeyPem: key,
        ...(tamper ? { tamper: tamper as never } : {}),
      });
    const byOperator = await send(operator.privateKeyPem);
    assert.is(byOperator.error?.reason, 'not_permitted');
    const unsigned = await send(district.privateKeyPem, ({ signature: _s, ...rest }) => rest);
    assert.is(unsigned.error?.reason, 'unsigned');
    const changed = await send(district.privateKeyPem, (r) => ({ ...r, args: { ...patch, version: 9 } }));
    assert.is(changed.error?.reason, 'bad_signature', 'the args are signed: a changed version is not');
    const stale = await cliConfig({ village: { head_name: 'LAMA' } }, 4);
    assert.is(stale.code, 1);
    assert.match(stale.stderr, /config_stale: .*version 4 is not newer than the version in effect \(5\)/);
    assert.is(readFileSync(remoteFile, 'utf8'), layer, 'remote.json untouched');
    await watcher.waitFor('three config_refused', () => events('config_refused').length === 3);
    for (const e of events('config_refused')) assert.is(payloadErrors('event', e), null);
    assert.equal(
      events('config_refused').map((e) => e.version),
      [6, 7, 4],
    );
    assert.is(states().at(-1)?.config_hash, newHash);

    // A logo on the district's web server: downloaded, verified, on the next letter's kop surat.
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: 'black' } })
      .png()
      .toBuffer();
    const server = createServer((_req, res) => res.end(png));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const logoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logo-hanura.png`;
    const logo = await cliConfig(
      { village: { logo_url: logoUrl, logo_sha256: createHash('sha256').update(png).digest('hex') } },
      10,
    ).finally(() => server.close());
    assert.is(logo.code, 0, logo.stderr);
    assert.match(logo.stdout, /^changed: village\.logo_sha256, village\.logo_url$/m);
    await issueLetter(kiosk);
    assert.is(lastPrint().images.length, first.images.length + 1, 'the logo is printed');

    // Limits too are live: one unknown card now pauses reading (the default is five).
    const limits = await cliConfig({ limits: { unknown_cards_per_minute: 1, unknown_card_pause_s: 2 } }, 11);
    assert.is(limits.code, 0, limits.stderr);
    assert.not.match(limits.stdout, 'next restart');
    kiosk.send('remove');
    kiosk.send('tap DEADBEEF');
    await kiosk.waitOut('--- screen: card_pause ---');
    await watcher.waitFor('card_burst', () => events('card_burst').length === 1);
    assert.is(events('card_burst')[0]!.count, 1);
    const logoHash = configHash(loadConfig({ path: config, env: {} }).config);

    // The layer survives a restart.
    await stop(kiosk);
    kiosk = await started(new DaemonProcess(['run', '--config', config], {}), 2);
    await watcher.waitFor('the state after the restart', () => {
      const last = states().at(-1);
      return last?.config_hash === logoHash && last.remote_config_version === 11;
    });

    // A corrupt layer: the kiosk starts on its local config, says so and reports it.
    await stop(kiosk);
    writeFileSync(remoteFile, '{"version": 9, "settings": {"village": ');
    kiosk = await started(new DaemonProcess(['run', '--config', config], {}), 3);
    await watcher.waitFor(
      'state on the local config',
      () => states().at(-1)?.config_hash === localHash && states().at(-1)?.remote_config_version === null,
    );
    await watcher.waitFor('config_refused at start', () => events('config_refused').length === 4);
    const atStart = events('config_refused')[3]!;
    assert.is(atStart.version, null);
    assert.match(String((atStart.reasons as string[])[0]), remoteFile);
    assert.match(kiosk.stderr, new RegExp(`remote settings ${remoteFile} are not valid JSON`));
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
  } finally {
    await stop(kiosk);
    await watcher.close();
    await broker.close();
  }
});

test.run();
