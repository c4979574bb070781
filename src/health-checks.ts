/**
 * `cmd/health`: the running kiosk checks itself, the way `anjungan selftest` checks the devices
 * (which it cannot do while the daemon holds them): the printer asked for its status now, the
 * reader, the resident data, the register, the clock, the free disk, the broker.
 */
import { statfs } from 'node:fs/promises';
import { errorMessage } from './errors.ts';
import type { HealthCheck } from './events.ts';
import type { Health } from './flows/kiosk-state.ts';
import type { Printer } from './hardware/printer.ts';

export async function runHealthChecks(deps: {
  printer: Printer;
  /** True while a letter prints: the probe would wait behind it, so the last status is used. */
  printing: () => boolean;
  health: () => Health;
  registerEntries: () => number;
  dataDir: string;
  /** storage.min_free_mb: below it the kiosk cannot be sure of writing a letter's register line and its copy. */
  minFreeMb: number;
  network: () => 'online' | 'offline' | 'none';
}): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [];
  let printer = deps.printer.status;
  if (!deps.printing()) {
    try {
      printer = await deps.printer.probe();
    } catch (err) {
      checks.push({ name: 'printer', ok: false, detail: `probe failed: ${errorMessage(err)}` });
    }
  }
  if (!checks.length)
    checks.push({
      name: 'printer',
      ok: printer === 'ready' || printer === 'paper_near_end',
      detail: `${printer} (${deps.printer.describe()})`,
    });
  const h = deps.health();
  checks.push({ name: 'reader', ok: h.reader_present, detail: h.reader_present ? 'present' : 'missing' });
  checks.push({
    name: 'data',
    ok: h.data_ok,
    detail: h.data_ok ? 'resident data open' : 'resident data unavailable',
  });
  checks.push(
    h.register_ok === false
      ? { name: 'register', ok: false, detail: 'damaged: see the log for the file and line' }
      : { name: 'register', ok: true, detail: `open, ${deps.registerEntries()} entries` },
  );
  checks.push({ name: 'clock', ok: h.clock_trusted, detail: h.clock_trusted ? 'trusted' : 'not trusted' });
  try {
    const fs = await statfs(deps.dataDir);
    const freeMb = Math.floor((fs.bavail * fs.bsize) / 2 ** 20);
    checks.push({
      name: 'disk',
      ok: freeMb >= deps.minFreeMb,
      detail: `${freeMb} MB free in ${deps.dataDir}`,
    });
  } catch (err) {
    checks.push({ name: 'disk', ok: false, detail: errorMessage(err) });
  }
  const net = deps.network();
  checks.push({
    name: 'broker',
    ok: net === 'online',
    detail: net === 'online' ? 'connected' : 'not connected',
  });
  return checks;
}
