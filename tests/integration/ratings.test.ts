/**
 * Ratings end to end: a resident prints a letter in the simulated kiosk with flow.rating on,
 * answers; the event `rating` reaches the bus (answer and letter type only) and
 * `anjungan ratings --month` counts it for the day and the month.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ratingsCommand from '../../src/commands/ratings.ts';
import type { DomainEvent } from '../../src/events.ts';
import { localDay } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { startDaemon } from '../../src/main.ts';
import { TextSink, waitFor } from '../support/wait.ts';

test('a rating after a printed letter is reported and counted per day and month', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-ratings-'));
  const env = { ANJUNGAN_DATA_DIR: dataDir, ANJUNGAN_FLOW_RATING: 'true' };
  const daemon = await startDaemon({
    defaultConfigPath: join(dataDir, 'no-config.json'),
    env,
    stdin: null,
    stdout: new TextSink().stream,
    logger: silentLogger(),
  });
  const events: DomainEvent[] = [];
  daemon.bus.on('event', (e) => events.push(e));
  try {
    const { reader, buttons } = daemon.adapters.sim;
    if (!reader || !buttons) throw new Error('sim ports expected');
    const on = (name: string) => waitFor(name, () => daemon.runner.state.screen.name === name, 10_000);
    reader.tap(Buffer.from('04A1B2C3D4E5F6', 'hex'));
    await on('greeting');
    for (const next of ['choose_letter', 'choose_purpose', 'confirm']) {
      buttons.press('ok');
      await on(next);
    }
    buttons.press('ok');
    await on('done');
    buttons.press('up'); // Cukup → Puas
    buttons.press('ok');
    await on('idle');
    const rating = events.find((e) => e.type === 'rating');
    assert.ok(
      rating && rating.type === 'rating' && rating.choice === 'puas' && rating.letter_type.length > 0,
    );
    assert.equal(Object.keys(rating ?? {}).sort(), ['choice', 'letter_type', 'type']);
  } finally {
    await daemon.stop();
  }
  const out = new TextSink();
  const month = localDay(new Date()).slice(0, 7);
  const code = await ratingsCommand.run(['--month', month], {
    stdout: out.stream,
    stderr: new TextSink().stream,
    stdin: process.stdin,
    env,
  });
  assert.is(code, 0);
  const lines = out.text.trim().split(/\r?\n/);
  assert.equal(lines, [
    'tanggal,puas,cukup,kurang,jumlah',
    `${localDay(new Date())},1,0,0,1`,
    `${month},1,0,0,1`,
  ]);
});

test.run();
