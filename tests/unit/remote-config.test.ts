/**
 * The district's remote settings layer: RFC 7386 merge, which keys a district may set, the layer
 * over the local file at start (a corrupt one left out with a warning naming it), and a patch
 * applied to a live config or refused with nothing changed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configCommandArgs, configReplyText } from '../../src/commands/config-command-args.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import {
  changedKeys,
  configHash,
  forbiddenKeys,
  type Json,
  mergePatch,
  remoteLayerPath,
} from '../../src/config/remote-layer.ts';
import { remoteLogoPath } from '../../src/config/remote-logo.ts';
import { type ConfigOutcome, RemoteSettings } from '../../src/config/remote-settings.ts';
import { type DomainEvent, KioskBus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';

function kioskDir(local: Record<string, unknown> = {}): { dir: string; config: string; remote: string } {
  const dir = mkdtempSync(join(tmpdir(), 'anj-remote-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ data_dir: join(dir, 'data'), ...local }));
  return { dir, config, remote: remoteLayerPath(config) };
}

function writeLayer(file: string, content: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
}

test('mergePatch follows RFC 7386 (the examples of its appendix A)', () => {
  const cases: [Json, Json, Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) assert.equal(mergePatch(target, patch), result);
  const target = { a: { b: 1 } };
  mergePatch(target, { a: { b: 2 } });
  assert.equal(target, { a: { b: 1 } }, 'the target is not changed');
});

test('forbiddenKeys: only the remotely changeable settings pass', () => {
  assert.equal(
    forbiddenKeys({
      village: {
        head_name: 'X',
        head_title: 'Y',
        address: 'Z',
        logo_url: null,
        logo_sha256: null,
        announcements: [{ text: 'Posyandu Sabtu', until: null, image: null }],
      },
      letters: { types: { sktm: { code: '400.12' } }, verify_url: 'https://v.example/' },
      limits: { daily_per_type: 3 },
      timeouts: { inactivity_s: 40 },
      mqtt: { telemetry_interval_s: 120 },
    }),
    [],
  );
  assert.equal(
    forbiddenKeys({
      data_dir: '/tmp',
      village: { code: '1809102005', head_name: 'X' },
      device: { signing_key_file: '/x' },
      hardware: { printer: { driver: 'escpos' } },
      mqtt: { url: 'mqtt://evil', district_public_key: 'k', telemetry_interval_s: 5 },
      update: { root: '/' },
      letters: { numbering: { counter: 'shared' } },
    }),
    [
      'data_dir',
      'village.code',
      'device',
      'hardware',
      'mqtt.url',
      'mqtt.district_public_key',
      'update',
      'letters.numbering',
    ],
  );
  // Replacing a whole section would replace the keys a district may not touch.
  assert.equal(forbiddenKeys({ village: null, letters: 'x' }), ['village', 'letters']);
});

test('changedKeys names leaves only; configHash ignores key order', () => {
  assert.equal(changedKeys({ a: { b: 1, c: [1] }, d: 'x' }, { a: { b: 2, c: [1] }, d: 'x', e: true }), [
    'a.b',
    'e',
  ]);
  assert.is(configHash({ a: 1, b: { c: 2, d: 3 } }), configHash({ b: { d: 3, c: 2 }, a: 1 }));
  assert.is.not(configHash({ a: 1 }), configHash({ a: 2 }));
  assert.match(configHash({}), /^[0-9a-f]{64}$/);
});

test('at start the remote layer goes over the local file and under the environment', () => {
  const k = kioskDir({ village: { head_name: 'LOKAL', address: 'Jl. Lokal' } });
  writeLayer(k.remote, {
    version: 3,
    applied_at: '2026-12-01T00:00:00.000Z',
    settings: { village: { head_name: 'REMOTE' }, timeouts: { inactivity_s: 45, done_s: 20 } },
  });
  const loaded = loadConfig({ path: k.config, env: { ANJUNGAN_TIMEOUTS_DONE_S: '9' } });
  assert.is(loaded.config.village.head_name, 'REMOTE');
  assert.is(loaded.config.village.address, 'Jl. Lokal');
  assert.is(loaded.config.timeouts.inactivity_s, 45);
  assert.is(loaded.config.timeouts.done_s, 9, 'a technician’s environment variable wins');
  assert.is(loaded.layers.remote?.version, 3);
  assert.is(loaded.layers.remoteProblem, null);
  assert.equal(loaded.warnings, []);
});

test('a corrupt or unfit remote layer is left out with a warning naming the file', () => {
  const layers: [string, unknown, RegExp][] = [
    ['not JSON', '{"version": 3, "settings": {', /not valid JSON/],
    ['wrong shape', { settings: {} }, /are not \{ "version"/],
    [
      'a forbidden key',
      { version: 1, applied_at: 'x', settings: { data_dir: '/tmp' } },
      /keys a district may not change: data_dir/,
    ],
    [
      'invalid over this file',
      { version: 2, applied_at: 'x', settings: { timeouts: { inactivity_s: 'lama' } } },
      /version 2\) do not fit .*timeouts\.inactivity_s must be integer/,
    ],
  ];
  for (const [what, content, problem] of layers) {
    const k = kioskDir({ village: { head_name: 'LOKAL' } });
    writeLayer(k.remote, content);
    const loaded = loadConfig({ path: k.config, env: {} });
    assert.is(loaded.config.village.head_name, 'LOKAL', what);
    assert.is(loaded.layers.remote, null, what);
    assert.is(loaded.warnings.length, 1, what);
    assert.ok(loaded.warnings[0]!.includes(k.remote), `${what}: names the file: ${loaded.warnings[0]}`);
    assert.match(loaded.warnings[0]!, problem, what);
  }
});

function settingsFor(k: { config: string }, events: DomainEvent[] = []) {
  const loaded = loadConfig({ path: k.config, env: {} });
  const bus = new KioskBus();
  bus.on('event', (e) => events.push(e));
  const applied: string[][] = [];
  const settings = new RemoteSettings({
    config: loaded.config,
    layers: loaded.layers,
    bus,
    logger: silentLogger(),
    now: () => new Date('2026-12-05T01:00:00.000Z'),
    onApplied: (keys) => applied.push(keys),
  });
  return { config: loaded.config, settings, applied };
}

function refused(outcome: ConfigOutcome): { reason: string; errors: string[] } {
  if (outcome.ok) throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  return outcome;
}

test('a valid patch is written as the layer and changes the live config in place', async () => {
  const k = kioskDir();
  const events: DomainEvent[] = [];
  const { config, settings, applied } = settingsFor(k, events);
  const village = config.village;
  const before = settings.configHash;
  const outcome = await settings.apply({
    version: 7,
    patch: {
      village: { head_name: 'SITI AMINAH', announcements: [{ text: 'Posyandu Sabtu pagi' }] },
      limits: { unknown_card_pause_s: 90 },
      mqtt: { telemetry_interval_s: 300 },
      letters: { types: { sktm: { purposes: ['Beasiswa'] } } },
    },
  });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.is(village.head_name, 'SITI AMINAH', 'the same object, changed: holders see the new name');
  assert.is(village.announcements?.[0]?.text, 'Posyandu Sabtu pagi', 'the idle screen reads it live');
  assert.equal(outcome.result.keys_changed, [
    'letters.types.sktm.purposes',
    'limits.unknown_card_pause_s',
    'mqtt.telemetry_interval_s',
    'village.announcements',
    'village.head_name',
  ]);
  assert.equal(outcome.result.restart_needed, ['mqtt.telemetry_interval_s']);
  assert.is(settings.version, 7);
  assert.is.not(settings.configHash, before);
  assert.is(settings.configHash, configHash(config));
  assert.equal(applied, [outcome.result.keys_changed]);
  const layer = JSON.parse(readFileSync(k.remote, 'utf8'));
  assert.equal(layer.settings.village, {
    head_name: 'SITI AMINAH',
    announcements: [{ text: 'Posyandu Sabtu pagi' }],
  });
  assert.is(layer.version, 7);
  assert.equal(events.at(-1), {
    type: 'config_applied',
    version: 7,
    config_hash: settings.configHash,
    keys: outcome.result.keys_changed,
    restart_needed: ['mqtt.telemetry_interval_s'],
  });
  // null removes a key from the layer: the local (here default) value applies again.
  const back = await settings.apply({ version: 8, patch: { village: { head_name: null } } });
  assert.ok(back.ok);
  assert.is(config.village.head_name, 'SUPRIYANTO');
  // The layer survives a restart.
  assert.is(loadConfig({ path: k.config, env: {} }).config.limits.unknown_card_pause_s, 90);
});

test('refused patches change nothing: invalid, forbidden, stale, logo mismatch', async () => {
  const k = kioskDir();
  const events: DomainEvent[] = [];
  const { config, settings } = settingsFor(k, events);
  assert.ok((await settings.apply({ version: 2, patch: { timeouts: { done_s: 20 } } })).ok);
  const file = readFileSync(k.remote, 'utf8');
  const mtime = statSync(k.remote).mtimeMs;
  const snapshot = JSON.stringify(config);
  const hash = settings.configHash;

  const invalid = refused(
    await settings.apply({
      version: 3,
      patch: { timeouts: { inactivity_s: 0 }, letters: { verify_url: 'ftp://x' } },
    }),
  );
  assert.is(invalid.reason, 'config_invalid');
  assert.equal(invalid.errors, [
    'timeouts.inactivity_s must be >= 1',
    'letters.verify_url "ftp://x" has the wrong form (expected ^https?://[^#\\s]+$)',
  ]);
  const newType = refused(
    await settings.apply({ version: 3, patch: { letters: { types: { baru: { code: 'X' } } } } }),
  );
  assert.is(newType.reason, 'config_invalid');
  assert.match(newType.errors[0]!, /not a shipped letter type/);
  const forbidden = refused(
    await settings.apply({
      version: 3,
      patch: { data_dir: '/tmp', hardware: { printer: { driver: 'escpos' } } },
    }),
  );
  assert.is(forbidden.reason, 'config_forbidden');
  assert.equal(forbidden.errors, [
    'data_dir cannot be changed remotely: it needs a technician at the kiosk',
    'hardware cannot be changed remotely: it needs a technician at the kiosk',
  ]);
  assert.is(refused(await settings.apply({ version: 2, patch: {} })).reason, 'config_stale');
  assert.is(refused(await settings.apply({ version: '4', patch: {} })).reason, 'bad_args');
  assert.is(refused(await settings.apply({ version: 4, patch: [] })).reason, 'bad_args');

  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('logo')]);
  const server = createServer((_req, res) => res.end(png));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logo.png`;
  try {
    const wrong = refused(
      await settings.apply({
        version: 4,
        patch: { village: { logo_url: url, logo_sha256: 'a'.repeat(64) } },
      }),
    );
    assert.match(wrong.errors[0]!, /does not match village.logo_sha256/);
    const half = refused(await settings.apply({ version: 4, patch: { village: { logo_url: url } } }));
    assert.match(half.errors[0]!, /go together/);

    assert.is(readFileSync(k.remote, 'utf8'), file, 'the layer file is untouched');
    assert.is(statSync(k.remote).mtimeMs, mtime);
    assert.is(JSON.stringify(config), snapshot, 'the live config is untouched');
    assert.is(settings.configHash, hash);
    assert.is(settings.version, 2);
    const refusals = events.filter((e) => e.type === 'config_refused');
    assert.is(refusals.length, 8);
    assert.equal(refusals[0], { type: 'config_refused', version: 3, reasons: invalid.errors });

    const sha = createHash('sha256').update(png).digest('hex');
    const ok = await settings.apply({ version: 5, patch: { village: { logo_url: url, logo_sha256: sha } } });
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.equal(readFileSync(remoteLogoPath(config.data_dir, sha)), png, 'the verified logo is kept');
  } finally {
    server.close();
  }
});

test('a layer that cannot be written is refused and the live config stays', async () => {
  const k = kioskDir();
  writeFileSync(join(k.dir, 'config.d'), 'not a directory');
  const { config, settings } = settingsFor(k);
  const outcome = refused(await settings.apply({ version: 1, patch: { village: { head_name: 'BARU' } } }));
  assert.is(outcome.reason, 'config_unavailable');
  assert.match(outcome.errors[0]!, /remote\.json could not be written: .*install\.sh/);
  assert.is(config.village.head_name, 'SUPRIYANTO');
  assert.is(settings.version, null);
});

test('simulator mode has no config directory: cmd/config is unavailable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-remote-sim-'));
  const loaded = loadConfig({ defaultPath: join(dir, 'none.json'), env: { ANJUNGAN_DATA_DIR: dir } });
  const settings = new RemoteSettings({
    config: loaded.config,
    layers: loaded.layers,
    bus: new KioskBus(),
    logger: silentLogger(),
    now: () => new Date(),
    onApplied: () => {},
  });
  assert.is(refused(await settings.apply({ version: 1, patch: {} })).reason, 'config_unavailable');
});

test('anjungan command … config: --patch and --version checked before anything is signed', () => {
  const k = kioskDir();
  const file = join(k.dir, 'patch.json');
  writeFileSync(file, JSON.stringify({ village: { head_name: 'BARU' } }));
  const now = Date.parse('2026-12-05T01:00:00.000Z');
  assert.equal(configCommandArgs({ patch: file }, [], now), {
    version: now / 1000,
    patch: { village: { head_name: 'BARU' } },
  });
  assert.is(configCommandArgs({ patch: file, version: '7' }, []).version, 7);
  const problems: [Parameters<typeof configCommandArgs>[0], string[], RegExp][] = [
    [{}, [], /needs --patch FILE/],
    [{ patch: file, version: '0' }, [], /--version must be a whole number/],
    [{ patch: file, version: '1.5' }, [], /--version must be a whole number/],
    [{ patch: file }, ['extra'], /takes no arguments/],
    [{ patch: join(k.dir, 'missing.json') }, [], /missing\.json: ENOENT/],
  ];
  writeFileSync(join(k.dir, 'list.json'), '[1]');
  problems.push([{ patch: join(k.dir, 'list.json') }, [], /must hold a JSON object/]);
  for (const [values, rest, message] of problems)
    assert.throws(() => configCommandArgs(values, rest), message);
  assert.is(
    configReplyText({
      applied: true,
      version: 7,
      config_hash: 'abc',
      keys_changed: ['mqtt.telemetry_interval_s'],
      restart_needed: ['mqtt.telemetry_interval_s'],
    }),
    'applied: remote settings version 7\nconfig hash: abc\nchanged: mqtt.telemetry_interval_s\n' +
      'takes effect at the next restart: mqtt.telemetry_interval_s\n',
  );
});

test.run();
