/**
 * Runs `anjungan` as a real process (through tsx, from the sources) and lets a test talk to it
 * over stdin/stdout the way a person at a terminal would.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class DaemonProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  exit: Promise<number | null>;

  /** `built`: runs the compiled `dist/cli.js` (after `npm run build`), as the kiosk runs it. */
  constructor(args: string[], env: NodeJS.ProcessEnv, opts: { built?: boolean } = {}) {
    const entry = opts.built ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli.ts'];
    this.child = spawn(process.execPath, [...entry, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'Asia/Jakarta', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8').on('data', (c: string) => {
      this.stdout += c;
    });
    this.child.stderr.setEncoding('utf8').on('data', (c: string) => {
      this.stderr += c;
    });
    this.exit = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    // A process that exits before reading all of its input (a refused option) closes the pipe:
    // what it printed and its exit code are what tests check, not an EPIPE on our side.
    this.child.stdin.on('error', () => {});
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Waits until stdout has printed `text` at least `count` times in all. */
  async waitOut(text: string, ms = 10_000, count = 1): Promise<void> {
    await waitFor(
      `"${text}" on stdout\n--- stdout ---\n${this.stdout.slice(-2000)}\n--- stderr ---\n${this.stderr.slice(-2000)}`,
      () => this.stdout.split(text).length - 1 >= count,
      ms,
    );
  }

  /** Screen ids in the order they were printed. */
  screens(): string[] {
    return [...this.stdout.matchAll(/^--- screen: (\S+) ---$/gm)].map((m) => m[1] ?? '');
  }

  /** Waits for the process to exit by itself; rejects (naming what it printed) after `ms`. */
  async waitExit(ms = 30_000): Promise<number | null> {
    try {
      await waitFor(
        'the process to exit',
        () => this.child.exitCode !== null || this.child.signalCode !== null,
        ms,
      );
    } catch (err) {
      const printed = `--- stdout ---\n${this.stdout.slice(-2000)}\n--- stderr ---\n${this.stderr.slice(-2000)}`;
      throw new Error(`${(err as Error).message}\n${printed}`);
    }
    return this.exit;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exit;
  }
}
