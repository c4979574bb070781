/**
 * End to end as a process: `anjungan run` in simulator mode, driven over standard input the way
 * the README's walk-through does it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { runCli } from '../support/cli-process.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

// `--sim` forces simulator mode: these tests run (and check) on a machine with a real config too.
test('anjungan run --sim: a simulated session from the terminal prints the chosen letter, quit stops it cleanly', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  const kiosk = new DaemonProcess(['run', '--sim'], { ANJUNGAN_DATA_DIR: dataDir });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    assert.match(kiosk.stdout, 'SIMULATOR MODE');
    assert.match(kiosk.stderr, 'SIMULATOR MODE', 'the log says so loudly too');
    const cardLine = /^sim: {3}([0-9A-F]{8,14}) /m.exec(kiosk.stdout);
    assert.ok(cardLine, 'the demo cards are listed at start');
    const uid = cardLine[1]!;

    kiosk.send(`tap ${uid}`);
    await kiosk.waitOut('--- screen: greeting ---');
    kiosk.send('press ok');
    await kiosk.waitOut('--- screen: choose_letter ---');
    // Not the first letter in the menu: the printed title must be the one chosen.
    kiosk.send('press down');
    const moved = 'sim: pressed down\n--- screen: choose_letter ---';
    await kiosk.waitOut(moved);
    const menu = kiosk.stdout.slice(kiosk.stdout.indexOf(moved));
    const label = /^\| > (.+?)\s*\|$/m.exec(menu)?.[1];
    const chosen = loadLetterTypes(defaultConfig().letters.types).find((t) => t.menu_label === label);
    assert.ok(chosen, `the selected menu item '${label}' is a letter type`);
    for (const next of ['choose_purpose', 'confirm']) {
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
    assert.ok(text.split('\n').includes(chosen.title), `the letter is titled ${chosen.title}\n${text}`);
    for (const other of loadLetterTypes(defaultConfig().letters.types)) {
      if (other.id !== chosen.id) assert.not.ok(text.split('\n').includes(other.title), `not ${other.title}`);
    }

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
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  // A repeat window far longer than the test: the second tap must count because the card was
  // lifted in between, not because the machine was slow enough to let the window run out.
  const kiosk = new DaemonProcess(['run', '--sim'], {
    ANJUNGAN_DATA_DIR: dataDir,
    ANJUNGAN_FLOW_REPEAT_TAP_MS: '600000',
  });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    kiosk.send('tap 0A1B2C3D');
    await kiosk.waitOut('--- screen: unknown_card ---');

    const nik = DEMO_CARDS[0]!.nik;
    // A config of its own: on a machine with /etc/anjungan/config.json the CLI would use that one.
    const cliConfig = join(dataDir, 'cli-config.json');
    writeFileSync(cliConfig, JSON.stringify({ data_dir: dataDir }));
    const bind = await runCli(['cards', 'bind', '0A1B2C3D', nik, '--config', cliConfig]);
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
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  const kiosk = new DaemonProcess(['run', '--sim'], { ANJUNGAN_DATA_DIR: dataDir });
  try {
    await kiosk.waitOut('--- screen: idle ---', PROCESS_START_MS);
    kiosk.child.kill('SIGTERM');
    assert.is(await kiosk.exit, 0);
    assert.match(kiosk.stderr, '"stopped"');
  } finally {
    await kiosk.kill('SIGKILL');
  }
});

test('a piped script runs to its end: each answer before the frames it caused, the letter finished, a clean stop', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-proc-'));
  // A config that would be used without --sim: --sim must ignore it and run the demo village.
  const other = join(dataDir, 'other-config.json');
  writeFileSync(other, JSON.stringify({ village: { name: 'Bukan Demo' } }));
  const kiosk = new DaemonProcess(['run', '--sim'], { ANJUNGAN_DATA_DIR: dataDir, ANJUNGAN_CONFIG: other });
  try {
    const uid = DEMO_CARDS[0]!.uid;
    const junk = `\u001b[2J${'x'.repeat(2 * 1024 * 1024)}`;
    // Upper case on purpose; the junk line arrives while the letter prints; no `quit`.
    kiosk.child.stdin.end(`TAP ${uid}\nPRESS OK\npress ok\nPress Ok\npress ok\n${junk}\n`);
    assert.is(await kiosk.waitExit(PROCESS_START_MS), 0);
    const out = kiosk.stdout;
    assert.match(out, 'Desa Hanura');
    assert.not.match(out, 'Bukan Demo');
    assert.match(kiosk.stderr, `config file ${other} ignored`);
    // Each answer is followed by the first frame its command caused.
    const steps: [string, string][] = [
      [`sim: tapped ${uid}`, 'reading'],
      ['sim: pressed ok', 'choose_letter'],
      ['sim: pressed ok', 'choose_purpose'],
      ['sim: pressed ok', 'confirm'],
      ['sim: pressed ok', 'printing'],
    ];
    let from = 0;
    for (const [answer, screen] of steps) {
      const at = out.indexOf(`${answer}\n--- screen: ${screen} ---\n`, from);
      assert.ok(at >= from, `"${answer}" then the ${screen} frame\n${out.slice(from, from + 1500)}`);
      from = at + answer.length;
    }
    // The overlong line: refused once, quoted short and escaped, never echoed whole.
    assert.is(out.split('line longer than 1024 bytes ignored').length - 1, 1);
    assert.ok(out.length < 64 * 1024, `stdout is ${out.length} bytes`);
    assert.not.match(out, '\u001b');
    // End of input: the letter being printed is finished, then the kiosk stops.
    const end = out.indexOf('sim: end of input');
    assert.ok(end > 0, 'end of input announced');
    assert.ok(out.indexOf('--- screen: done ---', end) > end, 'the letter finished after the input ended');
    const register = readFileSync(join(dataDir, 'register.jsonl'), 'utf8');
    assert.match(register, '"status":"printed"');
    assert.is(readdirSync(join(dataDir, 'sim', 'prints')).length, 1);
    assert.match(kiosk.stderr, '"stopped"');
    // A frame only when its text changes, and progress in quarters, not in 5 % steps.
    const frames = out.split(/^(?=--- screen: )/m).map((f) => f.split('\nsim: ')[0]);
    for (let i = 1; i < frames.length; i++)
      assert.is.not(frames[i], frames[i - 1], 'two identical frames in a row');
    const percents = new Set([...out.matchAll(/\] (\d+)%/g)].map((m) => Number(m[1])));
    assert.ok(
      [...percents].every((p) => p % 25 === 0),
      `progress shown: ${[...percents].join(', ')}`,
    );
    assert.ok(percents.has(100), 'the finished letter shows 100 %');
  } finally {
    await kiosk.kill('SIGKILL');
  }
});

test('run --sim and --config together are refused', async () => {
  const kiosk = new DaemonProcess(['run', '--sim', '--config', '/nonexistent.json'], {});
  assert.is(await kiosk.waitExit(PROCESS_START_MS), 2);
  assert.match(kiosk.stderr, 'give --sim or --config FILE, not both');
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
