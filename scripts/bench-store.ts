/**
 * Store benchmark: 100,000 residents (10,000 with cards) and 100,000 letters already in the
 * register. Measures, in a fresh child process so that building the data does not inflate it:
 * opening both stores, card lookup (HMAC + index), the cost of issuing a letter
 * (reserve + markPrinted, both fsynced) on an empty register versus after 100,000 letters, and RSS.
 *
 *   node --import tsx scripts/bench-store.ts [residents] [letters]
 *
 * `benchStore()` returns the figures for scripts/bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FramebufferPaths } from '../src/hardware/display.framebuffer.ts';
import { formatLetterNumber } from '../src/letters/numbering.ts';
import { LetterRegister, localIso } from '../src/letters/register.ts';
import { silentLogger } from '../src/log.ts';
import type { Daemon } from '../src/main.ts';
import { demoResidents } from '../src/store/demo-data.ts';
import { residentRef } from '../src/store/keys.ts';
import type { Resident } from '../src/store/resident.ts';
import { ResidentStore } from '../src/store/resident-store.ts';
import { percentile, round } from './bench-stats.ts';

const FORMAT = '{code}/{seq:3}/{village_code}/{roman_month}/{year}';
const VILLAGE = '1809102004';
const TYPES = [
  ['sktm', 'S-11'],
  ['domisili', '470'],
  ['usaha', '503'],
  ['keterangan_penduduk', '474'],
  ['pengantar_skck', '331'],
  ['belum_menikah', '474.2'],
  ['bepergian', '475'],
  ['pengantar_umum', '470.1'],
] as const;
// Each sample is two fsyncs: enough of them that disk jitter does not decide the ratio.
const SAMPLE_LETTERS = 100;
const CARDS = 10_000;

export const uidOf = (i: number) => {
  const uid = Buffer.alloc(7);
  uid[0] = 0x04;
  uid.writeUInt32BE(i, 3);
  return uid;
};
export const nikOf = (i: number) => `180910${String(i).padStart(10, '0')}`;

/** Builds the data set, then measures in a child process. */
export async function benchStore(
  opts: { residents?: number; letters?: number } = {},
): Promise<Record<string, number>> {
  const residents = opts.residents ?? 100_000;
  const letters = opts.letters ?? 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-store-'));
  try {
    const uidKey = randomBytes(32);
    await buildResidents(dir, uidKey, residents);
    buildRegister(dir, uidKey, residents, letters);
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--measure',
        dir,
        uidKey.toString('hex'),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 },
    );
    if (child.status !== 0) throw new Error(`bench-store child failed (status ${child.status})`);
    const figures = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, number>;
    return {
      residents,
      register_entries: letters,
      residents_file_mb: round(fs.statSync(path.join(dir, 'residents.json')).size / 1e6, 1),
      register_file_mb: round(fs.statSync(path.join(dir, 'register.jsonl')).size / 1e6, 1),
      ...figures,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The daemon in-process on `config`, silent (no log, frames into a drain), for session timings.
 * Loaded lazily: the store benchmark's child process imports this file and measures its RSS.
 */
export async function startQuietDaemon(config: string, framebufferPaths?: FramebufferPaths): Promise<Daemon> {
  const { startDaemon } = await import('../src/main.ts');
  const out = new PassThrough();
  out.resume();
  return startDaemon({
    configPath: config,
    env: {},
    stdin: null,
    stdout: out,
    logger: silentLogger(),
    ...(framebufferPaths ? { framebufferPaths } : {}),
  });
}

/**
 * A kiosk data dir under `dir` with its UID key (as provision makes it) and `n` residents, the
 * first 10,000 with a bound card. Returns the data dir and the key.
 */
export async function villageDataDir(dir: string, n: number): Promise<{ dataDir: string; uidKey: Buffer }> {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const uidKey = randomBytes(32);
  fs.writeFileSync(path.join(dataDir, 'keys', 'uid-hmac.key'), uidKey.toString('hex'), { mode: 0o600 });
  await buildResidents(dataDir, uidKey, n);
  return { dataDir, uidKey };
}

export async function buildResidents(dir: string, uidKey: Buffer, n: number): Promise<void> {
  const demo = demoResidents();
  const list: Resident[] = [];
  for (let i = 0; i < n; i++) {
    const base = demo[i % demo.length]!;
    list.push({ ...base, nik: nikOf(i), nama: `${base.nama} ${i}`, no_kk: nikOf(i - (i % 4)) });
  }
  const store = await ResidentStore.open(dir, uidKey, silentLogger());
  await store.upsertMany(list);
  const pairs = [];
  for (let i = 0; i < Math.min(CARDS, n); i++) pairs.push({ uid: uidOf(i), nik: nikOf(i) });
  await store.bindCards(pairs);
}

/** Writes the register file directly (100,000 fsynced appends would take minutes). */
export function buildRegister(dir: string, uidKey: Buffer, residents: number, n: number): void {
  const fd = fs.openSync(path.join(dir, 'register.jsonl'), 'w', 0o600);
  const start = new Date(2024, 0, 2, 8, 0).getTime();
  const seqs = new Map<string, number>();
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const [type, code] = TYPES[i % TYPES.length]!;
    const at = new Date(start + i * 4 * 60_000);
    const key = `${at.getFullYear()}|${type}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    const issued = localIso(at);
    const nik = nikOf((i * 7919) % residents);
    const id = `${issued.slice(0, 10).replaceAll('-', '')}-${String(i + 1).padStart(6, '0')}`;
    const entry = {
      id,
      number: formatLetterNumber(FORMAT, { code, seq, villageCode: VILLAGE, date: at }),
      letter_type: type,
      seq,
      year: at.getFullYear(),
      resident_ref: residentRef(uidKey, nik),
      nik_masked: `************${nik.slice(-4)}`,
      purpose: 'Persyaratan administrasi',
      policy: 'final',
      issued_at: issued,
      status: 'printing',
      reason: null,
      updated_at: issued,
    };
    const done = localIso(new Date(at.getTime() + 20_000));
    const failed = i % 50 === 0;
    chunk.push(JSON.stringify(entry));
    chunk.push(
      JSON.stringify({
        op: 'status',
        id,
        status: failed ? 'failed' : 'printed',
        reason: failed ? 'paper_out' : null,
        updated_at: done,
      }),
    );
    if (chunk.length >= 10_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
}

/** Runs in the child: a process that has only opened the stores, like the daemon at start. */
async function measure(dir: string, uidKeyHex: string): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const rssBaseline = process.memoryUsage().rss;
  const uidKey = Buffer.from(uidKeyHex, 'hex');
  const logger = silentLogger();
  const t0 = performance.now();
  const store = await ResidentStore.open(dir, uidKey, logger);
  const t1 = performance.now();
  const register = await LetterRegister.open(dir, {
    numbering: { format: FORMAT, counter: 'per_type' },
    villageCode: VILLAGE,
    logger,
  });
  const t2 = performance.now();

  const lookups: number[] = [];
  const cards = Math.min(CARDS, store.count());
  for (let i = 0; i < 5000; i++) {
    const uid = uidOf((i * 7) % cards);
    const s = performance.now();
    const r = store.findByCard(uid);
    lookups.push(performance.now() - s);
    if (r === undefined) throw new Error('bench: bound card not found');
  }

  // An empty register in the same process and on the same disk; the first round only warms
  // the JIT so that neither side of the ratio pays for it.
  const emptyRegister = async () => {
    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-empty-'));
    const empty = await LetterRegister.open(emptyDir, {
      numbering: { format: FORMAT, counter: 'per_type' },
      villageCode: VILLAGE,
      logger,
    });
    const times = await issueLetters(empty, store, today9());
    await empty.close();
    fs.rmSync(emptyDir, { recursive: true, force: true });
    return times;
  };
  await emptyRegister();
  const first = await emptyRegister();
  const after = await issueLetters(register, store, today9());
  await register.close();
  // close() left a checkpoint: the next start replays only what follows it.
  const t3 = performance.now();
  const reopened = await LetterRegister.open(dir, {
    numbering: { format: FORMAT, counter: 'per_type' },
    villageCode: VILLAGE,
    logger,
  });
  const t4 = performance.now();
  await reopened.close();

  gc();
  const rss = process.memoryUsage().rss;
  return {
    open_residents_ms: round(t1 - t0, 1),
    open_register_ms: round(t2 - t1, 1),
    open_register_checkpoint_ms: round(t4 - t3, 1),
    open_total_ms: round(t2 - t0, 1),
    card_lookup_median_us: round(percentile(lookups, 50) * 1000, 1),
    card_lookup_p99_us: round(percentile(lookups, 99) * 1000, 1),
    letter_first_ms: round(percentile(first, 50), 2),
    letter_after_register_ms: round(percentile(after, 50), 2),
    letter_cost_ratio: round(percentile(after, 50) / percentile(first, 50), 2),
    rss_mb: round(rss / 1e6, 1),
    rss_baseline_mb: round(rssBaseline / 1e6, 1),
    rss_stores_mb: round((rss - rssBaseline) / 1e6, 1),
    heap_used_mb: round(process.memoryUsage().heapUsed / 1e6, 1),
  };
}

/** reserve + markPrinted, like the letter service does per letter; returns ms per letter. */
async function issueLetters(register: LetterRegister, store: ResidentStore, at: Date): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLE_LETTERS; i++) {
    const nik = nikOf(i);
    const when = new Date(at.getTime() + i * 60_000);
    const s = performance.now();
    const ref = store.refOf(nik);
    const limit = register.issuedToday(ref, 'sktm', when);
    if (limit < 0) throw new Error('unreachable');
    const e = await register.reserve({
      letter_type: 'sktm',
      code: 'S-11',
      resident_ref: ref,
      nik_masked: `************${nik.slice(-4)}`,
      purpose: 'Persyaratan administrasi',
      policy: 'final',
      at: when,
    });
    await register.markPrinted(e.id, new Date(when.getTime() + 20_000));
    out.push(performance.now() - s);
  }
  return out;
}

/** 09:00 today: letters are issued "now" (the register's data set ends in 2024). */
function today9(): Date {
  const d = new Date();
  d.setHours(9, 0, 0, 0);
  return d;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  if (process.argv[2] === '--measure') {
    const figures = await measure(process.argv[3]!, process.argv[4]!);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    const residents = process.argv[2] ? Number(process.argv[2]) : undefined;
    const letters = process.argv[3] ? Number(process.argv[3]) : undefined;
    const figures = await benchStore({ residents, letters });
    console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
    console.log(JSON.stringify(figures));
  }
}
