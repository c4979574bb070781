/**
 * The whole daemon on real peers: a private pcscd with the vsmartcard virtual reader and a
 * virtual e-KTP (ISO 14443-4), and the ESC/POS printer adapter printing over TCP into the
 * virtual printer. Buttons stay simulated (stdin), as on a kiosk with a real reader and printer
 * being tested from a terminal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/log.ts';
import { demoResidents } from '../../src/store/demo-data.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { DaemonProcess } from '../support/daemon-process.ts';
import { skipWithoutPcscd, startPcscd } from '../support/pcscd.ts';
import { ATR_ISO14443_4, tapCard } from '../support/virtual-card.ts';
import { startVirtualPrinter } from '../support/virtual-printer.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

const UID = '04A1B2C3D4E5F6';

async function provision(
  dir: string,
  printerUrl: string,
): Promise<{ config: string; nik: string; nama: string }> {
  const dataDir = join(dir, 'data');
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      data_dir: dataDir,
      hardware: {
        reader: { driver: 'pcsc' },
        printer: { driver: 'escpos', interface: printerUrl, paper_mm: 58, status_interval_s: 1 },
      },
      log: { level: 'info' },
    }),
  );
  const loaded = loadConfig({ path: config, env: {} });
  const keys = await loadOrCreateKeys(loaded.config);
  const store = await ResidentStore.open(dataDir, keys.uidKey, silentLogger());
  const residents = demoResidents();
  await store.upsertMany(residents);
  const budi = residents.find((r) => r.nama === 'BUDI SANTOSO')!;
  await store.bindCard(Buffer.from(UID, 'hex'), budi.nik);
  return { config, nik: budi.nik, nama: budi.nama };
}

test('a virtual e-KTP on a real pcscd, four presses of ok, and the letter comes out of the ESC/POS printer', async () => {
  if (skipWithoutPcscd('daemon-hardware.test.ts')) return;
  const pcscd = await startPcscd();
  const printer = await startVirtualPrinter('ready');
  const dir = mkdtempSync(join(tmpdir(), 'anj-hw-'));
  let kiosk: DaemonProcess | null = null;
  try {
    const { config, nik, nama } = await provision(dir, printer.url);
    kiosk = new DaemonProcess(['run', '--config', config], pcscd.env);
    const k = kiosk;
    const last = () => k.screens().at(-1);
    await waitFor(
      `idle with reader and printer found (screens: ${k.screens().join(', ')})\n${k.stderr.slice(-1500)}`,
      () => last() === 'idle',
      PROCESS_START_MS,
    );

    await tapCard(pcscd.vpcdPort, UID, { atr: ATR_ISO14443_4, holdMs: 1200 });
    await waitFor(`greeting (screens: ${k.screens().join(', ')})`, () => last() === 'greeting', 10_000);
    assert.match(k.stdout, 'BUDI SANTOSO');
    for (const next of ['choose_letter', 'choose_purpose', 'confirm']) {
      k.send('press ok');
      await waitFor(`screen ${next}`, () => last() === next, 5000);
    }
    const jobPromise = printer.nextJob(20_000);
    k.send('press ok');
    const job = await jobPromise;
    const text = job.decoded.lines.map((l) => l.text).join('\n');
    assert.match(text, nik, 'the full NIK is on the letter');
    assert.match(text, nama);
    assert.match(text, /\/\d{3}\/1809102004\/[IVX]+\/\d{4}/);
    assert.ok(job.decoded.cuts >= 1);
    await waitFor('done screen', () => last() === 'done', 10_000);
    assert.not.match(k.stdout, nik, 'the screen shows only the last 4 digits');

    // pcscd dies: the reader is missing, the kiosk is out of service; pcscd back: idle by itself.
    await pcscd.kill();
    await waitFor(
      `out_of_service after pcscd died (screens: ${k.screens().slice(-4).join(', ')})`,
      () => last() === 'out_of_service',
      15_000,
    );
    assert.match(k.stdout.slice(k.stdout.lastIndexOf('--- screen: out_of_service')), /[Pp]embaca kartu/);
    await pcscd.revive();
    await waitFor(
      `idle after pcscd came back (screens: ${k.screens().slice(-4).join(', ')})`,
      () => last() === 'idle',
      20_000,
    );

    // The roll runs out: the status probe sees it and the kiosk goes out of service.
    printer.setState('paper-out');
    await waitFor('out_of_service on paper out', () => last() === 'out_of_service', 10_000);
    assert.match(k.stdout.slice(k.stdout.lastIndexOf('--- screen: out_of_service')), /[Kk]ertas habis/);
    printer.setState('ready');
    await waitFor('idle after new paper', () => last() === 'idle', 10_000);

    k.send('quit');
    assert.is(await k.exit, 0);
  } finally {
    await kiosk?.kill('SIGKILL');
    await printer.close();
    await pcscd.stop();
  }
});

test.run();
