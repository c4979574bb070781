/**
 * Runs `anjungan <args>` as a real process (node --import tsx src/cli.ts), as a technician would,
 * and a provisioned temp kiosk (config + keys in a private dir) to run it against.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SAMPLE_XLSX = path.join(ROOT, 'tests/fixtures/opensid-export-sample.xlsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the caller's ANJUNGAN_* overrides (a developer's shell may set some). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ANJUNGAN_') && k !== 'NOTIFY_SOCKET' && k !== 'WATCHDOG_USEC') env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Runs as a user without the right to read others' files: uid 0 stripped of the capabilities
 * that bypass file permissions (setpriv), so it reads only what root owns or others may read,
 * as a technician's own account would; unlike a switch to `nobody` it still reads this
 * checkout wherever it lives. Files the test gives to OTHER_UID stand for the service user's.
 */
const WITHOUT_FILE_BYPASS = [
  '--inh-caps=-dac_override,-dac_read_search',
  '--bounding-set=-dac_override,-dac_read_search',
];

/** The stand-in owner of the kiosk's private files in permission tests (not the test's user). */
export const OTHER_UID = 64_999;

/** Why a permission test cannot run here (not root, no setpriv), or null. Under CI=true: throws. */
export function unprivilegedUnavailable(): string | null {
  const why =
    process.getuid?.() !== 0
      ? 'needs root (to give files to another user and drop the permission bypass)'
      : fs.existsSync('/usr/bin/setpriv')
        ? null
        : '/usr/bin/setpriv is missing (apt-get install util-linux)';
  if (why && process.env.CI === 'true') throw new Error(why);
  if (why) console.log(`  skipped: ${why}`);
  return why;
}

export function runCli(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; unprivileged?: boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const cli = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args];
    const [command, ...argv] = opts.unprivileged ? ['/usr/bin/setpriv', ...WITHOUT_FILE_BYPASS, ...cli] : cli;
    const child = spawn(command!, argv, {
      cwd: ROOT,
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`anjungan ${args.join(' ')} did not finish; stdout: ${stdout} stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
}

export const VILLAGE_FLAGS = [
  '--village-name',
  'Hanura',
  '--village-code',
  '1809102004',
  '--kecamatan',
  'Teluk Pandan',
  '--kabupaten',
  'Pesawaran',
  '--province',
  'Lampung',
  '--device-id',
  'kiosk-01',
];

/** A provisioned kiosk in a fresh temp dir (simulated ports); returns its config path and dirs. */
export async function provisionedKiosk(
  extra: string[] = [],
): Promise<{ dir: string; config: string; dataDir: string }> {
  const dir = tempDir();
  const config = path.join(dir, 'etc', 'config.json');
  const dataDir = path.join(dir, 'data');
  const r = await runCli([
    'provision',
    '--non-interactive',
    '--config',
    config,
    '--data-dir',
    dataDir,
    ...VILLAGE_FLAGS,
    ...extra,
  ]);
  if (r.code !== 0) throw new Error(`provision failed (${r.code}): ${r.stderr}`);
  return { dir, config, dataDir };
}
