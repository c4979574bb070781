import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configMaps, resolveMapVariable, type SchemaNode } from '../../src/config/env-maps.ts';
import { configLeaves, envName, loadConfig } from '../../src/config/load-config.ts';
import { configSchema } from '../../src/config/schema.ts';
import { isKioskError } from '../../src/errors.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';

const dir = mkdtempSync(join(tmpdir(), 'anj-config-'));
const missing = join(dir, 'nope.json');

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

test('no config file: simulator mode on embedded defaults with data under ./var', () => {
  const loaded = loadConfig({ defaultPath: missing, env: {} });
  assert.is(loaded.simulator, true);
  assert.is(loaded.source, null);
  assert.is(loaded.config.data_dir, './var');
  assert.is(loaded.config.village.code, '1809102004');
  assert.is(loaded.config.hardware.printer.driver, 'sim');
  assert.is(loaded.config.timeouts.inactivity_s, 30);
  assert.is(loaded.config.limits.daily_per_type, 2);
});

test('a config file overrides parts of the defaults and leaves the rest', () => {
  const path = write('partial.json', {
    village: { name: 'Sukamaju' },
    hardware: { printer: { paper_mm: 80 } },
  });
  const loaded = loadConfig({ path, env: {} });
  assert.is(loaded.simulator, false);
  assert.is(loaded.config.village.name, 'Sukamaju');
  assert.is(loaded.config.village.code, '1809102004');
  assert.is(loaded.config.hardware.printer.paper_mm, 80);
  assert.is(loaded.config.data_dir, '/var/lib/anjungan');
});

test('ANJUNGAN_* variables override any key, typed by the schema', () => {
  const loaded = loadConfig({
    defaultPath: missing,
    env: {
      ANJUNGAN_DATA_DIR: '/tmp/x',
      ANJUNGAN_HARDWARE_PRINTER_PAPER_MM: '80',
      ANJUNGAN_CLOCK_REQUIRE_SYNC: 'true',
      ANJUNGAN_MQTT_URL: 'mqtt://10.0.0.1:1883,mqtt://10.0.0.2:1883',
      ANJUNGAN_HARDWARE_READER_NAME: 'ACR122',
    },
  });
  assert.is(loaded.config.data_dir, '/tmp/x');
  assert.is(loaded.config.hardware.printer.paper_mm, 80);
  assert.is(loaded.config.clock.require_sync, true);
  assert.equal(loaded.config.mqtt.url, ['mqtt://10.0.0.1:1883', 'mqtt://10.0.0.2:1883']);
  assert.is(loaded.config.hardware.reader.name, 'ACR122');
});

test('every leaf key has its environment variable name', () => {
  const names = configLeaves().map(([path]) => envName(path));
  for (const expected of [
    'ANJUNGAN_DATA_DIR',
    'ANJUNGAN_MQTT_URL',
    'ANJUNGAN_HARDWARE_PRINTER_DRIVER',
    'ANJUNGAN_DEVICE_ID',
  ]) {
    assert.ok(names.includes(expected), expected);
  }
});

test('letters.types.<id>.<field> from the environment: ids and fields with _ are told apart by the field at the end', () => {
  const loaded = loadConfig({
    defaultPath: missing,
    env: {
      ANJUNGAN_LETTERS_TYPES_SKTM_CODE: '400.9.2',
      ANJUNGAN_LETTERS_TYPES_PENGANTAR_SKCK_DAILY_LIMIT: '1',
      ANJUNGAN_LETTERS_TYPES_PENGANTAR_SKCK_MENU_LABEL: 'SKCK',
      ANJUNGAN_LETTERS_TYPES_DOMISILI_PURPOSES: 'Sekolah, Bank',
      ANJUNGAN_LETTERS_TYPES_DOMISILI_ENABLED: 'false',
    },
  });
  assert.equal(loaded.warnings, []);
  assert.equal(loaded.config.letters.types, {
    sktm: { code: '400.9.2' },
    pengantar_skck: { daily_limit: 1, menu_label: 'SKCK' },
    domisili: { purposes: ['Sekolah', 'Bank'], enabled: false },
  });
  const types = new Map(loadLetterTypes(loaded.config.letters.types).map((t) => [t.id, t]));
  assert.is(types.get('sktm')?.code, '400.9.2');
  assert.is(types.get('pengantar_skck')?.daily_limit, 1);
  assert.is(types.get('domisili')?.enabled, false, 'disabled from the environment');
});

