/**
 * Selftest lines for the touch panel (a FIFO standing in for its input device) and the sound
 * output (a real aplay on an ALSA file sink, or a device that does not exist).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { silentLogger } from '../../src/log.ts';
import { checks } from '../../src/selftest/check-touch-audio.ts';
import type { SelftestContext } from '../../src/selftest/checks.ts';
import { alsaFileSink, audioToolsAvailable } from '../support/alsa-sink.ts';

const [touchCheck, audioCheck] = checks;

function ctx(patch: (c: Config) => void, env: NodeJS.ProcessEnv = process.env): SelftestContext {
  const config = defaultConfig();
  patch(config);
  return { config, logger: silentLogger(), simulator: false, env };
}

test('touch: none and sim pass; an evdev panel passes when its device opens and fails with a remedy when not', async () => {
  assert.ok((await touchCheck!.run(ctx(() => {}))).ok);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-st-touch-'));
  const fifo = path.join(dir, 'event4');
  try {
    const missing = await touchCheck!.run(
      ctx((c) => {
        c.hardware.touch = { ...c.hardware.touch, driver: 'evdev', device: fifo };
      }),
    );
    assert.not.ok(missing.ok);
    assert.match(missing.remedy ?? '', /proc\/bus\/input\/devices/);
    execFileSync('mkfifo', [fifo]);
    const writer = fs.openSync(fifo, fs.constants.O_RDWR);
    const present = await touchCheck!.run(
      ctx((c) => {
        c.hardware.touch = { ...c.hardware.touch, driver: 'evdev', device: fifo };
      }),
    );
    fs.closeSync(writer);
    assert.ok(present.ok, present.detail);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('audio: off passes; a prompt played on the configured device passes; a missing device fails with a remedy', async () => {
  assert.ok((await audioCheck!.run(ctx(() => {}))).ok);
  if (!audioToolsAvailable()) return;
  const { home, file: sink, env, cleanup } = alsaFileSink();
  try {
    const alsa = (device: string) => (c: Config) => {
      c.data_dir = home;
      c.audio = { ...c.audio, driver: 'alsa', device };
    };
    const ok = await audioCheck!.run(ctx(alsa('sink'), env));
    assert.ok(ok.ok, ok.detail);
    assert.ok(fs.statSync(sink).size > 10_000, 'the prompt reached the device');
    const bad = await audioCheck!.run(ctx(alsa('no_such_card'), env));
    assert.not.ok(bad.ok);
    assert.match(bad.remedy ?? '', /aplay -L/);
  } finally {
    cleanup();
  }
});

test.run();
