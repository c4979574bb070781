/** A provisioned kiosk (config file, keys, demo residents with cards) reporting to a test broker. */
import { provisionSimKiosk } from './sim-kiosk.ts';

/** Writes `<dir>/config.json` for device `kiosk-mqtt` and its data; returns the config path. */
export function provisionMqttKiosk(
  dir: string,
  brokerUrl: string,
  mqtt: Record<string, unknown> = {},
): Promise<string> {
  return provisionSimKiosk(brokerUrl, 'kiosk-mqtt', mqtt, dir);
}
