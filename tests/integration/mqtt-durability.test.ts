import { spawn } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KioskStatus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { payloadErrors } from '../../src/mqtt/payload-schemas.ts';
import type { EventPayload } from '../../src/mqtt/payloads.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { type Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TestKiosk, tempDir, testConfig, Watcher } from '../support/mosquitto-harness.ts';
import { PROCESS_START_MS, waitFor } from '../support/wait.ts';

const available = mosquittoAvailable();
let broker: Mosquitto | null = null;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

test.before(async () => {
  if (available) broker = await startMosquitto({ persistent: true });
});
test.after(async () => {
  await broker?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function reporterFor(
  kiosk: TestKiosk,
  dataDir: string,
  over: Parameters<typeof testConfig>[2] = {},
  device = 'kiosk-01',
) {
  const config = testConfig(broker!.url, dataDir, over, device);
  return new Reporter({
    config,
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir,
    startedAt: Date.now(),
  });
}

const letter = (n: number) =>
  ({
    type: 'letter_issued',
    number: `S-11/${String(n).padStart(3, '0')}/1809102004/XI/2026`,
    letter_type: 'domisili',
    policy: 'final',
    resident_ref: 'r_0123456789abcdef0123',
  }) as const;

const events = (w: Watcher, device = 'kiosk-01') =>
  w.seen
    .filter((s) => s.topic.includes(`/${device}/event/`))
    .map((s) => JSON.parse(s.text) as EventPayload & { number?: string });

test('broker down, letters issued, kiosk restarted while still down, broker back: every event delivered, duplicates only with the same id', async () => {
  if (!broker) return;
  const watcher = await new Watcher(
    broker.url,
    'anjungan/+/kiosk-01/#',
    4,
    'anj-test-durable-watcher',
  ).start();
  const d = dir();
  const kiosk = new TestKiosk();
  let reporter = reporterFor(kiosk, d);
  try {
    await reporter.start();
    kiosk.bus.emitEvent(letter(1));
    await watcher.waitFor('first letter', () => events(watcher).some((e) => e.number?.includes('/001/')));

    await broker.stop('SIGTERM'); // the district's broker goes down (cleanly: it keeps the watcher's session)
    for (let n = 2; n <= 6; n++) kiosk.bus.emitEvent(letter(n));
    await waitFor('five letters queued on disk', () => reporter.outboxDepth() >= 5);
    await reporter.stop(200); // kiosk restarted while the broker is down
    reporter = reporterFor(kiosk, d);
    await reporter.start();
    for (let n = 7; n <= 10; n++) kiosk.bus.emitEvent(letter(n));
    await waitFor('nine letters queued on disk', () => reporter.outboxDepth() >= 9);

    await broker.restart();
    await watcher.waitFor(
      'all ten letters',
      () =>
        new Set(events(watcher).flatMap((e) => (e.number ? [e.number] : []))).size === 10 &&
        reporter.outboxDepth() === 0,
      20_000,
    );
    const all = events(watcher);
    const numbers = all.filter((e) => e.type === 'letter_issued').map((e) => e.number);
    assert.equal(
      [...new Set(numbers)].sort(),
      Array.from({ length: 10 }, (_, i) => letter(i + 1).number),
    );
    // Oldest first.
    assert.equal(
      [...new Set(numbers)],
      Array.from({ length: 10 }, (_, i) => letter(i + 1).number),
    );
    const byId = new Map<string, string>();
    for (const e of all) {
      const same = byId.get(e.id);
      if (same) assert.is(JSON.stringify(e), same, 'a duplicate carries the same id and content');
      byId.set(e.id, JSON.stringify(e));
    }
    const perNumber = new Map<string, Set<string>>();
    for (const e of all)
      if (e.number) perNumber.set(e.number, (perNumber.get(e.number) ?? new Set()).add(e.id));
    for (const [n, ids] of perNumber) assert.is(ids.size, 1, `${n} was sent under one id only`);
    assert.ok(
      all.filter((e) => e.type === 'stopping').length >= 1 &&
        all.filter((e) => e.type === 'started').length >= 2,
    );
  } finally {
    await reporter.stop();
    await watcher.close();
  }
});

test('a backlog of 10,000 events drains completely, in order', async () => {
  if (!broker) return;
  const d = dir();
  const kiosk = new TestKiosk();
  const offline = new Reporter({
    config: testConfig('mqtt://127.0.0.1:1', d),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  await offline.start();
  for (let n = 1; n <= 10_000; n++) kiosk.bus.emitEvent(n % 10 === 0 ? letter(n) : { type: 'card_unknown' });
  await offline.stop(0);
  const watcher = await new Watcher(broker.url, 'anjungan/+/kiosk-bl/#').start();
  const reporter = reporterFor(kiosk, d, { outbox: { max_messages: 50_000, drain_rate: 5000 } }, 'kiosk-bl');
  // Same data dir, other device id: the queued topics are those of kiosk-01; count by topic tree.
  const watcher01 = await new Watcher(broker.url, 'anjungan/+/kiosk-01/event/+').start();
  try {
    await reporter.start();
    await watcher01.waitFor('10,000 events', () => watcher01.seen.length >= 10_002, 60_000);
    await watcher01.waitFor('empty outbox', () => reporter.outboxDepth() === 0, 10_000);
    const ids = new Set(watcher01.seen.map((s) => (JSON.parse(s.text) as EventPayload).id));
    assert.ok(ids.size >= 10_002, `${ids.size} distinct events`); // 10,000 + started + stopping
    const numbers = watcher01.seen
      .map((s) => (JSON.parse(s.text) as { number?: string }).number)
      .filter(Boolean);
    assert.is(numbers.length, 1000);
    assert.is(numbers[0], letter(10).number);
    assert.is(numbers.at(-1), letter(10_000).number);
  } finally {
    await reporter.stop();
    await watcher.close();
    await watcher01.close();
  }
});

test('the outbox bound: telemetry and other events go first, dropped letters are reported with their numbers', async () => {
  if (!broker) return;
  const d = dir();
  const kiosk = new TestKiosk();
  const offline = new Reporter({
    config: testConfig(
      'mqtt://127.0.0.1:1',
      d,
      { outbox: { max_messages: 100, drain_rate: 1000 } },
      'kiosk-bound',
    ),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  await offline.start();
  for (let n = 1; n <= 30; n++) kiosk.bus.emitEvent({ type: 'card_unknown' });
  for (let n = 1; n <= 110; n++) kiosk.bus.emitEvent(letter(n));
  await waitFor('the outbox full', () => offline.outboxDepth() >= 100);
  await offline.stop(0);
  const watcher = await new Watcher(broker.url, 'anjungan/+/kiosk-bound/#').start();
  const reporter = reporterFor(kiosk, d, { outbox: { max_messages: 100, drain_rate: 1000 } }, 'kiosk-bound');
  try {
    await reporter.start();
    await watcher.waitFor('drop report', () => watcher.on('/event/outbox_dropped').length > 0, 10_000);
    await watcher.waitFor('drained', () => reporter.outboxDepth() === 0, 10_000);
    const reports = () => watcher.on('/event/outbox_dropped').map((s) => JSON.parse(s.text));
    const delivered = () =>
      events(watcher, 'kiosk-bound')
        .filter((e) => e.type === 'letter_issued')
        .map((e) => e.number);
    const accounted = () => new Set(delivered()).size + reports().reduce((a, r) => a + r.letter_issued, 0);
    // Every letter is either delivered or named in a drop report: none vanishes silently. (The
    // outbox is empty once the broker acknowledged; the watcher may receive the last one just after.)
    await watcher.waitFor('all 110 letters delivered or reported dropped', () => accounted() === 110, 10_000);
    for (const r of reports()) assert.is(payloadErrors('event', r), null);
    const letters = reports().reduce((a, r) => a + r.letter_issued, 0);
    const listed = reports().flatMap((r) => r.letter_numbers as string[]);
    assert.is(new Set(delivered()).size + letters, 110);
    const first = reports()[0];
    assert.is(first.events, 31, 'all 30 card_unknown + the first started went before any letter');
    assert.is(first.letter_issued, 10, 'then the 10 oldest letters');
    assert.ok(listed.length === letters && listed.every((n) => !delivered().includes(n)));
    await watcher.waitFor('state with totals', () =>
      watcher
        .on('/state')
        .some(
          (s) =>
            (JSON.parse(s.text) as { outbox_dropped: { letter_issued: number } }).outbox_dropped
              .letter_issued === letters,
        ),
    );
  } finally {
    await reporter.stop();
    await watcher.close();
  }
});

test('the broker publishes the Last Will `offline` when the reporter process is killed (SIGKILL), `offline` on SIGTERM too', async () => {
  if (!broker) return;
  const watcher = await new Watcher(broker.url, 'anjungan/+/kiosk-01/availability').start();
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const d = dir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/mosquitto-reporter-child.ts', broker.url, d],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('child reporter never came online')), PROCESS_START_MS);
        child.stdout.on('data', (b: Buffer) => {
          if (b.toString().includes('online')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      await watcher.waitFor('online', () => watcher.seen.at(-1)?.text === 'online');
      const before = watcher.seen.length;
      child.kill(signal);
      await watcher.waitFor(
        `offline after ${signal}`,
        () => watcher.seen.slice(before).some((s) => s.text === 'offline'),
        10_000,
      );
    } finally {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (running()) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }
  }
  await watcher.close();
});

test('status changes while offline: the state published on reconnect is the latest one', async () => {
  if (!broker) return;
  const d = dir();
  const kiosk = new TestKiosk();
  const reporter = reporterFor(kiosk, d, {}, 'kiosk-state');
  const watcher = await new Watcher(broker.url, 'anjungan/+/kiosk-state/state').start();
  try {
    await reporter.start();
    await watcher.waitFor('state', () => watcher.seen.length > 0);
    await broker.stop('SIGKILL');
    const patch: Partial<KioskStatus> = { printer: 'paper_near_end', letters_today: 7 };
    kiosk.change(patch);
    await broker.restart();
    await watcher.waitFor(
      'latest state',
      () => watcher.seen.some((s) => JSON.parse(s.text).letters_today === 7),
      15_000,
    );
  } finally {
    await reporter.stop();
    await watcher.close();
  }
});

test('a message the broker refuses (MQTT 5 PUBACK 0x87, its ACL) is dropped and logged, not retried for ever', async () => {
  if (!available) return;
  const aclDir = dir();
  chmodSync(aclDir, 0o755); // mosquitto, started as root, reads it as its own user
  const acl = `${aclDir}/acl`;
  writeFileSync(acl, 'topic readwrite #\ntopic deny anjungan/+/+/event/card_unknown\n');
  chmodSync(acl, 0o644);
  const strict = await startMosquitto({ extraConf: `acl_file ${acl}` });
  const d = dir();
  const kiosk = new TestKiosk();
  const reporter = new Reporter({
    config: testConfig(strict.url, d, { protocol_version: 5 }, 'kiosk-acl'),
    bus: kiosk.bus,
    controls: kiosk,
    logger: silentLogger(),
    dataDir: d,
    startedAt: Date.now(),
  });
  const watcher = await new Watcher(strict.url, 'anjungan/+/kiosk-acl/event/+').start();
  try {
    await reporter.start();
    kiosk.bus.emitEvent({ type: 'card_unknown' });
    kiosk.bus.emitEvent(letter(1));
    await watcher.waitFor(
      'the letter after the refused message',
      () => watcher.on('/event/letter_issued').length === 1,
    );
    await watcher.waitFor('empty outbox', () => reporter.outboxDepth() === 0);
    assert.is(watcher.on('/event/card_unknown').length, 0);
  } finally {
    await reporter.stop();
    await watcher.close();
    await strict.close();
  }
});

test.run();
