/**
 * End to end in-process: the whole daemon in simulator mode (demo village, sim ports, embedded
 * broker), driven through the simulated card reader and buttons; the printed ESC/POS bytes are
 * decoded back to text.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { completeCard, issueFirstLetter, press, screen, startKiosk } from '../support/daemon-kiosk.ts';

const NUMBER = /^[0-9A-Za-z.-]+\/\d{3}\/1809102004\/(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\/\d{4}$/;

test('a tap, four presses of ok, and the letter is printed with the full NIK and a proper number', async () => {
  const k = await startKiosk();
  try {
    const { uid, resident } = completeCard(k.daemon);
    await screen(k, 'idle');
    await issueFirstLetter(k, uid);
    await screen(k, 'done', 10_000);

    const [entry] = k.daemon.register.list();
    assert.ok(entry, 'a register entry');
    assert.is(entry.status, 'printed');
    assert.match(entry.number, NUMBER);
    const prints = readdirSync(join(k.dataDir, 'sim', 'prints'));
    assert.equal(prints, [`${entry.id}.bin`]);
    const job = decodeEscpos(readFileSync(join(k.dataDir, 'sim', 'prints', prints[0]!)));
    const text = job.lines.map((l) => l.text).join('\n');
    assert.match(text, resident.nik);
    assert.match(text, resident.nama.slice(0, 20));
    assert.match(text, entry.number);
    // The title of the type chosen on the screen (the first in the menu), not just any letter's.
    const menu = k.out.text.slice(k.out.text.indexOf('--- screen: choose_letter ---'));
    const label = /^\| > (.+?)\s*\|$/m.exec(menu)?.[1];
    const chosen = loadLetterTypes(k.daemon.config.letters.types).find((t) => t.menu_label === label);
    assert.ok(chosen, `the selected menu item '${label}' is a letter type`);
    assert.is(entry.letter_type, chosen.id);
    assert.ok(text.split('\n').includes(chosen.title), `titled ${chosen.title}\n${text}`);
    assert.ok(job.cuts >= 1, 'the paper is cut');

    // What the district hears carries no personal data.
    const issued = k.events.find((e) => e.type === 'letter_issued');
    assert.ok(issued, 'letter_issued reported');
    const wire = JSON.stringify(k.events);
    assert.not.match(wire, resident.nik);
    assert.not.match(wire, resident.nama);
    assert.not.match(wire, uid.toString('hex'));

    // The screen text never shows the full NIK, and the done screen goes back to idle by itself.
    assert.not.match(k.out.text, resident.nik);
    assert.match(k.out.text, resident.nik.slice(-4));
    await screen(k, 'idle', 5000);
  } finally {
    await k.daemon.stop();
  }
});

test('an unknown card is told what to do and nothing is registered', async () => {
  const k = await startKiosk();
  try {
    k.daemon.adapters.sim.reader!.tap(Buffer.from('DEADBEEF', 'hex'));
    await screen(k, 'unknown_card');
    assert.ok(k.events.some((e) => e.type === 'card_unknown'));
    assert.is(k.daemon.register.list().length, 0);
    await press(k, 'back');
    await screen(k, 'idle');
  } finally {
    await k.daemon.stop();
  }
});

test('paper out: out of service, no number taken; paper loaded: back to idle by itself', async () => {
  const k = await startKiosk();
  try {
    const { uid } = completeCard(k.daemon);
    k.daemon.adapters.sim.printer!.setState('paper-out');
    await screen(k, 'out_of_service');
    assert.ok(k.daemon.status().out_of_service.includes('paper_out'));
    k.daemon.adapters.sim.reader!.tap(uid);
    await k.daemon.runner.idle();
    assert.is(k.daemon.runner.state.screen.name, 'out_of_service');
    assert.is(k.daemon.register.list().length, 0);
    assert.ok(k.events.some((e) => e.type === 'paper_out'));
    k.daemon.adapters.sim.printer!.setState('ready');
    await screen(k, 'idle');
  } finally {
    await k.daemon.stop();
  }
});

test('the roll ends mid-letter: the entry ends failed, the resident is told, the next letter gets the next number', async () => {
  const k = await startKiosk();
  try {
    const { uid } = completeCard(k.daemon);
    k.daemon.adapters.sim.printer!.loadPaper(5);
    await issueFirstLetter(k, uid);
    await screen(k, 'print_failed', 10_000);
    const [failed] = k.daemon.register.list();
    assert.is(failed?.status, 'failed');
    assert.ok(k.events.some((e) => e.type === 'letter_failed'));

    k.daemon.adapters.sim.printer!.loadPaper();
    await screen(k, 'idle', 20_000);
    k.daemon.adapters.sim.reader!.remove(); // the resident lifts the card: the next tap counts
    await issueFirstLetter(k, uid);
    await screen(k, 'done', 10_000);
    const entries = k.daemon.register.list();
    assert.is(entries.length, 2);
    assert.is.not(entries[1]?.number, failed?.number);
    assert.is(entries[1]?.seq, (failed?.seq ?? 0) + 1);
  } finally {
    await k.daemon.stop();
  }
});

test('the daily limit per letter type is enforced (default 2)', async () => {
  const k = await startKiosk();
  try {
    const { uid } = completeCard(k.daemon);
    for (let i = 0; i < 2; i++) {
      await issueFirstLetter(k, uid);
      await screen(k, 'done', 10_000);
      await screen(k, 'idle', 10_000);
      k.daemon.adapters.sim.reader!.remove();
    }
    k.daemon.adapters.sim.reader!.tap(uid);
    await screen(k, 'greeting');
    await press(k, 'ok', 'ok');
    await screen(k, 'limit_reached');
    assert.is(k.daemon.register.list().length, 2);
  } finally {
    await k.daemon.stop();
  }
});

test('the clock jumps back between two polls of the guard: the register refuses the letter, the kiosk goes out of service', async () => {
  const clock = new FakeClock(Date.now());
  const k = await startKiosk(undefined, { clock });
  try {
    const { uid } = completeCard(k.daemon);
    await issueFirstLetter(k, uid);
    await screen(k, 'done', 10_000);
    await press(k, 'ok');
    await screen(k, 'idle');
    k.daemon.adapters.sim.reader!.remove();
    // One hour back, and no time passes: the guard's 10 s poll has not run, it still trusts.
    clock.set(clock.now() - 3_600_000);
    assert.is(k.daemon.runner.state.health.clock_trusted, true);
    await issueFirstLetter(k, uid);
    await screen(k, 'print_failed', 10_000);
    assert.match(k.out.text, 'Jam anjungan belum disetel');
    assert.equal(
      k.daemon.register.list().map((e) => e.status),
      ['printed'],
      'no number given to a letter dated before the last one',
    );
    await press(k, 'ok');
    await screen(k, 'out_of_service');
    assert.ok(k.daemon.status().out_of_service.includes('clock_untrusted'));
  } finally {
    await k.daemon.stop();
  }
});

test('a letter interrupted by a restart does not use up the daily limit; the limit screen counts printed letters', async () => {
  const first = await startKiosk();
  const { dataDir } = first;
  const { uid } = completeCard(first.daemon);
  try {
    await issueFirstLetter(first, uid);
    await screen(first, 'done', 10_000);
    const [printed] = first.daemon.register.list();
    // A power cut mid-print: the number is reserved, then the kiosk stops before it ends.
    await first.daemon.register.reserve({
      letter_type: printed!.letter_type,
      code: 'X',
      resident_ref: printed!.resident_ref,
      nik_masked: printed!.nik_masked,
      purpose: printed!.purpose,
      policy: printed!.policy,
      at: new Date(),
    });
  } finally {
    await first.daemon.stop();
  }
  const k = await startKiosk(undefined, { dataDir });
  try {
    assert.equal(
      k.daemon.register.list().map((e) => e.status),
      ['printed', 'interrupted'],
    );
    // One printed, one interrupted, limit 2: the resident may still get this letter today.
    await issueFirstLetter(k, uid);
    await screen(k, 'done', 10_000);
    await press(k, 'ok');
    k.daemon.adapters.sim.reader!.remove();
    k.daemon.adapters.sim.reader!.tap(uid);
    await screen(k, 'greeting');
    await press(k, 'ok', 'ok');
    await screen(k, 'limit_reached');
    assert.match(k.out.text, /sudah dicetak 2 kali hari ini/);
    assert.is(k.daemon.register.list().filter((e) => e.status === 'printed').length, 2);
  } finally {
    await k.daemon.stop();
  }
});

test('resident data unreadable (and no backup): up, out of service, saying why, and taps change nothing', async () => {
  const k = await startKiosk((dir) => writeFileSync(join(dir, 'residents.json'), '{"version":2,"resi'));
  try {
    await screen(k, 'out_of_service');
    assert.ok(k.daemon.status().out_of_service.includes('data_unavailable'));
    assert.match(k.out.text, 'Data penduduk tidak tersedia');
    k.daemon.adapters.sim.reader!.tap(Buffer.from(DEMO_CARDS[0]!.uid, 'hex'));
    await k.daemon.runner.idle();
    assert.is(k.daemon.runner.state.screen.name, 'out_of_service');
    assert.is(k.daemon.register.list().length, 0);
    // The damaged file is left as it was, for the technician to restore.
    assert.is(readFileSync(join(k.dataDir, 'residents.json'), 'utf8'), '{"version":2,"resi');
  } finally {
    await k.daemon.stop();
  }
});

test.run();
