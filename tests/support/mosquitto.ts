/**
 * A real Mosquitto for tests: its own config on a free loopback port, persistence off, logs on
 * stderr (kept for failure messages). `stop()` kills it (SIGKILL: a crashed broker), `restart()`
 * brings it back on the same port. Missing binary: skip, unless CI=true.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mosquitto {
  port: number;
  url: string;
  /** SIGKILL (a crash) by default; SIGTERM is a clean stop (a persistent broker saves its sessions). */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  log(): string;
}

const BIN = process.env.MOSQUITTO_BIN ?? 'mosquitto';

/** Null (with the reason printed) when Mosquitto is not installed; throws instead when CI=true. */
export function mosquittoAvailable(): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${BIN} || test -x /usr/sbin/mosquitto`]).status === 0;
  if (!found) {
    if (process.env.CI === 'true')
      throw new Error('mosquitto is not installed (apt-get install mosquitto) and CI=true');
    console.warn('SKIP: mosquitto is not installed (apt-get install mosquitto)');
  }
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** `persistent`: sessions and queued QoS 1 messages survive a clean (SIGTERM) restart. */
export async function startMosquitto(
  opts: { persistent?: boolean; extraConf?: string } = {},
): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'anj-mosq-'));
  // Started as root, mosquitto drops to its own user, which must be able to write the database.
  if (opts.persistent) chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const persistence = opts.persistent
    ? ['persistence true', `persistence_location ${dir}/`]
    : ['persistence false'];
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'log_dest stderr', ...persistence];
  writeFileSync(conf, `${[...lines, opts.extraConf ?? ''].join('\n')}\n`);
  const bin = spawnSync('sh', ['-c', `command -v ${BIN}`]).status === 0 ? BIN : '/usr/sbin/mosquitto';
  let child: ChildProcess | null = null;
  let output = '';
  const launch = async () => {
    const c = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    });
    child = c;
    await waitForPort(port);
  };
  const kill = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  await launch();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop: kill,
    restart: launch,
    async close() {
      await kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
