/**
 * A stand-in for systemd's NOTIFY_SOCKET: a python3 process bound to an AF_UNIX datagram socket
 * (Node cannot bind one) that prints every message it receives, for tests of sd_notify.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export const hasPython = spawnSync('python3', ['-c', 'import socket'], { stdio: 'ignore' }).status === 0;

const RECEIVER = String.raw`
import json, socket, sys
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\0' + addr[1:] if addr.startswith('@') else addr)
print('"LISTENING"', flush=True)
while True:
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

export interface Listener {
  address: string;
  messages: string[];
  waitFor(pred: (m: string[]) => boolean, ms?: number): Promise<void>;
  close(): void;
}

export async function listen(address: string): Promise<Listener> {
  const child: ChildProcess = spawn('python3', ['-c', RECEIVER, address], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: string[] = [];
  let buf = '';
  let listening!: () => void;
  const ready = new Promise<void>((r) => {
    listening = r;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const msg = JSON.parse(buf.slice(0, i)) as string;
      buf = buf.slice(i + 1);
      if (msg === 'LISTENING') listening();
      else messages.push(msg);
    }
  });
  await ready;
  return {
    address,
    messages,
    async waitFor(pred, ms = 5000) {
      const until = Date.now() + ms;
      while (!pred(messages)) {
        if (Date.now() > until) throw new Error(`timed out; got ${JSON.stringify(messages)}`);
        await sleep(20);
      }
    },
    close() {
      child.kill();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
