import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { type ErrorCode, isKioskError } from '../../src/errors.ts';
import { decodeEscpos } from '../../src/hardware/escpos-decoder.ts';
import { SimPrinter, type SimPrinterOptions } from '../../src/hardware/printer.sim.ts';
import type { PrinterStatus } from '../../src/hardware/printer.ts';
import { composeLetter } from '../../src/letters/compose-letter.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import type { PrintDocument } from '../../src/letters/print-document.ts';
import { silentLogger } from '../../src/log.ts';
import type { Resident } from '../../src/store/resident.ts';

const resident: Resident = {
  nik: '1809101203800001',
  no_kk: '1809101234560001',
  nama: 'AHMAD FAUZI',
  tempat_lahir: 'Pesawaran',
  tanggal_lahir: '1980-03-12',
  jenis_kelamin: 'LAKI-LAKI',
  agama: 'ISLAM',
  status_perkawinan: 'KAWIN',
  pekerjaan: 'NELAYAN',
  kewarganegaraan: 'WNI',
  alamat: 'Jl. Pantai No. 3',
  rt: '001',
  rw: '001',
  dusun: 'Hanura I',
  status_dasar: 'HIDUP',
};
const type = loadLetterTypes({}).find((t) => t.id === 'keterangan_penduduk');
if (!type) throw new Error('keterangan_penduduk missing');
const doc: PrintDocument = composeLetter({
  village: defaultConfig().village,
  resident,
  type,
  number: '470/012/1809102004/XI/2026',
  purpose: 'Persyaratan administrasi',
  issuedAt: new Date(2026, 10, 23, 9),
  token: 'AJ1.test.token',
  columns: 32,
});

const dirs: string[] = [];
function printer(over: Partial<SimPrinterOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'anj-'));
  dirs.push(dir);
  const p = new SimPrinter({ dir, paperMm: 58, nativeQr: false, logger: silentLogger(), ...over });
  const statuses: PrinterStatus[] = [];
  p.on('status', (s) => statuses.push(s));
  return { p, dir, statuses };
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isKioskError(err, code), `expected ${code}, got ${String(err)}`);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('prints: raw ESC/POS kept as <id>.bin, decodable to the letter; roll spent; progress to 1', async () => {
  const { p, dir } = printer({ rollLines: 1000 });
  await p.start();
  const progress: number[] = [];
  await p.print({ id: 'L-0001', document: doc, onProgress: (f) => progress.push(f) });
  const job = decodeEscpos(readFileSync(join(dir, 'L-0001.bin')));
  const text = job.lines.map((l) => l.text).join('\n');
  assert.ok(
    text.includes('1809101203800001') &&
      text.includes('AHMAD FAUZI') &&
      text.includes('SURAT KETERANGAN PENDUDUK'),
  );
  assert.is(job.cuts, 1);
  assert.is(job.images.length, 1, 'the QR');
  assert.ok(p.rollLines < 1000 && p.rollLines > 850, `roll left ${p.rollLines}`);
  assert.is(progress.at(-1), 1);
  assert.ok(
    progress.every((f, k) => k === 0 || f >= (progress[k - 1] ?? 0)),
    'progress never goes back',
  );
  assert.is(p.status, 'ready');
  await p.stop();
});

test('refuses before writing anything when not ready, with the matching code', async () => {
  const cases: ['paper-out' | 'cover-open' | 'offline', ErrorCode, PrinterStatus][] = [
    ['paper-out', 'paper_out', 'paper_out'],
    ['cover-open', 'cover_open', 'cover_open'],
    ['offline', 'printer_offline', 'offline'],
  ];
  for (const [state, code, status] of cases) {
    const { p, dir, statuses } = printer();
    await p.start();
    p.setState(state);
    assert.is(p.status, status);
    assert.is(await p.probe(), status);
    assert.equal(statuses, [status], 'one status event');
    await rejectsWith(p.print({ id: `refused-${state}`, document: doc }), code);
    assert.equal(readdirSync(dir), [], 'no .bin written');
  }
});

