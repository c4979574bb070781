/**
 * A real Mosquitto for tests: its own config on a free loopback port, persistence off, logs on
 * stderr (kept for failure messages). `stop()` kills it (SIGKILL: a crashed broker), `restart()`
 * brings it back on the same port. Missing binary: skip, unless CI=true.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mosquitto {
  port: number;
  url: string;
  stop(): Promise<void>;
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

export async function startMosquitto(extraConf = ''): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'anj-mosq-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'log_dest stderr',
      'persistence false',
      extraConf,
    ].join('\n'),
  );
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
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop: kill,
    restart: launch,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