test('a letters.types variable without a known field at its end is reported with the fields', () => {
  const loaded = loadConfig({ defaultPath: missing, env: { ANJUNGAN_LETTERS_TYPES_SKTM_KODE: '470' } });
  assert.equal(loaded.config.letters.types, {});
  assert.ok(
    loaded.warnings.some((w) => w.includes('ANJUNGAN_LETTERS_TYPES_SKTM_KODE') && w.includes('daily_limit')),
  );
});

test('a name two fields could end is refused, naming both readings', () => {
  const maps = [{ path: ['letters', 'types'], fields: { limit: {}, daily_limit: {} } }];
  const err = errorOf(() => resolveMapVariable('ANJUNGAN_LETTERS_TYPES_SKTM_DAILY_LIMIT', maps, envName));
  assert.ok(isKioskError(err, 'config_invalid'));
  assert.match(err.message, 'letters.types.sktm.daily_limit');
  assert.match(err.message, 'letters.types.sktm_daily.limit');
  // The real schema has no such pair: every map field ends no other.
  for (const map of configMaps(configSchema as SchemaNode)) {
    const fields = Object.keys(map.fields);
    for (const f of fields) {
      assert.not.ok(
        fields.some((g) => g !== f && g.endsWith(`_${f}`)),
        `${map.path.join('.')}.${f} is the end of another field name`,
      );
    }
  }
});

test('no two config keys share an environment variable name', () => {
  const names = configLeaves().map(([path]) => envName(path));
  assert.is(new Set(names).size, names.length);
});

test('an unknown ANJUNGAN_ variable is reported, not silently ignored', () => {
  const loaded = loadConfig({ defaultPath: missing, env: { ANJUNGAN_PRINTER_PAPER: '80' } });
  assert.ok(loaded.warnings.some((w) => w.includes('ANJUNGAN_PRINTER_PAPER')));
});

test('errors name the bad key and what is expected', () => {
  const path = write('bad.json', {
    village: { code: '18.09.10.2004' },
    hardware: { printer: { paper_mm: 57, paper_size: 'A4' } },
  });
  const err = errorOf(() => loadConfig({ path, env: {} }));
  assert.ok(isKioskError(err, 'config_invalid'));
  assert.match(err.message, 'village.code "18.09.10.2004" is not a kode wilayah: 10 digits without dots');
  assert.match(err.message, 'hardware.printer.paper_mm must be one of 58, 80');
  assert.match(err.message, 'hardware.printer.paper_size is not a known key');
  assert.match(err.message, path);
});

test('a value matching no alternative is one line a technician reads, not the schema internals', () => {
  for (const url of ['http://broker:1883', ['mqtt://a:1883', 'ftp://b'], 5]) {
    const err = errorOf(() => loadConfig({ path: write('url.json', { mqtt: { url } }), env: {} }));
    assert.ok(isKioskError(err, 'config_invalid'));
    const lines = err.message.split('\n');
    assert.is(lines.length, 1, err.message);
    assert.match(lines[0]!, `mqtt.url ${JSON.stringify(url)} is not a broker URL: use mqtt://, mqtts://`);
    assert.not.match(err.message, /must be (null|array|string)|expected \^/);
  }
  // Every pattern in the schema explains itself in words, never as a regular expression.
  const env = {
    ANJUNGAN_DEVICE_ID: 'kiosk 01',
    ANJUNGAN_HARDWARE_PRINTER_INTERFACE: 'lp0',
    ANJUNGAN_LETTERS_NUMBERING_FORMAT: '{code}/{year}',
  };
  const err = errorOf(() => loadConfig({ defaultPath: missing, env }));
  assert.match(err.message, 'device.id "kiosk 01" is not a device id');
  assert.match(err.message, 'hardware.printer.interface "lp0" is not a printer');
  assert.match(err.message, 'letters.numbering.format "{code}/{year}" has no sequence number');
  assert.not.match(err.message, /expected \^|\\{seq/);
});

test('a file that is not JSON, or a missing explicit file, is a clear error', () => {
  const path = write('broken.json', '{ "village": ');
  assert.match(errorOf(() => loadConfig({ path, env: {} })).message, 'is not valid JSON');
  const err = errorOf(() => loadConfig({ path: missing, env: {} }));
  assert.ok(isKioskError(err, 'config_unreadable'));
  assert.match(err.message, 'does not exist');
});

test('a bad value from the environment is caught like one from the file', () => {
  const err = errorOf(() =>
    loadConfig({ defaultPath: missing, env: { ANJUNGAN_TIMEOUTS_INACTIVITY_S: 'soon' } }),
  );
  assert.match(err.message, 'timeouts.inactivity_s must be integer');
});

test.run();
