/**
 * A device path for the virtual printer: a pseudo-terminal in raw mode whose other end is
 * bridged to the printer's TCP port, so the adapter's device-path link (open read-write,
 * non-blocking reads with a timeout) is exercised against a printer that answers DLE EOT,
 * like /dev/usb/lp0 with a bidirectional printer. Needs python3 (Node cannot open a pty).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

const BRIDGE = `
import os, pty, socket, sys, tty, select
master, slave = pty.openpty()
tty.setraw(slave)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(os.ttyname(slave), flush=True)
while True:
    r, _, _ = select.select([master, s, sys.stdin], [], [])
    if sys.stdin in r and not sys.stdin.buffer.read1(1): break
    if master in r:
        try: d = os.read(master, 4096)
        except OSError: break
        s.sendall(d)
    if s in r:
        d = s.recv(4096)
        if not d: break
        os.write(master, d)
`;

export interface PtyBridge {
  /** The device path to configure as hardware.printer.interface. */
  path: string;
  close(): Promise<void>;
}

/** Why the bridge cannot run here, or null. */
export function ptyBridgeUnavailable(): string | null {
  const r = spawnSync('python3', ['-c', 'import pty, tty'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3 with the pty module is missing';
}

/** Bridges a fresh pty to the virtual printer on `port`. One TCP connection for its whole life. */
export function startPtyBridge(port: number): Promise<PtyBridge> {
  const child: ChildProcess = spawn('python3', ['-u', '-c', BRIDGE, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`pty bridge exited (${code}): ${err}`)));
    child.stdout?.once('data', (d: Buffer) => {
      resolve({
        path: d.toString().trim(),
        close: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.stdin?.end();
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }),
      });
    });
  });
}
