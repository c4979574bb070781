/**
 * `anjungan dashboard` as a real process for tests: its own data dir, a free loopback port,
 * ready when it logs that it serves. Accounts are made with the real CLI (`user add`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, ROOT } from './daemon-process.ts';
import { freePort } from './mosquitto.ts';
import { PROCESS_START_MS, waitFor } from './wait.ts';

export interface DashboardHandle {
  url: string;
  dataDir: string;
  process: DaemonProcess;
  stop(): Promise<void>;
}

export async function startDashboard(
  brokerUrl: string,
  opts: { args?: string[]; dataDir?: string; auth?: boolean } = {},
): Promise<DashboardHandle> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'anj-dash-'));
  const port = await freePort();
  const args = ['dashboard', '--url', brokerUrl, '--listen', `127.0.0.1:${port}`, '--data', dataDir];
  if (opts.auth === false) args.push('--no-auth');
  const p = new DaemonProcess([...args, ...(opts.args ?? [])], {});
  await waitFor(
    `the dashboard serving\n${p.stderr.slice(-2000)}`,
    () => p.stderr.includes('dashboard: serving') || p.child.exitCode !== null,
    PROCESS_START_MS,
  );
  if (p.child.exitCode !== null) throw new Error(`dashboard exited ${p.child.exitCode}: ${p.stderr}`);
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    process: p,
    async stop() {
      await p.kill('SIGTERM');
    },
  };
}

/** `anjungan dashboard user add NAME --role ROLE` with the password on stdin. */
export function addUser(dataDir: string, name: string, role: string, password: string): void {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'dashboard', 'user', 'add', name, '--role', role, '--data', dataDir],
    { cwd: ROOT, input: `${password}\n`, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
}
