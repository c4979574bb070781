/**
 * `anjungan config show`: the effective config with the district's remote layer over the local
 * file, where each came from, the hash the kiosk reports, and a corrupt layer named as left out.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { configHash, remoteLayerPath } from '../../src/config/remote-layer.ts';
import { runCli } from '../support/cli-process.ts';

test('config show: the remote layer, its keys and version, the hash; a corrupt layer is left out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-config-show-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ data_dir: join(dir, 'data'), mqtt: { password: 'rahasia' } }));
  const remote = remoteLayerPath(config);
  mkdirSync(join(dir, 'config.d'));
  const settings = { village: { head_name: 'SITI AMINAH' }, timeouts: { done_s: 9 } };
  writeFileSync(remote, JSON.stringify({ version: 3, applied_at: '2026-12-05T00:00:00.000Z', settings }));

  const shown = await runCli(['config', 'show', '--config', config]);
  assert.is(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, `# config file: ${config}\n`);
  assert.match(
    shown.stdout,
    `# remote settings: ${remote}, version 3, applied 2026-12-05T00:00:00.000Z: village.head_name, timeouts.done_s\n`,
  );
  assert.match(shown.stdout, `# config hash: ${configHash(loadConfig({ path: config, env: {} }).config)}\n`);
  const json = JSON.parse(shown.stdout.replace(/^#.*\n/gm, ''));
  assert.is(json.village.head_name, 'SITI AMINAH');
  assert.is(json.timeouts.done_s, 9);
  assert.is(json.mqtt.password, '***');
  assert.not.match(shown.stdout, 'rahasia');

  const only = await runCli(['config', 'show', '--config', config, '--remote']);
  assert.equal(JSON.parse(only.stdout), settings);

  writeFileSync(remote, '{"version": 4');
  const corrupt = await runCli(['config', 'show', '--config', config]);
  assert.is(corrupt.code, 0, corrupt.stderr);
  assert.match(corrupt.stdout, `# remote settings: LEFT OUT: remote settings ${remote} are not valid JSON`);
  assert.match(corrupt.stderr, `warning: remote settings ${remote} are not valid JSON`);
  assert.is(JSON.parse(corrupt.stdout.replace(/^#.*\n/gm, '')).village.head_name, 'SUPRIYANTO');

  const usage = await runCli(['config', 'print']);
  assert.is(usage.code, 2);
});

test.run();