test('paper runs out mid-job: paper_out, partial .bin kept, status event; new roll prints again', async () => {
  const { p, dir, statuses } = printer({ rollLines: 30 });
  await p.start();
  await rejectsWith(p.print({ id: 'L-0002', document: doc }), 'paper_out');
  assert.is(p.status, 'paper_out');
  assert.ok(statuses.includes('paper_out'));
  const partial = readFileSync(join(dir, 'L-0002.bin'));
  const job = decodeEscpos(partial);
  assert.ok(
    job.lines.length > 0 && job.lines.length <= 30,
    `${job.lines.length} lines printed before the roll ended`,
  );
  assert.is(job.lines[0]?.text, 'PEMERINTAH KABUPATEN PESAWARAN');
  assert.is(job.cuts, 0, 'never reached the cut');
  await rejectsWith(p.print({ id: 'L-0003', document: doc }), 'paper_out');
  assert.not.ok(existsSync(join(dir, 'L-0003.bin')), 'refused job leaves no file');

  p.loadPaper(1000);
  assert.is(p.status, 'ready');
  await p.print({ id: 'L-0004', document: doc });
  assert.is(decodeEscpos(readFileSync(join(dir, 'L-0004.bin'))).cuts, 1);
  assert.is(statuses.at(-1), 'ready');
});

test('near end: still prints, reports paper_near_end once', async () => {
  const { p, statuses } = printer({ rollLines: 200, nearEndLines: 150 });
  await p.start();
  await p.print({ id: 'L-0005', document: doc });
  assert.is(p.status, 'paper_near_end');
  assert.equal(statuses, ['paper_near_end']);
  await p.print({ id: 'L-0006', document: doc });
  await rejectsWith(p.print({ id: 'L-0007', document: doc }), 'paper_out');
  assert.equal(statuses, ['paper_near_end', 'paper_out']);
});

test('offline mid-job: print_connection_lost, partial .bin kept', async () => {
  const { p, dir } = printer({ msPerLine: 1 });
  await p.start();
  let switched = false;
  const run = p.print({
    id: 'L-0008',
    document: doc,
    onProgress: (f) => {
      if (f > 0.1 && !switched) {
        switched = true;
        p.setState('offline');
      }
    },
  });
  await rejectsWith(run, 'print_connection_lost');
  const sent = readFileSync(join(dir, 'L-0008.bin'));
  assert.ok(sent.length > 0, 'what was sent is kept');
  assert.is(decodeEscpos(sent).cuts, 0);
  assert.is(p.status, 'offline');
  p.setState('ready');
  assert.is(p.status, 'ready');
});

test('cover opened mid-job: cover_open', async () => {
  const { p } = printer({ msPerLine: 1 });
  await p.start();
  const run = p.print({
    id: 'L-0009',
    document: doc,
    onProgress: (f) => f > 0.2 && p.setState('cover-open'),
  });
  await rejectsWith(run, 'cover_open');
});

test('single-flight: a second job waits for the first, even when the first fails', async () => {
  const { p, dir } = printer({ msPerLine: 1 });
  await p.start();
  const events: string[] = [];
  const first = p.print({
    id: 'A',
    document: doc,
    onProgress: (f) => {
      if (events.at(-1) !== 'A') events.push('A');
      if (f === 1) events.push('A done');
    },
  });
  const second = p.print({
    id: 'B',
    document: doc,
    onProgress: (f) => {
      if (events.at(-1) !== 'B') events.push('B');
      if (f === 1) events.push('B done');
    },
  });
  await Promise.all([first, second]);
  assert.equal(events, ['A', 'A done', 'B', 'B done']);
  assert.equal(readdirSync(dir).sort(), ['A.bin', 'B.bin']);

  // A failing job does not block the queue.
  p.setState('offline');
  const failing = p.print({ id: 'C', document: doc });
  const next = failing.catch(() => undefined).then(() => p.setState('ready'));
  await rejectsWith(failing, 'printer_offline');
  await next;
  await p.print({ id: 'D', document: doc });
  assert.ok(existsSync(join(dir, 'D.bin')));
});

test('stdin mapping: setState("ready") after paper-out loads a new roll', async () => {
  const { p } = printer({ rollLines: 500 });
  p.setState('paper-out');
  assert.is(p.rollLines, 0);
  p.setState('ready');
  assert.is(p.rollLines, 500);
  assert.is(p.status, 'ready');
  assert.match(p.describe(), /58 mm/);
});

test.run();
