import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hintChips } from '../../src/display/hints.ts';
import type { ScreenModel } from '../../src/display/screen-model.ts';
import { screenFor } from '../../src/display/screens.ts';
import { renderTextFrame } from '../../src/display/text-frame.ts';
import { OUT_OF_SERVICE } from '../../src/display/text-id.ts';
import type { ScreenName } from '../../src/flows/kiosk-state.ts';
import { SimDisplay } from '../../src/hardware/display.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { allScreens, context, FULL_NIK, resident, session, state } from '../support/display-fixtures.ts';

/** Every Screen variant of kiosk-state.ts: the compiler fails here when one is added. */
const EVERY_SCREEN: Record<ScreenName, true> = {
  idle: true,
  reading: true,
  greeting: true,
  choose_letter: true,
  choose_purpose: true,
  confirm: true,
  printing: true,
  done: true,
  unknown_card: true,
  card_error: true,
  resident_inactive: true,
  limit_reached: true,
  record_incomplete: true,
  printer_not_ready: true,
  print_failed: true,
  out_of_service: true,
  card_pause: true,
  birth_date: true,
  birth_date_mismatch: true,
};

const models = allScreens().map((s) => ({ name: s.name, model: screenFor(s.state, context()) }));

function allText(m: ScreenModel): string {
  return JSON.stringify(m);
}

test('every screen variant of the flow produces a model with a title and its own id', () => {
  const covered = new Set(models.map((m) => m.model.id));
  for (const name of Object.keys(EVERY_SCREEN)) assert.ok(covered.has(name), `no fixture/model for ${name}`);
  for (const { name, model } of models) {
    assert.ok(model.title.length > 0, `${name} has a title`);
    assert.ok(model.lines.length > 0 || model.menu, `${name} says something`);
  }
});

test('every screen tells the resident what the buttons do, or what to do when none acts', () => {
  for (const { name, model } of models) {
    const chips = hintChips(model);
    // Idle lists no buttons (none acts before a card is tapped): its title says what to do.
    if (model.id === 'idle') {
      assert.equal(chips, [], `${name} lists no button that does nothing`);
      assert.is(model.title, 'Tempelkan e-KTP Anda');
      continue;
    }
    assert.ok(chips.length > 0 || (model.footer ?? '').length > 0, `${name} has hints`);
    const frame = renderTextFrame(model);
    const hintRow = frame.split('\n').at(-2) ?? '';
    assert.ok(hintRow.replace(/[|\s]/g, '').length > 0, `${name} frame shows its hints`);
  }
  const menu = models.find((m) => m.name === 'choose_letter')!.model;
  assert.equal(Object.keys(menu.hints).sort(), ['back', 'down', 'ok', 'up']);
});

test('the full NIK never appears in any model or frame; the greeting shows only the last 4 digits', () => {
  for (const { name, model } of models) {
    assert.not.ok(allText(model).includes(FULL_NIK), `${name} model`);
    assert.not.ok(renderTextFrame(model).includes(FULL_NIK), `${name} frame`);
  }
  const greeting = models.find((m) => m.name === 'greeting')!.model;
  assert.ok(greeting.lines.includes('NIK ****0007'));
  assert.ok(greeting.lines.includes(resident.nama));
  assert.ok(
    greeting.lines.some((l) => l.includes('Dusun Sukamaju') && l.includes('RT 002') && l.includes('RW 001')),
  );
  // Even a caller that passed the unmasked NIK by mistake gets only the last 4 digits on screen.
  const careless = screenFor(
    state({ name: 'greeting', session: session({ resident: { ...resident, nik_masked: FULL_NIK } }) }),
    context(),
  );
  assert.not.ok(allText(careless).includes(FULL_NIK.slice(0, 12)));
  assert.ok(careless.lines.includes('NIK ****0007'));
});

