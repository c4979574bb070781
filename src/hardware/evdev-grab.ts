/**
 * Exclusive access to a Linux input device (EVIOCGRAB), so that what a keyboard-mode card reader
 * types reaches the kiosk only, never the console on tty1 (a login prompt, or a shell if one was
 * left open on the panel).
 *
 * Node has no ioctl(2). Rather than a native addon (one more module to cross-compile for arm64),
 * the ioctl is issued by a short-lived python3 process that inherits the kiosk's own descriptor
 * as its fd 3: a grab belongs to the open file description, which the two processes share, so
 * it holds after the helper exits and ends when the kiosk closes the device (unplug, stop).
 * python3 is already a kiosk dependency (the sd_notify helper).
 */
import { spawnSync } from 'node:child_process';

/** _IOW('E', 0x90, int) from linux/input.h. */
export const EVIOCGRAB = 0x40044590;

export type GrabResult = { grabbed: true } | { grabbed: false; reason: string };

const HELPER = `
import fcntl, sys
try:
    fcntl.ioctl(3, ${EVIOCGRAB}, 1)
except OSError as e:
    sys.stderr.write(e.strerror or str(e))
    sys.exit(1)
`;

/**
 * Grabs the input device open on `fd` for this process. Never throws: a device that cannot be
 * grabbed (not an evdev node, already grabbed by someone else, python3 missing) still works as a
 * reader; the caller logs the reason.
 */
export function grabInputDevice(fd: number, python = 'python3'): GrabResult {
  const r = spawnSync(python, ['-c', HELPER], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    encoding: 'utf8',
    timeout: 5000,
  });
  if (r.error) return { grabbed: false, reason: `${python} not available (${r.error.message})` };
  if (r.status === 0) return { grabbed: true };
  const why = r.stderr.trim() || `exit ${r.status ?? r.signal}`;
  return { grabbed: false, reason: why };
}
