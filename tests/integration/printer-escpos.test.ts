/**
 * The ESC/POS adapter printing real letters over TCP into the virtual printer, which answers
 * DLE EOT like a printer and decodes what it received.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { isKioskError } from '../../src/errors.ts';
import { createEscposPrinter } from '../../src/hardware/printer.escpos.ts';
import type { Printer, PrinterStatus } from '../../src/hardware/printer.ts';
import { composeLetter } from '../../src/letters/compose-letter.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import type { PrintDocument } from '../../src/letters/print-document.ts';
import { silentLogger } from '../../src/log.ts';
import { demoResidents } from '../../src/store/demo-data.ts';
import { startVirtualPrinter, type VirtualPrinter } from '../support/virtual-printer.ts';
import { ptyBridgeUnavailable, startPtyBridge } from '../support/virtual-printer-pty.ts';

const config = defaultConfig();

function letter(columns: 32 | 48 = 32): PrintDocument {
  const resident = demoResidents().find((r) => r.status_dasar === 'HIDUP') ?? demoResidents()[0]!;
  const type = loadLetterTypes({}).find((t) => t.id === 'domisili')!;
  return composeLetter({
    village: config.village,
    resident,
    type,
    number: '470/001/1809102004/XI/2026',
    purpose: 'Persyaratan administrasi',
    issuedAt: new Date('2026-11-23T03:00:00Z'),
    token: 'v1.TESTTOKEN',
    columns,
  });
}

async function withPrinter(
  vp: VirtualPrinter,
  over: Partial<typeof config.hardware.printer>,
  fn: (p: Printer, statuses: PrinterStatus[]) => Promise<void>,
): Promise<void> {
  const cfg = { ...config.hardware.printer, driver: 'escpos' as const, interface: vp.url, ...over };
  const printer = await createEscposPrinter(cfg, {
    nativeQr: false,
    logger: silentLogger(),
    probeTimeoutMs: 500,
  });
  const statuses: PrinterStatus[] = [];
  printer.on('status', (s) => statuses.push(s));
  await printer.start();
  try {
    await fn(printer, statuses);
  } finally {
    await printer.stop();
  }
}

test('a letter printed through the adapter decodes back to the letter (58 mm)', async () => {
  const vp = await startVirtualPrinter();
  try {
    await withPrinter(vp, {}, async (printer) => {
      assert.is(printer.status, 'ready');
      const progress: number[] = [];
      const doc = letter(32);
      await printer.print({ id: 'job-1', document: doc, onProgress: (f) => progress.push(f) });
      const job = await vp.nextJob();
      assert.ok(job.complete);
      const text = job.decoded.lines.map((l) => l.text);
      assert.ok(
        text.some((l) => l.includes('470/001/1809102004/XI/2026')),
        'letter number printed',
      );
      assert.ok(
        text.some((l) => /DESA HANURA/.test(l)),
        'kop surat printed',
      );
      assert.ok(
        job.decoded.lines.some((l) => l.bold && l.align === 'center'),
        'bold centred title',
      );
      assert.ok(
        text.every((l) => l.length <= 32),
        'nothing wider than 58 mm paper',
      );
      assert.ok(job.decoded.images.length >= 1, 'QR printed as a raster image');
      assert.ok(
        job.decoded.images.every((i) => i.width <= 384),
        'images within the 384-dot head',
      );
      assert.is(job.decoded.cuts, 1);
      assert.equal(job.queries.slice(0, 2), [1, 4], 'status probed before the letter');
      assert.ok(job.queries.length >= 4, 'and again after it');
      assert.is(progress.at(-1), 1);
      assert.ok(progress.length > 3 && progress.every((f, i) => i === 0 || f >= progress[i - 1]!));
    });
  } finally {
    await vp.close();
  }
});

test('paper near end still prints and is reported; paper out refuses before a byte is sent', async () => {
  const vp = await startVirtualPrinter('paper-near-end');
  try {
    await withPrinter(vp, {}, async (printer, statuses) => {
      assert.is(printer.status, 'paper_near_end');
      await printer.print({ id: 'j1', document: letter() });
      assert.ok((await vp.nextJob()).complete);
      vp.setState('paper-out');
      const err = await printer.print({ id: 'j2', document: letter() }).catch((e: unknown) => e);
      assert.ok(isKioskError(err, 'paper_out'), String(err));
      assert.match((err as Error).message, /load a new paper roll/);
      assert.is(printer.status, 'paper_out');
      assert.equal(statuses, ['paper_near_end', 'paper_out']);
      vp.setState('ready');
      assert.is(await printer.probe(), 'ready');
      // The printer answered a connection opened after the refused one closed: it saw that end.
      assert.is(vp.jobs.length, 1, 'nothing of the refused letter reached the printer');
    });
  } finally {
    await vp.close();
  }
});

test('cover open and a printer that does not answer are refused with their own codes', async () => {
  const vp = await startVirtualPrinter('cover-open');
  try {
    await withPrinter(vp, {}, async (printer) => {
      assert.is(printer.status, 'cover_open');
      const err = await printer.print({ id: 'j1', document: letter() }).catch((e: unknown) => e);
      assert.ok(isKioskError(err, 'cover_open'), String(err));
      vp.setState('ready');
      await vp.setOffline('silent');
      assert.is(await printer.probe(), 'offline');
      await vp.setOffline('refuse');
      const off = await printer.print({ id: 'j2', document: letter() }).catch((e: unknown) => e);
      assert.ok(isKioskError(off, 'printer_offline'), String(off));
      await vp.setOffline('none');
      assert.is(await printer.probe(), 'ready');
      assert.is(vp.jobs.length, 0);
    });
  } finally {
    await vp.close();
  }
});

test('connection dropped mid-job: print_connection_lost, printer offline; the next letter prints whole', async () => {
  const vp = await startVirtualPrinter();
  try {
    await withPrinter(vp, {}, async (printer) => {
      vp.dropAfter(2000);
      const err = await printer.print({ id: 'j1', document: letter() }).catch((e: unknown) => e);
      assert.ok(isKioskError(err, 'print_connection_lost'), String(err));
      assert.is(printer.status, 'offline');
      const partial = await vp.nextJob();
      assert.not.ok(partial.complete);
      await printer.print({ id: 'j2', document: letter() });
      const whole = await vp.nextJob();
      assert.ok(whole.complete);
      assert.is(printer.status, 'ready');
    });
  } finally {
    await vp.close();
  }
});

test('a printer too slow for timeout_ms: print_timeout, and the late job cannot mix into the next', async () => {
  const vp = await startVirtualPrinter();
  try {
    await withPrinter(vp, { timeout_ms: 1000 }, async (printer) => {
      vp.slow(4000); // bytes per second: a letter takes several seconds
      const started = Date.now();
      const p1 = printer.print({ id: 'slow', document: letter() });
      const p2 = printer.print({ id: 'next', document: letter() }); // queued behind it
      const err = await p1.catch((e: unknown) => e);
      assert.ok(isKioskError(err, 'print_timeout'), String(err));
      assert.ok(Date.now() - started < 5000);
      vp.slow(null);
      await p2;
      const [late, next] = [await vp.nextJob(), await vp.nextJob()];
      // Bytes the printer had already buffered still print (as with a real printer), but each
      // letter is whole and on its own: nothing of the late one inside the next.
      assert.ok(next!.complete, 'the queued letter printed');
      assert.is(next!.decoded.cuts, 1);
      assert.ok(
        late!.bytes.equals(next!.bytes) || !late!.complete,
        'the late job is either whole or cut off, never mixed',
      );
      const number = (j: typeof late) => j!.decoded.lines.filter((l) => l.text.includes('470/001/')).length;
      assert.is(number(next), 1);
    });
  } finally {
    await vp.close();
  }
});

test('a bad tcp interface is a config error', async () => {
  const cfg = { ...config.hardware.printer, driver: 'escpos' as const, interface: 'tcp://printer' };
  const err = await createEscposPrinter(cfg, { nativeQr: false, logger: silentLogger() }).catch(
    (e: unknown) => e,
  );
  assert.ok(isKioskError(err, 'config_invalid'));
});

test('device path (like /dev/usb/lp0): status read back over the same file, letter printed', async () => {
  const why = ptyBridgeUnavailable();
  if (why) {
    if (process.env.CI === 'true') throw new Error(why);
    console.log(`SKIP device-path test: ${why}`);
    return;
  }
  const vp = await startVirtualPrinter('paper-near-end');
  const bridge = await startPtyBridge(vp.port);
  try {
    const cfg = { ...config.hardware.printer, driver: 'escpos' as const, interface: bridge.path };
    const printer = await createEscposPrinter(cfg, {
      nativeQr: false,
      logger: silentLogger(),
      probeTimeoutMs: 1000,
    });
    await printer.start();
    try {
      assert.is(printer.status, 'paper_near_end');
      await printer.print({ id: 'dev-1', document: letter() });
      vp.setState('paper-out');
      assert.is(await printer.probe(), 'paper_out');
    } finally {
      await printer.stop();
    }
  } finally {
    await bridge.close();
  }
  const job = await vp.nextJob(); // the bridge's connection ends: the printer sees the job end
  assert.ok(job.decoded.lines.some((l) => l.text.includes('470/001/1809102004/XI/2026')));
  assert.is(job.decoded.cuts, 1);
  await vp.close();
});

test('device path that never answers DLE EOT (a FIFO echoes our own bytes): offline, nothing printed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const fifo = path.join(dir, 'lp0');
  execFileSync('mkfifo', [fifo]);
  try {
    const cfg = { ...config.hardware.printer, driver: 'escpos' as const, interface: fifo };
    const printer = await createEscposPrinter(cfg, {
      nativeQr: false,
      logger: silentLogger(),
      probeTimeoutMs: 300,
    });
    assert.is(await printer.probe(), 'offline');
    const err = await printer.print({ id: 'x', document: letter() }).catch((e: unknown) => e);
    assert.ok(isKioskError(err, 'printer_offline'), String(err));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
