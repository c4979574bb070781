/**
 * A private pcscd per test run, with vsmartcard's vpcd virtual reader on a free TCP port.
 * pcscd hard-codes its socket at /run/pcscd/pcscd.comm, so it runs inside `unshare --mount`
 * with a private directory bind-mounted on /run/pcscd; clients find it through
 * PCSCLITE_CSOCK_NAME (libpcsclite reads it once, on first use: one pcscd per client process).
 *
 *   startPcscd() ─▶ unshare --mount sh -c 'mount --bind DIR /run/pcscd; exec pcscd -f -c CONF'
 *                    DIR/pcscd.comm  ◀── client (PCSCLITE_CSOCK_NAME)
 *                    vpcd :PORT      ◀── VirtualCard (tests/support/virtual-card.ts)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const VPCD_CONF = '/etc/reader.conf.d/vpcd';
const VPCD_LIB_FALLBACK = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PcscdInstance {
  /** Value for PCSCLITE_CSOCK_NAME. */
  socketPath: string;
  /** TCP port the virtual reader listens on (VirtualCard connects here). */
  vpcdPort: number;
  /** Reader name as PC/SC reports it. */
  readerName: string;
  /** process.env plus PCSCLITE_CSOCK_NAME, for child processes that use PC/SC. */
  env: NodeJS.ProcessEnv;
  /** Stops pcscd (the clients see the service die), then starts it again on the same socket and port. */
  restart(): Promise<void>;
  /** Kills pcscd only (no restart), e.g. to test the reader-missing state. */
  kill(): Promise<void>;
  /** Starts pcscd again after kill(). */
  revive(): Promise<void>;
  /** Stops pcscd and removes its directory. */
  stop(): Promise<void>;
  /** pcscd's output so far (for failure messages). */
  log(): string;
}

/** Why a private pcscd cannot run here, or null when it can. */
export function pcscdUnavailable(): string | null {
  for (const bin of ['/usr/sbin/pcscd', '/usr/bin/unshare']) {
    if (!fs.existsSync(bin)) return `${bin} is missing (apt-get install pcscd util-linux)`;
  }
  if (!fs.existsSync(vpcdLibrary())) return 'vpcd driver missing (apt-get install vsmartcard-vpcd)';
  if (process.getuid?.() !== 0) return 'unshare --mount needs root here';
  return null;
}

/** Skip helper for test files: prints why and returns true, or throws in CI (missing = failure). */
export function skipWithoutPcscd(file: string): boolean {
  const why = pcscdUnavailable();
  if (!why) return false;
  if (process.env.CI === 'true') throw new Error(`${file}: ${why}`);
  console.log(`SKIP ${file}: ${why}`);
  return true;
}

function vpcdLibrary(): string {
  try {
    const m = /^\s*LIBPATH\s+(\S+)/m.exec(fs.readFileSync(VPCD_CONF, 'utf8'));
    if (m?.[1]) return m[1];
  } catch {
    // fall through: the package's usual path
  }
  return VPCD_LIB_FALLBACK;
}

/** A free loopback TCP port (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** True when something listens on TCP `port` (read from /proc: connecting would insert a card). */
function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(hex.trim()) && cols[3] === '0A') return true;
      }
    } catch {
      // no IPv6 table
    }
  }
  return false;
}

async function waitFor(what: string, cond: () => boolean, ms: number, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`pcscd: timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a private pcscd with one vpcd reader. Always `stop()` it (the suite runs in one process). */
export async function startPcscd(): Promise<PcscdInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-pcscd-'));
  const runDir = path.join(dir, 'run');
  const confDir = path.join(dir, 'reader.conf.d');
  fs.mkdirSync(runDir);
  fs.mkdirSync(confDir);
  const port = await freePort();
  const hexPort = `0x${port.toString(16).toUpperCase()}`;
  fs.writeFileSync(
    path.join(confDir, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${hexPort}\nLIBPATH ${vpcdLibrary()}\nCHANNELID ${hexPort}\n`,
  );
  const socketPath = path.join(runDir, 'pcscd.comm');
  let output = '';
  let child: ChildProcess | null = null;

  const launch = async () => {
    fs.rmSync(socketPath, { force: true });
    const script = `mkdir -p /run/pcscd && mount --bind "${runDir}" /run/pcscd && exec /usr/sbin/pcscd -f -c "${confDir}"`;
    const c = spawn('/usr/bin/unshare', ['--mount', '/bin/sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    c.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child = c;
    await waitFor(
      'its socket and the vpcd port',
      () => fs.existsSync(socketPath) && listening(port),
      10_000,
      () => output,
    );
  };

  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
    // vpcd's listening socket must be gone before a restart binds it again.
    await waitFor(
      'the vpcd port to close',
      () => !listening(port),
      5000,
      () => output,
    );
  };

  await launch();
  return {
    socketPath,
    vpcdPort: port,
    readerName: 'Virtual PCD 00 00',
    env: { ...process.env, PCSCLITE_CSOCK_NAME: socketPath },
    async restart() {
      await kill();
      await launch();
    },
    kill,
    revive: launch,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
