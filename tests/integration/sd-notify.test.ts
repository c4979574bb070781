/**
 * sd-notify against a real AF_UNIX datagram listener on NOTIFY_SOCKET (a python3 receiver,
 * standing in for systemd): READY, STATUS, STOPPING, WATCHDOG only while healthy, the
 * systemd-notify fallback, and delivery from a process that exits right after STOPPING=1.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNotifier } from '../../src/systemd/sd-notify.ts';
import { provisionedKiosk } from '../support/cli-process.ts';
import { hasPython, listen } from '../support/notify-listener.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasSystemdNotify = spawnSync('systemd-notify', ['--help'], { stdio: 'ignore' }).status === 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
const skip = (why: string) => console.log(`  skipped: ${why}`);

function requirePython(): boolean {
  if (hasPython) return true;
  if (process.env.CI === 'true') throw new Error('python3 is required in CI for the sd-notify tests');
  skip('python3 is not installed');
  return false;
}

test('without NOTIFY_SOCKET every call is a harmless no-op', () => {
  const n = createNotifier({});
  n.ready();
  n.status('x');
  n.startWatchdog(() => true);
  n.stopping();
  n.close();
});

test('READY, STATUS and STOPPING reach the socket in order', async () => {
  if (!requirePython()) return;
  const l = await listen(path.join(tmp(), 'notify.sock'));
  try {
    const n = createNotifier({ NOTIFY_SOCKET: l.address });
    n.ready();
    n.status('serving, 12 residents\nsecond line');
    n.stopping();
    await l.waitFor((m) => m.length >= 3);
    assert.equal(l.messages, ['READY=1', 'STATUS=serving, 12 residents second line', 'STOPPING=1']);
    n.close();
  } finally {
    l.close();
  }
});

test('abstract socket addresses (@…) work too', async () => {
  if (!requirePython()) return;
  const l = await listen(`@anj-test-${process.pid}-${Date.now()}`);
  try {
    const n = createNotifier({ NOTIFY_SOCKET: l.address });
    n.ready();
    await l.waitFor((m) => m.includes('READY=1'));
    n.close();
  } finally {
    l.close();
  }
});

test('WATCHDOG=1 is sent at half WATCHDOG_USEC only while healthy', async () => {
  if (!requirePython()) return;
  const l = await listen(path.join(tmp(), 'notify.sock'));
  try {
    let healthy = true;
    // 300 ms watchdog: a ping every 150 ms.
    const n = createNotifier({
      NOTIFY_SOCKET: l.address,
      WATCHDOG_USEC: '300000',
      WATCHDOG_PID: String(process.pid),
    });
    n.startWatchdog(() => healthy);
    await l.waitFor((m) => m.filter((x) => x === 'WATCHDOG=1').length >= 3, 5000);
    healthy = false;
    await sleep(500); // a ping already on its way (through the helper process) may still land
    const frozen = l.messages.length;
    await sleep(600); // four intervals
    assert.is(l.messages.length, frozen, 'no ping while unhealthy');
    healthy = true;
    await l.waitFor((m) => m.length > frozen, 5000);
    n.close();
    await sleep(400);
    const closed = l.messages.length;
    await sleep(400);
    assert.is(l.messages.length, closed, 'no ping after close()');
  } finally {
    l.close();
  }
});

test('a watchdog meant for another PID is not fed', async () => {
  if (!requirePython()) return;
  const l = await listen(path.join(tmp(), 'notify.sock'));
  try {
    const n = createNotifier({ NOTIFY_SOCKET: l.address, WATCHDOG_USEC: '100000', WATCHDOG_PID: '1' });
    n.startWatchdog(() => true);
    n.ready();
    await l.waitFor((m) => m.includes('READY=1'));
    await sleep(300);
    assert.equal(l.messages, ['READY=1']);
    n.close();
  } finally {
    l.close();
  }
});

test('without python3 the messages go through systemd-notify', async () => {
  if (!requirePython()) return;
  if (!hasSystemdNotify) {
    if (process.env.CI === 'true') throw new Error('systemd-notify is required in CI');
    skip('systemd-notify is not installed');
    return;
  }
  const l = await listen(path.join(tmp(), 'notify.sock'));
  try {
    const n = createNotifier({
      NOTIFY_SOCKET: l.address,
      ANJUNGAN_TEST_SD_NOTIFY_PYTHON: '/nonexistent/python3',
    });
    n.ready();
    n.stopping();
    await l.waitFor((m) => m.includes('STOPPING=1'));
    assert.ok(l.messages.indexOf('READY=1') < l.messages.indexOf('STOPPING=1'));
    n.close();
  } finally {
    l.close();
  }
});

test('a process that sends STOPPING=1 on SIGTERM and exits at once still delivers it', async () => {
  if (!requirePython()) return;
  const l = await listen(path.join(tmp(), 'notify.sock'));
  const script = `
    import { createNotifier } from ${JSON.stringify(path.join(ROOT, 'src/systemd/sd-notify.ts'))};
    const n = createNotifier();
    n.ready();
    process.stdout.write('up\\n');
    process.on('SIGTERM', () => { n.stopping(); n.close(); process.exit(0); });
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, NOTIFY_SOCKET: l.address },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    await l.waitFor((m) => m.includes('READY=1'));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.is(await exited, 0);
    await l.waitFor((m) => m.includes('STOPPING=1'));
  } finally {
    child.kill();
    l.close();
  }
});

test('anjungan run sends READY=1 once up, WATCHDOG=1 while healthy, STOPPING=1 on SIGTERM', async () => {
  if (!requirePython()) return;
  const kiosk = await provisionedKiosk();
  const l = await listen(path.join(tmp(), 'notify.sock'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'run', '--config', kiosk.config],
    {
      cwd: ROOT,
      env: { ...process.env, NOTIFY_SOCKET: l.address, WATCHDOG_USEC: '1000000', ANJUNGAN_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  try {
    await l.waitFor((m) => m.includes('READY=1'), PROCESS_START_MS);
    await l.waitFor((m) => m.includes('WATCHDOG=1'), 5000);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.is(await exited, 0);
    await l.waitFor((m) => m.includes('STOPPING=1'));
    assert.ok(l.messages.indexOf('READY=1') < l.messages.indexOf('STOPPING=1'));
  } finally {
    child.kill('SIGKILL');
    l.close();
  }
});

test.run();
