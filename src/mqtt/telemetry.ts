/**
 * Machine figures for the `telemetry` payload. Every probe is optional: a laptop has no
 * /sys/class/thermal zone, a read-only or vanished data dir has no statfs; those read as null.
 */
import { readdir, readFile, statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** CPU temperature in °C from the first thermal zone whose type looks like the SoC (or the first zone). */
export async function cpuTemperature(thermalRoot = '/sys/class/thermal'): Promise<number | null> {
  let zones: string[];
  try {
    zones = (await readdir(thermalRoot)).filter((z) => z.startsWith('thermal_zone')).sort();
  } catch {
    return null;
  }
  let fallback: number | null = null;
  for (const zone of zones) {
    try {
      const milli = Number((await readFile(join(thermalRoot, zone, 'temp'), 'utf8')).trim());
      if (!Number.isFinite(milli)) continue;
      const celsius = Math.round(milli / 100) / 10;
      const type = (await readFile(join(thermalRoot, zone, 'type'), 'utf8').catch(() => '')).trim();
      // Raspberry Pi: "cpu-thermal"; x86: "x86_pkg_temp".
      if (/cpu|soc|pkg/i.test(type)) return celsius;
      fallback ??= celsius;
    } catch {
      // an unreadable zone: try the next
    }
  }
  return fallback;
}

/** Free bytes available to this user on the file system holding `dir`. */
export async function diskFree(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

export function memoryFigures(): {
  system_total_bytes: number;
  system_free_bytes: number;
  process_rss_bytes: number;
} {
  return {
    system_total_bytes: totalmem(),
    system_free_bytes: freemem(),
    process_rss_bytes: process.memoryUsage.rss(),
  };
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg();
  return [Math.round(a * 100) / 100, Math.round(b * 100) / 100, Math.round(c * 100) / 100];
}
