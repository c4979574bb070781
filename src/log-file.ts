/**
 * The kiosk's own log on disk, `<data_dir>/log/kiosk.log`, rotated by size (kiosk.log.1 … .3):
 * the service user cannot read the system journal, and `cmd/logs` answers from this file. At
 * most (keep + 1) × maxBytes on the SD card whatever the kiosk logs. Writing never throws: a
 * full or read-only disk turns the file off, the journal still gets every line.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOG_FILE_NAME = 'kiosk.log';

export class RotatingLogFile {
  readonly file: string;
  #size = -1;
  #broken = false;

  constructor(
    readonly dir: string,
    private readonly maxBytes = 1024 * 1024,
    private readonly keep = 3,
  ) {
    this.file = path.join(dir, LOG_FILE_NAME);
  }

  write(line: string): void {
    if (this.#broken) return;
    try {
      if (this.#size < 0) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.#size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
      }
      if (this.#size + line.length > this.maxBytes && this.#size > 0) this.#rotate();
      appendFileSync(this.file, line, { mode: 0o600 });
      this.#size += Buffer.byteLength(line);
    } catch {
      this.#broken = true;
    }
  }

  #rotate(): void {
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      } catch {
        // not there yet
      }
    }
    renameSync(this.file, `${this.file}.1`);
    this.#size = 0;
  }
}
