/**
 * EVIOCGRAB for keyboard-mode readers: the ioctl really issued (traced with strace) on the
 * kiosk's own descriptor, and a device that cannot be grabbed still reads, with a warning. This
 * machine has no /dev/input: /dev/null stands in for a character device that refuses the grab.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHidCardReader } from '../../src/hardware/card-reader.hid.ts';
import { EVIOCGRAB, grabInputDevice } from '../../src/hardware/evdev-grab.ts';
import { capturingLogger } from '../support/store-helpers.ts';

test('EVIOCGRAB is _IOW(E, 0x90, int)', () => {
  const IOC_WRITE = 1;
  assert.is(EVIOCGRAB, (IOC_WRITE << 30) | (4 << 16) | ('E'.charCodeAt(0) << 8) | 0x90);
});

test('a descriptor that is not an evdev node is not grabbed, with the reason', () => {
  const fd = fs.openSync('/dev/null', 'r');
  try {
    const r = grabInputDevice(fd);
    assert.equal(r, { grabbed: false, reason: 'Inappropriate ioctl for device' });
  } finally {
    fs.closeSync(fd);
  }
  const none = grabInputDevice(0, '/nonexistent/python3');
  assert.is(none.grabbed, false);
  assert.match(none.grabbed ? '' : none.reason, /not available/);
});

test('the grab is ioctl(EVIOCGRAB, 1) on the kiosk descriptor, passed down as fd 3 (strace)', () => {
  const probe = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    if (process.env.CI === 'true') throw new Error('strace is required in CI (apt-get install strace)');
    console.log('  skipped: strace is not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-grab-'));
  const script = path.join(dir, 'grab.mjs');
  const trace = path.join(dir, 'trace.txt');
  const mod = new URL('../../src/hardware/evdev-grab.ts', import.meta.url).href;
  fs.writeFileSync(
    script,
    `import fs from 'node:fs';
const { grabInputDevice } = await import(${JSON.stringify(mod)});
grabInputDevice(fs.openSync('/dev/null', 'r'));
`,
  );
  const r = spawnSync(
    'strace',
    [
      '-f',
      '-qq',
      '-e',
      'trace=ioctl',
      '-e',
      'signal=none',
      '-o',
      trace,
      process.execPath,
      '--import',
      'tsx',
      script,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(fs.readFileSync(trace, 'utf8'), /ioctl\(3, EVIOCGRAB, 1\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('adapter: a character device that refuses the grab still opens, warns, and says so', async () => {
  const { logger, lines } = capturingLogger();
  const reader = await createHidCardReader(
    { driver: 'hid', name: null, hid_device: '/dev/null', hid_reverse: false },
    logger,
    { reopenMs: 60_000 },
  );
  const presence = new Promise<boolean>((resolve) => reader.on('presence', resolve));
  await reader.start();
  assert.is(await presence, true);
  assert.match(reader.describe(), /NOT grabbed: Inappropriate ioctl for device/);
  await reader.stop();
  assert.ok(
    lines.some((l) => /cannot grab the keyboard-mode reader/.test(String(l.msg))),
    'a warning names the problem',
  );
});

test.run();
