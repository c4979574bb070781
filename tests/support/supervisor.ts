/**
 * A stand-in for systemd in the update tests: runs the kiosk from `<root>/opt/anjungan/current`
 * (resolved afresh at every start, as ExecStart through the symlink is), restarts it whenever it
 * exits (Restart=always), and offers the restart command the root updater runs
 * (ANJUNGAN_UPDATE_RESTART_CMD: SIGTERM to the running kiosk, which then starts again).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export class Supervisor {
  readonly pidFile: string;
  readonly log: string[] = [];
  starts = 0;
  #child: ChildProcess | null = null;
  #stopped = false;

  constructor(
    private readonly root: string,
    private readonly configFile: string,
  ) {
    this.pidFile = path.join(root, 'run/supervisor-child.pid');
  }

  /** The shell command that restarts the kiosk (what `systemctl restart` does here). */
  get restartCommand(): string {
    return `kill -TERM "$(cat '${this.pidFile}')"`;
  }

  start(): void {
    this.#stopped = false;
    this.#spawn();
  }

  #spawn(): void {
    if (this.#stopped) return;
    this.starts++;
    const entry = path.join(this.root, 'opt/anjungan/current/bin/anjungan.js');
    const child = spawn(process.execPath, [entry, 'run', '--config', this.configFile], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    });
    this.#child = child;
    fs.mkdirSync(path.dirname(this.pidFile), { recursive: true });
    fs.writeFileSync(this.pidFile, String(child.pid));
    child.stderr?.on('data', (c: Buffer) => {
      this.log.push(c.toString());
      if (this.log.length > 400) this.log.splice(0, 200);
    });
    child.on('exit', () => {
      if (this.#child === child) this.#child = null;
      // RestartSec: a short pause, then the release `current` names now.
      if (!this.#stopped) setTimeout(() => this.#spawn(), 300);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
  }
}
