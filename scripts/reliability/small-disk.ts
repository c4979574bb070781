/**
 * A small real file system for disk-full campaigns and tests: a tmpfs of a few MB mounted on a
 * fresh directory (needs root, as CI runs). `mountSmallDisk` answers the reason when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Fills the file system with one filler file until the disk refuses (ENOSPC); returns its path. */
  fill(name?: string): string;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeMb`; the reason as text when this machine cannot. */
export function mountSmallDisk(sizeMb: number): SmallDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'anj-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'mount failed').trim()})`;
  }
  return {
    dir,
    fill(name = 'filler.bin') {
      const file = join(dir, name);
      const fd = openSync(file, 'a');
      try {
        // Large writes first, then smaller ones: the disk is full when even a page is refused.
        for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
          const chunk = Buffer.alloc(size, 0x55);
          for (;;) {
            try {
              if (writeSync(fd, chunk) < size) break;
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return file;
    },
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
