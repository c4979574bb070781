/**
 * A4 letters through a real CUPS (its own cupsd, a raw queue in front of a test backend): a whole
 * resident session prints the letter as a PDF that CUPS delivers (text and QR checked with
 * poppler), the spool keeps no job file; a stopped queue means "printer not ready" before any
 * number is taken; a job cancelled mid-way ends `failed`.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { verifyToken } from '../../src/letters/verification-token.ts';
import type { Daemon } from '../../src/main.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { runCli } from '../support/cli-process.ts';
import { type Cups, cupsAvailable, startCups } from '../support/cups.ts';
import { issueLetterThroughKiosk, startSimKiosk, waitForScreen } from '../support/kiosk-letter.ts';
import { pdfFirstPagePng, pdfText, popplerAvailable } from '../support/poppler.ts';
import { decodeQrPng, decodeQrRaster } from '../support/qr-decode.ts';
import { waitFor } from '../support/wait.ts';

const ready = cupsAvailable() && popplerAvailable();
const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-cups-kiosk-'));
const verifyUrl = 'https://anjungan.pesawarankab.go.id/v/';
let cups: Cups | null = null;
let daemon: Daemon | null = null;

test.before(async () => {
  if (!ready) return;
  cups = await startCups();
  daemon = await startSimKiosk(dataDir, {
    ANJUNGAN_HARDWARE_PRINTER_DRIVER: 'cups',
    ANJUNGAN_HARDWARE_PRINTER_CUPS_QUEUE: cups.queueUrl,
    ANJUNGAN_HARDWARE_RECEIPT_PRINTER_DRIVER: 'sim',
    ANJUNGAN_LETTERS_VERIFY_URL: verifyUrl,
    ANJUNGAN_LIMITS_DAILY_PER_TYPE: '10',
    ANJUNGAN_TIMEOUTS_DONE_S: '1',
    ANJUNGAN_TIMEOUTS_MESSAGE_S: '1',
  });
});

test.after(async () => {
  await daemon?.stop();
  await cups?.close();
});

test('a resident session prints the A4 letter through CUPS; its spool keeps no job file', async () => {
  if (!cups || !daemon) return;
  await issueLetterThroughKiosk(daemon);
  const [entry] = daemon.register.list();
  assert.is(entry?.status, 'printed');
  const resident = daemon.store.byRef(entry!.resident_ref)!;
  const [file] = cups.printed();
  assert.ok(file, 'CUPS delivered a document');
  const pdf = readFileSync(file);
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  assert.ok(text.includes(`Nomor: ${entry!.number}`), text);
  assert.match(text, /SURAT (KETERANGAN|PENGANTAR)/, 'the title');
  assert.ok(text.includes('PEMERINTAH KABUPATEN PESAWARAN'), 'the kop surat');
  assert.ok(text.includes(resident.nik), 'the full NIK on the letter');
  assert.ok(text.includes(resident.nama));
  assert.not.ok(text.includes('SALINAN'), 'the original, not a copy');
  const scanned = await decodeQrPng(pdfFirstPagePng(pdf, 150));
  const keys = await loadOrCreateKeys({ ...defaultConfig(), data_dir: dataDir }, { create: false });
  const check = verifyToken(scanned ?? '', keys.publicKey);
  assert.ok(check.ok && check.claims.number === entry!.number, String(scanned));
  assert.equal(
    readdirSync(cups.spoolDir).filter((f) => f.startsWith('d')),
    [],
    'PreserveJobFiles No: no document (full NIK) left in the spool',
  );

  // The resident's slip from the thermal receipt printer: which letter, where to take it, the QR.
  const slip = decodeEscpos(readFileSync(path.join(dataDir, 'sim', 'receipts', `${entry!.id}-receipt.bin`)));
  const slipText = slip.lines.map((l) => l.text.trim()).join(' ');
  assert.match(slipText, /TANDA TERIMA SURAT/);
  assert.ok(slipText.includes(entry!.number.slice(0, 20)), slipText);
  assert.match(slipText, /ambil surat di printer A4/);
  assert.not.ok(slipText.includes(resident.nik), 'no NIK on the slip');
  assert.is(decodeQrRaster(slip.images.at(-1)!), scanned, 'the same QR as the letter');
  assert.equal(daemon.status().printers, { letter: 'ready', receipt: 'ready' });
  await waitForScreen(daemon, 'idle');
});

test('a stopped queue: printer not ready before any number is taken', async () => {
  if (!cups || !daemon) return;
  const before = daemon.register.size();
  await cups.tool('cupsdisable', ['A4']);
  try {
    await issueLetterThroughKiosk(daemon, 'printer_not_ready');
    assert.is(daemon.register.size(), before, 'no number taken');
    assert.is(daemon.adapters.printer.status, 'offline');
  } finally {
    await cups.tool('cupsenable', ['A4']);
  }
  await waitForScreen(daemon, 'idle');
});

test('a job cancelled mid-way ends failed', async () => {
  if (!cups || !daemon) return;
  const cupsRef = cups;
  await cupsRef.holdJobs();
  const d = daemon;
  try {
    const session = issueLetterThroughKiosk(d, 'print_failed');
    await waitFor(
      'the job printing in CUPS',
      async () => (await cupsRef.tool('lpstat', ['-o', 'A4'])).includes('A4-'),
      20_000,
      200,
    );
    await cupsRef.tool('cancel', ['-a', 'A4']);
    await session;
  } finally {
    await cupsRef.releaseJobs();
  }
  const last = d.register.list().at(-1);
  assert.is(last?.status, 'failed');
  assert.is(last?.reason, 'print_connection_lost');
  await waitForScreen(d, 'idle');
});

test("a receipt printer's fault: the letter still prints, the slip is skipped, the state says why", async () => {
  if (!cups || !daemon) return;
  const receipt = daemon.adapters.sim.receiptPrinter!;
  receipt.setState('paper-out');
  try {
    const before = cups.printed().length;
    await issueLetterThroughKiosk(daemon);
    const last = daemon.register.list().at(-1)!;
    assert.is(last.status, 'printed');
    assert.is(cups.printed().length, before + 1, 'the A4 letter printed');
    assert.not.ok(
      readdirSync(path.join(dataDir, 'sim', 'receipts')).includes(`${last.id}-receipt.bin`),
      'no slip on an empty roll',
    );
    assert.equal(daemon.status().printers, { letter: 'ready', receipt: 'paper_out' });
    assert.equal(daemon.status().out_of_service, [], 'the kiosk stays in service');
  } finally {
    receipt.setState('ready');
  }
  await waitForScreen(daemon, 'idle');
});

test('print-test --cups prints an A4 test page through the CUPS queue', async () => {
  if (!cups) return;
  const before = new Set(cups.printed());
  const r = await runCli(['print-test', '--cups'], {
    env: {
      ANJUNGAN_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'anj-cups-test-')),
      ANJUNGAN_HARDWARE_PRINTER_CUPS_QUEUE: cups.queueUrl,
    },
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /status: ready\n.*test page printed on A4/s);
  const added = cups.printed().filter((f) => !before.has(f));
  assert.is(added.length, 1, `one new document (the cancelled letter never prints): ${added.join(', ')}`);
  const newest = added[0]!;
  const pdf = readFileSync(newest);
  assert.match(pdfText(pdf), /HALAMAN UJI PRINTER/);
  assert.match((await decodeQrPng(pdfFirstPagePng(pdf, 150))) ?? '', /^ANJUNGAN TEST kiosk-01 1809102004$/);
});

test.run();
