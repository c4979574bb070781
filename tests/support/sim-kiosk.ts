/**
 * A kiosk daemon in simulator mode reporting to a test broker: its config (demo village, demo
 * residents and cards bound) written to a temp dir, the process started from the sources, and
 * a whole letter session driven over stdin.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/log.ts';
import { DEMO_CARDS, demoResidents } from '../../src/store/demo-data.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';
import { DaemonProcess } from './daemon-process.ts';
import { waitFor } from './wait.ts';

/** Writes the config of a simulated kiosk and its resident data; returns the config path. */
export async function provisionSimKiosk(
  brokerUrl: string,
  deviceId: string,
  mqtt: Record<string, unknown> = {},
  dir: string = mkdtempSync(join(tmpdir(), 'anj-kiosk-')),
): Promise<string> {
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      device: { id: deviceId },
      data_dir: join(dir, 'data'),
      mqtt: { url: brokerUrl, telemetry_interval_s: 1, ...mqtt },
    }),
  );
  const loaded = loadConfig({ path: config, env: {} });
  const keys = await loadOrCreateKeys(loaded.config);
  const store = await ResidentStore.open(loaded.config.data_dir, keys.uidKey, silentLogger());
  await store.upsertMany(demoResidents());
  for (const card of DEMO_CARDS) await store.bindCard(Buffer.from(card.uid, 'hex'), card.nik);
  return config;
}

export function startSimKiosk(config: string): DaemonProcess {
  return new DaemonProcess(['run', '--config', config], {});
}

/** A complete session with the first demo card: tap, four OKs, the letter printed. */
export async function issueLetter(kiosk: DaemonProcess): Promise<void> {
  await waitFor('idle', () => kiosk.screens().at(-1) === 'idle', 30_000);
  // Counted per screen: a screen is printed again when its text changes (the status bar's clock
  // turning a minute), so the number of earlier sessions does not tell how often each appeared.
  const before = (name: string) => kiosk.screens().filter((s) => s === name).length;
  const steps = ['greeting', 'choose_letter', 'choose_purpose', 'confirm', 'done'];
  const seen = new Map(steps.map((name) => [name, before(name)]));
  for (const [i, next] of steps.entries()) {
    kiosk.send(i === 0 ? `tap ${DEMO_CARDS[0]!.uid}` : 'press ok');
    await kiosk.waitOut(`--- screen: ${next} ---`, 10_000, seen.get(next)! + 1);
  }
}
