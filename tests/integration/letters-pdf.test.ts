/**
 * A letter printed through the kiosk is kept as issued (0600), and `anjungan letters pdf`
 * reproduces it as an A4 copy marked SALINAN, even after the village config changed; its QR,
 * read from the rasterised page, verifies against the kiosk's key.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { verifyToken } from '../../src/letters/verification-token.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { runCli } from '../support/cli-process.ts';
import { issueLetterThroughKiosk, startSimKiosk } from '../support/kiosk-letter.ts';
import { pdfFirstPagePng, pdfText, popplerAvailable } from '../support/poppler.ts';
import { decodeQrPng } from '../support/qr-decode.ts';

test('letters pdf: the letter as issued, SALINAN, full NIK, QR that verifies', async () => {
  if (!popplerAvailable()) return;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'anj-pdf-'));
  const verifyUrl = 'https://anjungan.pesawarankab.go.id/v/';
  const daemon = await startSimKiosk(dataDir, { ANJUNGAN_LETTERS_VERIFY_URL: verifyUrl });
  let number = '';
  let nik = '';
  try {
    await issueLetterThroughKiosk(daemon);
    const [entry] = daemon.register.list();
    number = entry!.number;
    nik = daemon.store.byRef(entry!.resident_ref)!.nik;
    const kept = path.join(dataDir, 'letters', `${entry!.id}.json`);
    assert.is(statSync(kept).mode & 0o777, 0o600, 'the kept letter holds a full NIK: 0600');
    assert.is(statSync(path.dirname(kept)).mode & 0o777, 0o700);
  } finally {
    await daemon.stop();
  }
  // The village renamed its head since: the copy still shows who signed then.
  const env = { ANJUNGAN_DATA_DIR: dataDir, ANJUNGAN_VILLAGE_HEAD_NAME: 'KEPALA BARU' };
  const out = path.join(dataDir, 'copy.pdf');
  const r = await runCli(['letters', 'pdf', number, '--out', out], { env });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /written to .*copy\.pdf as a A4 copy/);
  assert.is(statSync(out).mode & 0o777, 0o600);
  const pdf = readFileSync(out);
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  assert.ok(text.includes('SALINAN'));
  assert.ok(text.includes(`Nomor: ${number}`), text);
  assert.ok(text.includes(nik), 'the full NIK, as on the letter');
  assert.ok(text.includes(defaultConfig().village.head_name));
  assert.not.ok(text.includes('KEPALA BARU'), "not rebuilt from today's config");

  const scanned = await decodeQrPng(pdfFirstPagePng(pdf, 150));
  assert.ok(scanned?.startsWith(`${verifyUrl}#AJ2.`), String(scanned));
  const keys = await loadOrCreateKeys({ ...defaultConfig(), data_dir: dataDir }, { create: false });
  const check = verifyToken(scanned ?? '', keys.publicKey);
  assert.ok(check.ok && check.claims.number === number);

  const missing = await runCli(['letters', 'pdf', '470/999/1809102004/I/2020', '--out', out], { env });
  assert.is(missing.code, 1);
  const usage = await runCli(['letters', 'pdf', number], { env });
  assert.is(usage.code, 2);
});

test.run();
