/**
 * A kiosk configured for a touch panel that is not there (unplugged, wrong path) still starts
 * and serves with its buttons; the touch layout is drawn all the same, ready for the panel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/log.ts';
import { startDaemon } from '../../src/main.ts';
import { TextSink, waitFor } from '../support/wait.ts';

test('touch panel missing: the kiosk starts, says so, and the buttons work', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-touch-'));
  const daemon = await startDaemon({
    defaultConfigPath: join(dataDir, 'no-config.json'),
    env: {
      ANJUNGAN_DATA_DIR: dataDir,
      ANJUNGAN_HARDWARE_TOUCH_DRIVER: 'evdev',
      ANJUNGAN_HARDWARE_TOUCH_DEVICE: join(dataDir, 'input', 'event7'),
    },
    stdin: null,
    stdout: new TextSink().stream,
    logger: silentLogger(),
  });
  try {
    const touch = daemon.adapters.touch;
    assert.ok(touch, 'a touch adapter was created');
    assert.is(touch?.present, false);
    const { reader, buttons } = daemon.adapters.sim;
    if (!reader || !buttons) throw new Error('sim ports expected');
    reader.tap(Buffer.from('04A1B2C3D4E5F6', 'hex'));
    await waitFor('greeting', () => daemon.runner.state.screen.name === 'greeting');
    buttons.press('ok');
    await waitFor('choose_letter', () => daemon.runner.state.screen.name === 'choose_letter');
  } finally {
    await daemon.stop();
  }
});

test.run();
