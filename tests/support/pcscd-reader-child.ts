/**
 * Runs createPcscCardReader in its own process (libpcsclite reads PCSCLITE_CSOCK_NAME once, so
 * each private pcscd needs its own client process) and reports every port event as a JSON line
 * on stdout. A line `stop` on stdin stops the reader; the process must then exit by itself
 * (that is the proof that shutdown does not hang). With ANJUNGAN_TEST_STOP_ON_PRESENCE=1 it
 * stops the moment the reader is announced instead, and reads no stdin.
 *
 *   node --import tsx tests/support/pcscd-reader-child.ts '<reader config JSON>'
 */
import readline from 'node:readline';
import { createPcscCardReader } from '../../src/hardware/card-reader.pcsc.ts';
import { createLogger } from '../../src/log.ts';

const out = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const cfg = {
  driver: 'pcsc' as const,
  name: null,
  hid_device: null,
  hid_reverse: false,
  ...JSON.parse(process.argv[2] ?? '{}'),
};
const logger = createLogger(process.env.ANJUNGAN_LOG_LEVEL ?? 'warn', process.stderr);

const reader = await createPcscCardReader(cfg, logger, { retryMinMs: 300, retryMaxMs: 1000 });
reader.on('presence', (p) => out({ ev: 'presence', present: p }));
reader.on('detected', () => out({ ev: 'detected' }));
reader.on('tap', (t) => out({ ev: 'tap', uid: t.uid.toString('hex'), atr: t.atr?.toString('hex') ?? null }));
reader.on('read_error', (e) => out({ ev: 'read_error', code: e.code, message: e.message }));
reader.on('removed', () => out({ ev: 'removed' }));
if (process.env.ANJUNGAN_TEST_STOP_ON_PRESENCE === '1') {
  // The earliest stop a caller can make (selftest stops right after start()): the reader's
  // native status thread may not be running yet. The process must still exit by itself.
  let stopping = false;
  reader.on('presence', (present) => {
    if (!present || stopping) return;
    stopping = true;
    void reader.stop().then(() => out({ ev: 'stopped' }));
  });
  await reader.start();
} else {
  await reader.start();
  out({ ev: 'started', present: reader.present, describe: reader.describe() });

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line.trim() !== 'stop') return;
    rl.close();
    process.stdin.destroy();
    void reader.stop().then(() => out({ ev: 'stopped' }));
  });
}
