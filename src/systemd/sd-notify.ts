/**
 * systemd's notify protocol (sd_notify(3)): READY=1 once the kiosk is up, WATCHDOG=1 at half of
 * WATCHDOG_USEC while it is healthy, STOPPING=1 on SIGTERM, STATUS= for `systemctl status`.
 *
 * Node has no AF_UNIX datagram sockets, so the datagrams are sent by a child process:
 *
 *   node ──JSON line per message (stdin pipe)──► python3 helper ──sendto()──► $NOTIFY_SOCKET
 *
 * The helper lives as long as the kiosk, in the same cgroup, so systemd attributes its messages
 * to the service (a short-lived sender can exit before systemd looks it up and its message is
 * dropped). It is not the main PID, hence `NotifyAccess=all` in systemd/anjungan.service.
 * Without python3, each message goes through `systemd-notify`, which waits until the manager
 * has processed it (systemd ≥ 246) and so avoids the same race, at the cost of a process per
 * message.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export interface Notifier {
  /** READY=1: the ports are up and the kiosk serves residents. */
  ready(): void;
  /** STOPPING=1: the service is shutting down (SIGTERM received). */
  stopping(): void;
  /** STATUS=…: one line shown by `systemctl status anjungan`. */
  status(text: string): void;
  /**
   * Sends WATCHDOG=1 every WATCHDOG_USEC / 2 while `isHealthy()` is true; a wedged kiosk stops
   * pinging and systemd restarts it. Nothing happens when the unit has no WatchdogSec.
   */
  startWatchdog(isHealthy: () => boolean): void;
  /** Stops the watchdog timer and lets the helper exit after sending what is queued. */
  close(): void;
}

/** The helper: one JSON string per stdin line, sent as one datagram. '@' = abstract socket. */
const HELPER = String.raw`
import json, socket, sys
addr = sys.argv[1]
if addr.startswith('@'):
    addr = '\0' + addr[1:]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for line in sys.stdin:
    try:
        sock.sendto(json.loads(line).encode('utf-8'), addr)
    except Exception as exc:
        sys.stderr.write('sd-notify helper: cannot send to %s: %s\n' % (sys.argv[1], exc))
        sys.stderr.flush()
`;

const NOOP: Notifier = {
  ready() {},
  stopping() {},
  status() {},
  startWatchdog() {},
  close() {},
};

/** A notifier for `env` (default process.env); every call is a no-op when NOTIFY_SOCKET is unset. */
export function createNotifier(env: NodeJS.ProcessEnv = process.env): Notifier {
  const socketPath = env.NOTIFY_SOCKET;
  if (!socketPath) return NOOP;
  const python = env.ANJUNGAN_TEST_SD_NOTIFY_PYTHON ?? 'python3';
  let helper: ChildProcess | null = null;
  let useHelper: boolean | null = null; // decided at the first message
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const warn = (text: string) => process.stderr.write(`<4>sd-notify: ${text}\n`);

  const startHelper = (): ChildProcess | null => {
    try {
      const child = spawn(python, ['-c', HELPER, socketPath], { stdio: ['pipe', 'ignore', 'pipe'] });
      child.on('error', (err) => {
        // python3 missing: fall back to systemd-notify for this and every later message.
        useHelper = false;
        helper = null;
        warn(`${python} unavailable (${err.message}); using systemd-notify per message`);
      });
      child.on('exit', (code) => {
        if (helper === child) helper = null;
        if (!closed && code !== 0 && code !== null) warn(`helper exited with code ${code}`);
      });
      child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`<4>${chunk.toString()}`));
      // The helper must never keep the kiosk process alive on its own.
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      child.stdin?.on('error', () => {});
      return child;
    } catch (err) {
      useHelper = false;
      warn(`cannot start ${python}: ${(err as Error).message}`);
      return null;
    }
  };

  const send = (message: string) => {
    if (closed) return;
    // Checked synchronously once: a helper that fails to spawn would lose READY=1 silently.
    useHelper ??= notifyHelperAvailable(python);
    if (useHelper) {
      helper ??= startHelper();
      if (helper?.stdin?.writable) {
        helper.stdin.write(`${JSON.stringify(message)}\n`);
        return;
      }
    }
    const result = spawnSync('systemd-notify', message.split('\n'), { env, stdio: 'ignore', timeout: 5000 });
    if (result.error || result.status !== 0) {
      warn(
        `systemd-notify failed for ${message.split('\n')[0]}: ${result.error?.message ?? `exit ${result.status}`}`,
      );
    }
  };

  return {
    ready: () => send('READY=1'),
    stopping: () => send('STOPPING=1'),
    status: (text) => send(`STATUS=${text.replace(/[\r\n]+/g, ' ')}`),
    startWatchdog(isHealthy) {
      const usec = Number(env.WATCHDOG_USEC);
      if (!Number.isFinite(usec) || usec <= 0) return;
      // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the
      // environment must not ping on its parent's behalf.
      if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return;
      if (timer) clearInterval(timer);
      const ping = () => {
        let healthy = false;
        try {
          healthy = isHealthy();
        } catch {
          healthy = false;
        }
        if (healthy) send('WATCHDOG=1');
      };
      ping();
      timer = setInterval(ping, Math.max(1, Math.floor(usec / 2000)));
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      closed = true;
      helper?.stdin?.end();
      helper = null;
    },
  };
}

/** True when python3 can run the helper (used by the self-test and the installer's checks). */
export function notifyHelperAvailable(python = 'python3'): boolean {
  const r = spawnSync(python, ['-c', 'import socket; socket.AF_UNIX'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}
