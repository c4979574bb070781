/**
 * `anjungan selftest`: pluggable checks, each `{ name, run(ctx) → { ok, detail, remedy } }`.
 * The device checks live in check-devices.ts; other checks are separate files in this folder
 * that export `default` (one check) or `checks` (several), listed in loadChecks().
 */
import type { Config } from '../config/config.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DEVICE_CHECKS } from './check-devices.ts';

export interface SelftestContext {
  config: Config;
  logger: Logger;
  /** True when no config file was found (simulator defaults). */
  simulator: boolean;
  env: NodeJS.ProcessEnv;
  /** Roots for device discovery (tests pass fake trees). */
  paths?: { sysfsRoot?: string; devRoot?: string; rootDir?: string };
}

export interface CheckResult {
  ok: boolean;
  /** What was found ("ready", "PC/SC ACS ACR122U 00 00", "offline at tcp://…"). */
  detail: string;
  /** What to do when it failed; null when ok. */
  remedy: string | null;
}

export interface SelftestCheck {
  name: string;
  run(ctx: SelftestContext): Promise<CheckResult>;
}

/**
 * Every check, devices first. MQTT and clock checks are imported lazily (with literal paths, so
 * the compiled build resolves them too) because they load the MQTT client.
 */
export async function loadChecks(): Promise<SelftestCheck[]> {
  const [config, mqtt, clock, appliance, touchAudio] = await Promise.all([
    import('./check-config.ts'),
    import('./check-mqtt.ts'),
    import('./check-clock.ts'),
    import('./check-appliance.ts'),
    import('./check-touch-audio.ts'),
  ]);
  return [
    ...modChecks(config),
    ...DEVICE_CHECKS,
    ...modChecks(touchAudio),
    ...modChecks(mqtt),
    ...modChecks(clock),
    ...modChecks(appliance),
  ];
}

function modChecks(mod: { default?: SelftestCheck; checks?: SelftestCheck[] }): SelftestCheck[] {
  return [...(mod.default ? [mod.default] : []), ...(mod.checks ?? [])];
}

export interface CheckOutcome extends CheckResult {
  name: string;
}

/** Runs checks one after another (devices are shared); a check that throws or hangs fails. */
export async function runChecks(
  ctx: SelftestContext,
  checks: SelftestCheck[],
  timeoutMs = 15_000,
): Promise<CheckOutcome[]> {
  const out: CheckOutcome[] = [];
  for (const check of checks) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            detail: `no answer within ${timeoutMs / 1000} s`,
            remedy: 'check the device and its cable',
          }),
        timeoutMs,
      );
    });
    try {
      out.push({ name: check.name, ...(await Promise.race([check.run(ctx), timeout])) });
    } catch (err) {
      out.push({
        name: check.name,
        ok: false,
        detail: errorMessage(err),
        remedy: 'this is a bug in the check: report it',
      });
    } finally {
      clearTimeout(timer);
    }
  }
  return out;
}

/** `PASS name  detail` / `FAIL name  detail` + `     remedy: …` lines. */
export function formatOutcomes(outcomes: CheckOutcome[]): string {
  const width = Math.max(...outcomes.map((o) => o.name.length), 4);
  const lines: string[] = [];
  for (const o of outcomes) {
    lines.push(`${o.ok ? 'PASS' : 'FAIL'} ${o.name.padEnd(width)}  ${o.detail}`);
    if (!o.ok && o.remedy) lines.push(`     ${' '.repeat(width)}  remedy: ${o.remedy}`);
  }
  return `${lines.join('\n')}\n`;
}
