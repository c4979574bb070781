/**
 * The running kiosk's own word on its health, for the root updater's health gate after a switch
 * (`<update.root>/run/anjungan/health.json`, RuntimeDirectory= in the unit). Rewritten atomically
 * on every status or connection change; a kiosk that never gets this far (crash at start, hang)
 * never writes one for its version, and the updater rolls it back.
 */

import type { EventEmitter } from 'node:events';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import type { KioskBus, KioskStatus } from '../events.ts';
import type { Logger } from '../log.ts';

export interface KioskHealth {
  version: string;
  pid: number;
  at: string;
  /** True from READY until the kiosk stops. */
  ready: boolean;
  flow_state: string;
  out_of_service: string[];
  printer: string;
  reader_present: boolean;
  data_ok: boolean;
  broker_connected: boolean;
}

export function attachHealthFile(opts: {
  file: string;
  version: string;
  bus: KioskBus;
  status: () => KioskStatus;
  connection: EventEmitter<{ connection: ['online' | 'offline'] }>;
  logger: Logger;
}): { close(): void } {
  let broker = false;
  let ready = true;
  let warned = false;
  const write = () => {
    const s = opts.status();
    const health: KioskHealth = {
      version: opts.version,
      pid: process.pid,
      at: new Date().toISOString(),
      ready,
      flow_state: s.flow_state,
      out_of_service: s.out_of_service,
      printer: s.printer,
      reader_present: s.reader_present,
      data_ok:
        !s.out_of_service.includes('data_unavailable') && !s.out_of_service.includes('register_damaged'),
      broker_connected: broker,
    };
    try {
      mkdirSync(path.dirname(opts.file), { recursive: true });
      const tmp = `${opts.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(health)}\n`);
      renameSync(tmp, opts.file);
    } catch (err) {
      if (!warned)
        opts.logger.warn(
          { file: opts.file, err: errorMessage(err) },
          'cannot write the health file for updates',
        );
      warned = true;
    }
  };
  const onConnection = (state: 'online' | 'offline') => {
    broker = state === 'online';
    write();
  };
  opts.bus.on('status', write);
  opts.connection.on('connection', onConnection);
  write();
  return {
    close() {
      opts.bus.off('status', write);
      opts.connection.off('connection', onConnection);
      ready = false;
      write();
    },
  };
}
