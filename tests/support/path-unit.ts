/**
 * A stand-in for anjungan-update.path in the update tests, beside the supervisor standing in for
 * anjungan.service: when the kiosk's request file appears (PathExists=), it starts what
 * anjungan-update.service runs (`anjungan update --spool`, as root, with the supervisor's restart
 * in place of `systemctl restart`), one run at a time as systemd does for a oneshot unit. It looks
 * for the file every 100 ms (systemd uses inotify; a poll is enough for a test and needs no
 * directory that may not exist yet).
 */
import fs from 'node:fs';
import { type CliResult, runCli } from './cli-process.ts';

export class PathUnit {
  /** The output of each `update --spool` run, in order. */
  readonly runs: CliResult[] = [];
  #timer: NodeJS.Timeout | null = null;
  #active: Promise<void> | null = null;

  constructor(
    private readonly requestFile: string,
    private readonly configFile: string,
    private readonly restartCommand: string,
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#active || !fs.existsSync(this.requestFile)) return;
      this.#active = this.#run().finally(() => {
        this.#active = null;
      });
    }, 100);
  }

  async #run(): Promise<void> {
    const r = await runCli(['update', '--spool', '--config', this.configFile], {
      env: {
        ANJUNGAN_UPDATE_RESTART_CMD: this.restartCommand,
        ANJUNGAN_UPDATE_SETTLE_MS: '1000',
        ANJUNGAN_LOG_LEVEL: 'warn',
      },
      timeoutMs: 300_000,
    });
    this.runs.push(r);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#active;
  }
}
