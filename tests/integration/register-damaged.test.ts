/**
 * A damaged letter register keeps the kiosk up, out of service: the real `anjungan run` process
 * tells systemd READY (so systemd does not restart it in a loop), shows a screen that says so,
 * logs the file and line and what to do, gives no number, and leaves the file as it was.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { SCREEN_MS, startKiosk } from '../support/daemon-kiosk.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { hasPython, listen } from '../support/notify-listener.ts';
import { sktmRequest } from '../support/register-request.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

/** A register of two printed letters whose last reserve line had one digit of its sequence flipped. */
async function damagedRegister(dataDir: string): Promise<{ file: string; bytes: Buffer }> {
  const reg = await LetterRegister.open(dataDir, {
    numbering: defaultConfig().letters.numbering,
    villageCode: '1809102004',
    logger: silentLogger(),
  });
  for (let i = 0; i < 2; i++) {
    const e = await reg.reserve(sktmRequest(new Date(2024, 9, 15, 9, i)));
    await reg.markPrinted(e.id, new Date(2024, 9, 15, 9, i, 30));
  }
  await reg.close();
  const file = join(dataDir, 'register.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n');
  // Still valid JSON, so only the line's checksum can tell.
  lines[2] = lines[2]!.replace('"seq":2,', '"seq":3,');
  writeFileSync(file, lines.join('\n'));
  return { file, bytes: readFileSync(file) };
}

test('anjungan run with a damaged register: READY sent, stays up out of service naming the file, no number given', async () => {
  if (!hasPython) {
    if (process.env.CI === 'true') throw new Error('python3 is required in CI for the sd-notify listener');
    console.log('  skipped: python3 is not installed (the NOTIFY_SOCKET stand-in)');
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-damaged-'));
  const { file, bytes } = await damagedRegister(dataDir);
  const notify = await listen(join(dataDir, 'notify.sock'));
  const kiosk = new DaemonProcess(['run', '--sim'], {
    ANJUNGAN_DATA_DIR: dataDir,
    NOTIFY_SOCKET: notify.address,
  });
  try {
    await kiosk.waitOut('--- screen: out_of_service ---', PROCESS_START_MS);
    assert.match(kiosk.stdout, 'Data surat rusak — hubungi petugas');
    await notify.waitFor((m) => m.includes('READY=1'), PROCESS_START_MS);
    const fatal = kiosk.stderr.split('\n').find((l) => l.includes('LETTER REGISTER DAMAGED'));
    assert.ok(fatal, kiosk.stderr.slice(-2000));
    assert.ok(fatal.includes(`${file} line 3`), fatal);
    assert.match(fatal, 'docs/technician.md');

    // A resident's tap is answered by the same screen: no session, no number.
    kiosk.send(`tap ${DEMO_CARDS[0]!.uid}`);
    await kiosk.waitOut('sim: tapped');
    kiosk.send('press ok');
    await kiosk.waitOut('sim: pressed ok');
    assert.equal([...new Set(kiosk.screens())], ['out_of_service']);
    assert.is(kiosk.child.exitCode, null, 'the process is still up');

    kiosk.send('quit');
    assert.is(await kiosk.waitExit(), 0);
    assert.equal(readFileSync(file), bytes, 'the damaged file is left as it was, for the technician');
  } finally {
    await kiosk.kill('SIGKILL');
    notify.close();
  }
});

test('a damaged register is reported in the state as register_damaged; every write refuses', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anj-damaged-'));
  const { file } = await damagedRegister(dataDir);
  const again = await startKiosk(undefined, { dataDir });
  try {
    await waitFor(
      'out of service',
      () => again.daemon.runner.state.screen.name === 'out_of_service',
      SCREEN_MS,
    );
    const status = again.daemon.status();
    assert.equal(status.out_of_service, ['register_damaged']);
    assert.not.match(JSON.stringify(status), /r_0123|1234|Persyaratan/, 'nothing about residents');
    const err = await again.daemon.register
      .reserve({
        letter_type: 'sktm',
        code: 'S-11',
        resident_ref: 'r_x',
        nik_masked: '************0000',
        purpose: 'x',
        policy: 'final',
        at: new Date(),
      })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    assert.ok(err?.message.includes(`${file} line 3`), String(err));
  } finally {
    await again.daemon.stop();
  }
});

test('a damaged device key keeps the kiosk up, out of service, naming the key file; no key is made anew', async () => {
  const first = await startKiosk();
  await first.daemon.stop();
  const keyFile = join(first.dataDir, 'keys', 'uid-hmac.key');
  const cut = readFileSync(keyFile).subarray(0, 40);
  writeFileSync(keyFile, cut);
  const again = await startKiosk(undefined, { dataDir: first.dataDir });
  try {
    await waitFor(
      'out of service',
      () => again.daemon.runner.state.screen.name === 'out_of_service',
      SCREEN_MS,
    );
    assert.ok(again.daemon.status().out_of_service.includes('register_damaged'));
    assert.equal(readFileSync(keyFile), cut, 'the damaged key is left for the technician, not replaced');
  } finally {
    await again.daemon.stop();
  }
});

test.run();
