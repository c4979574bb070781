/**
 * What a power cut (SIGKILL) in the middle of archiving a letter leaves behind, as the crash
 * campaign found it: temp files that piled up in <data_dir>/letters/ (one per cut), and a logo
 * written in place, which a cut could leave torn and then reused for every later copy.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { archiveLetter, readArchivedLetter } from '../../src/letters/letter-archive.ts';
import { sampleIssuedLetter } from '../support/archived-letter.ts';
import { startKiosk } from '../support/daemon-kiosk.ts';

const { privateKey } = generateKeyPairSync('ed25519');

test('temp files a power cut left in the letter archive are removed when the kiosk starts', async () => {
  const k = await startKiosk((dataDir) => {
    mkdirSync(join(dataDir, 'letters', 'logos'), { recursive: true });
    writeFileSync(join(dataDir, 'letters', '20261205-000001.json.tmp-4242'), '{"v":1,"id":"2026');
    writeFileSync(join(dataDir, 'letters', 'logos', 'abc.png.tmp-4243'), 'PNG');
    writeFileSync(join(dataDir, 'letters', '20261205-000002.json'), '{}');
  });
  try {
    assert.equal(readdirSync(join(k.dataDir, 'letters')).sort(), ['20261205-000002.json', 'logos']);
    assert.equal(readdirSync(join(k.dataDir, 'letters', 'logos')), []);
  } finally {
    await k.daemon.stop();
  }
});

test('a logo torn by a power cut is written again whole, not reused for later copies', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-archive-'));
  const logo = randomBytes(4096); // the archive keeps the village's logo file as it is
  const first = sampleIssuedLetter(privateKey, 'domisili', { id: '20261205-000001' });
  const { v: _v, logo: _l, ...letter } = first;
  await archiveLetter(dataDir, letter, logo);
  const { letter: kept } = await readArchivedLetter(dataDir, '20261205-000001');
  const logoFile = join(dataDir, 'letters', 'logos', `${kept.logo}.png`);
  writeFileSync(logoFile, logo.subarray(0, 100)); // the cut
  await archiveLetter(dataDir, { ...letter, id: '20261205-000002' }, logo);
  assert.ok(readFileSync(logoFile).equals(logo), 'the logo is whole again');
  const again = await readArchivedLetter(dataDir, '20261205-000002');
  assert.ok(again.logo?.equals(logo));
  assert.not.ok(existsSync(`${logoFile}.tmp-${process.pid}`));
});

test.run();
