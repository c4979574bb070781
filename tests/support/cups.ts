/**
 * A real CUPS for tests, entirely private: its own `cupsd` (own cupsd.conf / cups-files.conf, a
 * free loopback port, a unix socket for lpadmin, its own spool with PreserveJobFiles No) with a
 * raw queue `A4` whose device is a file: each job's document lands in `printed/out.pdf` as the
 * printer would get it. `holdJobs()` points the device at a FIFO nobody reads, so a job stays
 * processing until cancelled. (ippeveprinter, the virtual IPP Everywhere printer, needs a DNS-SD
 * daemon, which a test machine does not run.) Missing binaries: a SKIP line, unless CI=true.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './mosquitto.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);
const TOOLS = ['cupsd', 'lpadmin', 'cupsdisable', 'cancel', 'lpstat'];

export interface Cups {
  /** The queue's IPP URL, for hardware.printer.cups_queue. */
  queueUrl: string;
  /** CUPS_SERVER for the command-line tools (the unix socket). */
  socket: string;
  /** cupsd's job spool (RequestRoot): with PreserveJobFiles No it holds no document after a job. */
  spoolDir: string;
  /** Documents the printer received, one `job-<id>.pdf` each (full paths). */
  printed(): string[];
  /** Runs a CUPS command-line tool against this cupsd. */
  tool(cmd: string, args: string[]): Promise<string>;
  /** From now on a job blocks mid-way (processing, nothing printed) until cancelled. */
  holdJobs(): Promise<void>;
  /** Jobs print again. */
  releaseJobs(): Promise<void>;
  close(): Promise<void>;
}

export function cupsAvailable(): boolean {
  const missing = TOOLS.filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t} || test -x /usr/sbin/${t}`]).status !== 0,
  );
  if (missing.length > 0) {
    const message = `CUPS is not installed (${missing.join(', ')}; apt-get install cups cups-client)`;
    if (process.env.CI === 'true') throw new Error(`${message} and CI=true`);
    console.warn(`SKIP: ${message}`);
    return false;
  }
  return true;
}

export async function startCups(): Promise<Cups> {
  const root = mkdtempSync(path.join(tmpdir(), 'anj-cups-'));
  chmodSync(root, 0o755);
  const dir = (name: string, owner: 'lp' | 'root' = 'root') => {
    const d = path.join(root, name);
    mkdirSync(d, { recursive: true, mode: 0o755 });
    if (owner === 'lp') chownSync(d, 7, 7); // cupsd drops to User lp for its spool and cache
    return d;
  };
  const printedDir = dir('printed', 'lp');
  const serverBin = virtualPrinterBin(dir('serverbin'));
  const spoolDir = dir('spool', 'lp');
  const cupsPort = await freePort();
  const socket = path.join(root, 'cups.sock');
  writeFileSync(
    path.join(root, 'cupsd.conf'),
    [
      `Listen 127.0.0.1:${cupsPort}`,
      `Listen ${socket}`,
      'LogLevel warn',
      'PreserveJobFiles No',
      'PreserveJobHistory 300',
      'Browsing No',
      '<Location />',
      '  Order allow,deny',
      '  Allow all',
      '</Location>',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(root, 'cups-files.conf'),
    [
      `ServerRoot ${dir('etc')}`,
      `RequestRoot ${spoolDir}`,
      `CacheDir ${dir('cache', 'lp')}`,
      `StateDir ${dir('state', 'lp')}`,
      `TempDir ${dir('tmp', 'lp')}`,
      `ErrorLog ${path.join(dir('log', 'lp'), 'error_log')}`,
      `AccessLog ${path.join(root, 'log', 'access_log')}`,
      `PageLog ${path.join(root, 'log', 'page_log')}`,
      'User lp',
      'Group lp',
      `ServerBin ${serverBin}`,
      '',
    ].join('\n'),
  );
  const cupsd = spawn(
    'cupsd',
    ['-f', '-c', path.join(root, 'cupsd.conf'), '-s', path.join(root, 'cups-files.conf')],
    {
      stdio: 'ignore',
    },
  );
  const env = { ...process.env, CUPS_SERVER: socket };
  const tool = async (cmd: string, args: string[]) => (await run(cmd, args, { env })).stdout;
  try {
    await waitForPort(cupsPort, 20_000);
    await tool('lpadmin', ['-p', 'A4', '-E', '-v', `anjprinter:${printedDir}`, '-m', 'raw']);
    await waitFor(
      'queue A4 accepting',
      async () => (await tool('lpstat', ['-a', 'A4'])).includes('accepting'),
      20_000,
      200,
    );
  } catch (err) {
    cupsd.kill('SIGTERM'); // a cupsd that did not come up right is not left behind
    throw err;
  }
  return {
    queueUrl: `ipp://127.0.0.1:${cupsPort}/printers/A4`,
    socket,
    spoolDir,
    printed: () =>
      readdirSync(printedDir)
        .filter((f) => f.endsWith('.pdf'))
        .map((f) => path.join(printedDir, f)),
    tool,
    async holdJobs() {
      writeFileSync(path.join(printedDir, 'hold'), '');
    },
    async releaseJobs() {
      rmSync(path.join(printedDir, 'hold'), { force: true });
    },
    async close() {
      cupsd.kill('SIGTERM');
      await new Promise((r) => cupsd.once('exit', r));
    },
  };
}

/**
 * cupsd's ServerBin with the system's filters and a backend of our own, `anjprinter:<dir>`: the
 * printer at the end of the queue. It keeps each job's document as <dir>/job-<id>.pdf, and while
 * <dir>/hold exists it holds the job (processing) until CUPS cancels it.
 */
function virtualPrinterBin(bin: string): string {
  for (const sub of ['filter', 'daemon', 'cgi-bin', 'monitor', 'notifier', 'driver']) {
    symlinkSync(`/usr/lib/cups/${sub}`, path.join(bin, sub));
  }
  mkdirSync(path.join(bin, 'backend'), { mode: 0o755 });
  const backend = path.join(bin, 'backend', 'anjprinter');
  writeFileSync(
    backend,
    [
      '#!/bin/sh',
      'if [ $# -eq 0 ]; then echo \'direct anjprinter "Anjungan" "Anjungan test printer"\'; exit 0; fi',
      'dir=$(printf %s "$DEVICE_URI" | sed "s/^anjprinter://")',
      "trap 'exit 1' TERM", // a cancelled job: CUPS stops the backend
      'while [ -e "$dir/hold" ]; do sleep 0.2; done',
      'if [ -n "$6" ]; then cp "$6" "$dir/.job-$1"; else cat > "$dir/.job-$1"; fi',
      'mv "$dir/.job-$1" "$dir/job-$1.pdf"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return bin;
}
