/**
 * A real ALSA device for the audio tests: a `file` PCM (defined in a private ~/.asoundrc) that
 * writes whatever aplay plays into a file, and a check that espeak-ng and aplay are installed
 * (skip with a message; under CI=true a failure).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function audioToolsAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v espeak-ng && command -v aplay']);
    return true;
  } catch {
    const message = 'espeak-ng / aplay are not installed (apt-get install espeak-ng alsa-utils)';
    if (process.env.CI === 'true') throw new Error(`${message} and CI=true`);
    console.warn(`SKIP: ${message}`);
    return false;
  }
}

/** The device `sink`: run aplay with `env` (HOME = `home`) and read what it played from `file`. */
export function alsaFileSink(): { home: string; file: string; env: NodeJS.ProcessEnv; cleanup(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-alsa-'));
  const file = path.join(home, 'out.raw');
  fs.writeFileSync(
    path.join(home, '.asoundrc'),
    `pcm.sink {\n  type file\n  slave.pcm "null"\n  file "${file}"\n  format "raw"\n}\n`,
  );
  return {
    home,
    file,
    env: { ...process.env, HOME: home },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}
