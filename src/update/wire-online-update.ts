/**
 * Wiring of online updates (`cmd/update`) into the daemon: off in simulator mode (the demo
 * village is not an installed release), otherwise one OnlineUpdate that resumes its spool at start.
 */
import type { Config } from '../config/config.ts';
import type { KioskBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { VERSION } from '../version.ts';
import { neededNativeModules } from './needed-native.ts';
import { OnlineUpdate } from './online-update.ts';

/** Flow screens where nobody is being served: an install may begin. */
const QUIET_SCREENS = new Set(['idle', 'out_of_service']);

export function createOnlineUpdate(deps: {
  config: Config;
  simulator: boolean;
  bus: KioskBus;
  logger: Logger;
  screen: () => string;
  onStatus: () => void;
  now: () => Date;
}): OnlineUpdate | null {
  if (deps.simulator) return null;
  return new OnlineUpdate({
    config: deps.config,
    bus: deps.bus,
    logger: deps.logger.child({ part: 'update' }),
    checks: {
      running: {
        version: VERSION,
        arch: process.arch,
        nodeVersion: process.versions.node,
        nodeAbi: process.versions.modules,
      },
      neededNative: neededNativeModules(deps.config),
    },
    busy: () => !QUIET_SCREENS.has(deps.screen()),
    onStatus: deps.onStatus,
    now: deps.now,
  });
}
