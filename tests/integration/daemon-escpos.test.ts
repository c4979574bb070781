/**
 * The printer's failure paths end to end: the whole daemon (flow, letter service, register) with
 * the REAL ESC/POS adapter printing over TCP into the virtual network printer, which reports
 * paper out through DLE EOT or drops the connection mid-letter. Card reader and buttons are
 * simulated. The status poll is set far beyond the test, so each refusal comes from the probe
 * the letter service makes before it takes a number.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../src/flows/clock.ts';
import {
  completeCard,
  issueFirstLetter,
  press,
  screen,
  startKiosk,
  toConfirm,
} from '../support/daemon-kiosk.ts';
import { startVirtualPrinter, type VirtualPrinter } from '../support/virtual-printer.ts';

function escposEnv(vp: VirtualPrinter): Record<string, string> {
  return {
    ANJUNGAN_HARDWARE_PRINTER_DRIVER: 'escpos',
    ANJUNGAN_HARDWARE_PRINTER_INTERFACE: vp.url,
    ANJUNGAN_HARDWARE_PRINTER_STATUS_INTERVAL_S: '3600',
  };
}

test('paper out when the resident confirms: refused before a number is taken, nothing sent, out of service after', async () => {
  const vp = await startVirtualPrinter('ready');
  const k = await startKiosk(undefined, { env: escposEnv(vp) });
  try {
    const { uid } = completeCard(k.daemon);
    await screen(k, 'idle');
    assert.is(k.daemon.status().printer, 'ready');
    await toConfirm(k, uid);
    vp.setState('paper-out');
    await press(k, 'ok');
    await screen(k, 'printer_not_ready');
    assert.match(k.out.text, 'Surat belum dicetak.');
    assert.equal(k.daemon.register.list(), [], 'the register is not touched');
    assert.is(k.daemon.register.size(), 0);
    assert.equal(vp.jobs, [], 'not a byte of a letter reached the printer');
    await press(k, 'ok');
    await screen(k, 'out_of_service');
    assert.ok(k.daemon.status().out_of_service.includes('paper_out'));
  } finally {
    await k.daemon.stop();
    await vp.close();
  }
});

test('connection dropped mid-letter: the entry ends failed, the resident is told with the number', async () => {
  const vp = await startVirtualPrinter('ready');
  const k = await startKiosk(undefined, { env: escposEnv(vp) });
  try {
    const { uid } = completeCard(k.daemon);
    await screen(k, 'idle');
    vp.dropAfter(600); // a demo letter is about 1,500 bytes
    await issueFirstLetter(k, uid);
    await screen(k, 'print_failed');
    const [entry] = k.daemon.register.list();
    assert.ok(entry, 'a number was taken before printing');
    assert.is(entry.status, 'failed');
    assert.is(entry.reason, 'print_connection_lost');
    const partial = await vp.nextJob();
    assert.not.ok(partial.complete, 'the printer received part of the letter');
    const shown = k.out.text.slice(k.out.text.lastIndexOf('--- screen: print_failed ---'));
    assert.match(shown, 'Printer terputus saat mencetak');
    assert.match(shown, `Nomor surat: ${entry.number}`);
    const failed = k.events.find((e) => e.type === 'letter_failed');
    assert.ok(failed && failed.type === 'letter_failed' && failed.number === entry.number);
    assert.is(failed.reason, 'print_connection_lost');
  } finally {
    await k.daemon.stop();
    await vp.close();
  }
});

test('the clock set forward while a letter prints is not a stuck print: the watchdog still sees a healthy kiosk', async () => {
  const vp = await startVirtualPrinter('ready');
  const clock = new FakeClock(Date.now());
  const k = await startKiosk(undefined, { env: escposEnv(vp), clock });
  try {
    const { uid } = completeCard(k.daemon);
    await screen(k, 'idle');
    vp.slow(400); // a demo letter takes a few seconds
    await toConfirm(k, uid);
    k.daemon.adapters.sim.buttons!.press('ok'); // not press(): it waits for the letter to end
    await screen(k, 'printing');
    clock.set(clock.now() + 3_600_000); // NTP answers at last: the wall clock jumps an hour
    assert.ok(k.daemon.healthy(), 'a wall-clock jump is not an hour of printing');
    // Time that really passes still counts (2 × timeout_ms + 5 s without the print ending).
    clock.advance(2 * k.daemon.config.hardware.printer.timeout_ms + 5_001);
    assert.not.ok(k.daemon.healthy(), 'a print stuck that long is reported to the watchdog');
    vp.slow(null);
    await screen(k, 'done');
  } finally {
    await k.daemon.stop();
    await vp.close();
  }
});

test.run();
