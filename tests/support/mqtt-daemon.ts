/** A provisioned kiosk (config file, keys, demo residents with cards) reporting to a test broker. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/log.ts';
import { DEMO_CARDS, demoResidents } from '../../src/store/demo-data.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';

/** Writes `<dir>/config.json` for device `kiosk-mqtt` and its data; returns the config path. */
export async function provisionMqttKiosk(
  dir: string,
  brokerUrl: string,
  mqtt: Record<string, unknown> = {},
): Promise<string> {
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      device: { id: 'kiosk-mqtt' },
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