test('text frame: exact first line, menu marker on the selected item, progress bar', () => {
  for (const { model } of models)
    assert.equal(renderTextFrame(model).split('\n')[0], `--- screen: ${model.id} ---`);
  const letters = renderTextFrame(models.find((m) => m.name === 'choose_letter')!.model);
  const marked = letters.split('\n').filter((l) => l.startsWith('| > '));
  assert.equal(marked.length, 1);
  assert.ok(marked[0]!.includes('Keterangan Bepergian'));
  const printing = renderTextFrame(models.find((m) => m.name === 'printing')!.model);
  assert.match(printing, /\[#{18}\.{12}\] 60%/);
});

test('status bar: printer word, network, and "--:--" while the clock is untrusted', () => {
  const idle = models.find((m) => m.name === 'idle')!.model.status;
  assert.equal(idle, {
    village: 'Desa Hanura',
    printer: 'Printer siap',
    printer_ok: true,
    printer_level: 'ok',
    network: 'Terhubung',
    network_ok: true,
    time: '09:30',
  });
  assert.equal(models.find((m) => m.name === 'idle-clock-untrusted')!.model.status.time, '--:--');
  const offline = screenFor(
    state({ name: 'idle' }, { printer: 'paper_out' }),
    context({ network: 'offline' }),
  ).status;
  assert.equal(
    [offline.printer, offline.printer_ok, offline.printer_level, offline.network, offline.network_ok],
    ['Kertas habis', false, 'bad', 'Tidak terhubung', false],
  );
  // Paper near its end still prints: a warning, not the red of a fault.
  const nearEnd = screenFor(state({ name: 'idle' }, { printer: 'paper_near_end' }), context()).status;
  assert.is(nearEnd.printer_level, 'warn');
  assert.equal(screenFor(state({ name: 'idle' }), context({ network: 'none' })).status.network, '');
  const idleModel = models.find((m) => m.name === 'idle')!.model;
  assert.is(idleModel.title, 'Tempelkan e-KTP Anda');
  assert.ok(idleModel.lines.includes('Senin, 14 Oktober 2024'));
  assert.ok(idleModel.lines.some((l) => l.includes('Hanura')));
  const hinted = screenFor(state({ name: 'idle' }), context({ readerHint: 'di sebelah kanan layar' }));
  assert.is(hinted.lines[0], 'di sebelah kanan layar', 'the reader location hint says where to tap');
});

test('out of service names its reason in plain words; the district can give its own', () => {
  const words = (id: string) => models.find((m) => m.name === id)!.model.lines[0];
  assert.equal(words('out_of_service-paper'), 'Kertas habis');
  assert.equal(words('out_of_service-printer'), 'Printer mati');
  assert.equal(words('out_of_service-reader'), 'Pembaca kartu tidak terhubung');
  assert.equal(words('out_of_service-clock'), 'Jam belum disetel');
  assert.equal(words('out_of_service-remote'), 'Pemeliharaan anjungan hari ini');
  const noText = screenFor(
    state({ name: 'out_of_service', reasons: ['remote'], remote_reason: null }),
    context(),
  );
  assert.equal(noText.lines[0], OUT_OF_SERVICE.remote);
  assert.equal(noText.tone, 'error');
});

test('confirm and done say whether the letter is final or must be signed at the office', () => {
  const text = (id: string) => models.find((m) => m.name === id)!.model.lines.join('\n');
  assert.match(text('confirm'), /Surat: Keterangan Tidak Mampu/);
  assert.match(text('confirm'), /Keperluan: Berobat ke rumah sakit \(BPJS\)/);
  assert.match(text('confirm'), /ditandatangani di kantor desa/);
  assert.match(text('confirm-final'), /langsung jadi/);
  assert.match(text('done'), /Silakan ambil surat Anda/);
  assert.match(text('done'), /400\.12\.3\.2\/007\/1809102004\/X\/2024/);
  assert.match(text('done'), /Bawa ke kantor desa untuk ditandatangani/);
  assert.not.match(text('done-final'), /ditandatangani/);
});

test('message screens explain what happened and what to do', () => {
  const get = (id: string) => models.find((m) => m.name === id)!.model;
  assert.equal(get('card_error-removed').title, 'Kartu dilepas terlalu cepat');
  assert.equal(get('card_error-unreadable').title, 'Kartu tidak dapat dibaca');
  assert.equal(get('card_error-random_uid').title, 'Kartu tidak dikenali');
  assert.match(get('unknown_card').lines.join(' '), /kantor desa/);
  assert.match(get('record_incomplete').lines.join(' '), /Tempat Lahir, Pekerjaan, Status Perkawinan/);
  assert.match(get('limit_reached').lines.join(' '), /Keterangan Tidak Mampu sudah dicetak 2 kali hari ini/);
  assert.match(get('resident_inactive').lines.join(' '), /PINDAH/);
  assert.match(get('printer_not_ready').lines.join(' '), /Kertas habis/);
  assert.match(get('print_failed').lines.join(' '), /Nomor surat: 400\.12\.3\.2\/008/);
  assert.not.match(get('print_failed-no_number').lines.join(' '), /something odd/);
});

test('SimDisplay prints a frame only when it changes and writes the PNG atomically', async () => {
  const dir = mkdtempSync(`${os.tmpdir()}/anj-`);
  try {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => {
      written += c.toString();
    });
    const pngPath = `${dir}/sim/screen.png`;
    const display = new SimDisplay({
      out,
      pngPath,
      width: 480,
      height: 320,
      orientation: 'portrait',
      logger: silentLogger(),
    });
    await display.start();
    const greeting = models.find((m) => m.name === 'greeting')!.model;
    const idle = models.find((m) => m.name === 'idle')!.model;
    await Promise.all([display.show(greeting), display.show(greeting)]);
    await display.show(idle);
    await display.show(idle);
    await display.stop();
    assert.equal(written.match(/^--- screen: /gm)?.length, 2);
    assert.ok(written.startsWith('--- screen: greeting ---\n'));
    assert.equal(readdirSync(`${dir}/sim`), ['screen.png']);
    const meta = await sharp(readFileSync(pngPath)).metadata();
    assert.equal([meta.format, meta.width, meta.height], ['png', 320, 480]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SimDisplay draws only the newest waiting screen: frames faster than the PNG renders do not queue up', async () => {
  const dir = mkdtempSync(`${os.tmpdir()}/anj-`);
  try {
    const out = new PassThrough();
    out.resume();
    const display = new SimDisplay({
      out,
      pngPath: `${dir}/sim/screen.png`,
      width: 480,
      height: 320,
      orientation: 'portrait',
      logger: silentLogger(),
    });
    await display.start();
    const printing = models.find((m) => m.name === 'printing')!.model;
    // 100 different screens in one tick, as a fast script or a fake clock produces them.
    const shows = Array.from({ length: 100 }, (_, i) =>
      display.show({ ...printing, progress: (i + 1) / 100 }),
    );
    await Promise.all(shows);
    await display.stop();
    // The first is drawn at once; the 99 after it replace one another while it renders.
    assert.ok(display.pngWrites <= 2, `${display.pngWrites} PNGs written for 100 screens`);
    const meta = await sharp(readFileSync(`${dir}/sim/screen.png`)).metadata();
    assert.is(meta.format, 'png');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
