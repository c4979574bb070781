/**
 * Wiring of the health file into the daemon: on a kiosk always; in simulator mode only when
 * `update.root` points somewhere else than `/` (the update tests), never into a developer's /run.
 */
import type { EventEmitter } from 'node:events';
import type { Config } from '../config/config.ts';
import type { KioskBus, KioskStatus } from '../events.ts';
import type { Logger } from '../log.ts';
import { VERSION } from '../version.ts';
import { attachHealthFile } from './health-file.ts';
import { updateLayout } from './layout.ts';

export function wireHealthFile(deps: {
  config: Config;
  simulator: boolean;
  bus: KioskBus;
  status: () => KioskStatus;
  reporting: EventEmitter<{ connection: ['online' | 'offline'] }>;
  logger: Logger;
}): { close(): void } | null {
  if (deps.simulator && deps.config.update.root === '/') return null;
  return attachHealthFile({
    file: updateLayout(deps.config.update.root).healthFile,
    version: VERSION,
    bus: deps.bus,
    status: deps.status,
    connection: deps.reporting,
    logger: deps.logger,
  });
}
