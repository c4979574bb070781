/**
 * Wiring of the health file into the daemon: on a kiosk, where the unit's RuntimeDirectory=
 * made /run/anjungan; under another `update.root` (the update tests) always. Never into a
 * developer's /run, nor in simulator mode on the real root.
 */
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
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
  const realRoot = deps.config.update.root === '/';
  const layout = updateLayout(deps.config.update.root);
  if (realRoot && (deps.simulator || !existsSync(path.dirname(layout.healthFile)))) return null;
  return attachHealthFile({
    file: layout.healthFile,
    version: VERSION,
    bus: deps.bus,
    status: deps.status,
    connection: deps.reporting,
    logger: deps.logger,
  });
}
