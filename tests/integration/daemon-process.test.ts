/**
 * End to end as a process: `anjungan run` in simulator mode, driven over standard input the way
 * the README's walk-through does it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CONFIG_PATH } from '../../src/config/defaults.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { runCli } from '../support/cli-process.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

test('anjungan run: a simulated session from the terminal prints a letter, quit stops it cleanly', async () => {
  if (existsSync(DEFAULT_CONFIG_PATH)) {
    console.log(
      `skipped: ${DEFAULT_CONFIG_PATH} exists on this machine, so the daemon would not start in simulator mode`,
    );
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  const kiosk = new DaemonProcess(['run'], { ANJUNGAN_DATA_DIR: dataDir });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    assert.match(kiosk.stdout, 'SIMULATOR MODE');
    assert.match(kiosk.stderr, 'SIMULATOR MODE', 'the log says so loudly too');
    const cardLine = /^sim: {3}([0-9A-F]{8,14}) /m.exec(kiosk.stdout);
    assert.ok(cardLine, 'the demo cards are listed at start');
    const uid = cardLine[1]!;

    kiosk.send(`tap ${uid}`);
    await kiosk.waitOut('--- screen: greeting ---');
    for (const next of ['choose_letter', 'choose_purpose', 'confirm']) {
      kiosk.send('press ok');
      await kiosk.waitOut(`--- screen: ${next} ---`);
    }
    kiosk.send('press ok');
    await kiosk.waitOut('--- screen: done ---', 15_000);

    const prints = readdirSync(join(dataDir, 'sim', 'prints')).filter((f) => f.endsWith('.bin'));
    assert.is(prints.length, 1);
    const job = decodeEscpos(readFileSync(join(dataDir, 'sim', 'prints', prints[0]!)));
    const text = job.lines.map((l) => l.text).join('\n');
    assert.match(text, /\/\d{3}\/1809102004\/[IVX]+\/\d{4}/);

    kiosk.send('press sideways');
    await kiosk.waitOut("unknown button 'sideways'");
    kiosk.send('quit');
    assert.is(await kiosk.exit, 0);
    // journald priorities on every log line
    for (const line of kiosk.stderr.split('\n').filter((l) => l.startsWith('{') || l.startsWith('<'))) {
      assert.match(line, /^<[0-7]>\{/);
    }
  } finally {
    await kiosk.kill('SIGKILL');
  }
});

test('a card bound with the CLI while the kiosk runs works at the next tap, no restart', async () => {
  if (existsSync(DEFAULT_CONFIG_PATH)) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  // A repeat window far longer than the test: the second tap must count because the card was
  // lifted in between, not because the machine was slow enough to let the window run out.
  const kiosk = new DaemonProcess(['run'], {
    ANJUNGAN_DATA_DIR: dataDir,
    ANJUNGAN_FLOW_REPEAT_TAP_MS: '600000',
  });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    kiosk.send('tap 0A1B2C3D');
    await kiosk.waitOut('--- screen: unknown_card ---');

    const nik = DEMO_CARDS[0]!.nik;
    const bind = await runCli(['cards', 'bind', '0A1B2C3D', nik], { env: { ANJUNGAN_DATA_DIR: dataDir } });
    assert.is(bind.code, 0, bind.stderr);
    assert.match(bind.stdout, 'uses the change within a second');
    await waitFor(
      'the kiosk to reload the residents',
      () => kiosk.stderr.includes('resident data changed on disk: reloaded'),
      PROCESS_START_MS,
    );

    kiosk.send('remove');
    kiosk.send('tap 0A1B2C3D');
    await kiosk.waitOut('--- screen: greeting ---');
    assert.match(kiosk.stdout.slice(kiosk.stdout.lastIndexOf('--- screen: greeting ---')), nik.slice(-4));
    kiosk.send('quit');
    assert.is(await kiosk.exit, 0);
  } finally {
    await kiosk.kill('SIGKILL');
  }
});

test('anjungan run stops cleanly on SIGTERM', async () => {
  if (existsSync(DEFAULT_CONFIG_PATH)) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  const kiosk = new DaemonProcess(['run'], { ANJUNGAN_DATA_DIR: dataDir });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    kiosk.child.kill('SIGTERM');
    assert.is(await kiosk.exit, 0);
    assert.match(kiosk.stderr, '"stopped"');
  } finally {
    await kiosk.kill('SIGKILL');
  }
});

test('a bad config stops the daemon at start with the key named and exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  const config = join(dir, 'config.json');
  (await import('node:fs')).writeFileSync(
    config,
    JSON.stringify({ hardware: { printer: { paper_mm: 57 } } }),
  );
  const kiosk = new DaemonProcess(['run', '--config', config], { ANJUNGAN_DATA_DIR: dir });
  assert.is(await kiosk.exit, 1);
  assert.match(kiosk.stderr, 'hardware.printer.paper_mm must be one of 58, 80');
});

test.run();
