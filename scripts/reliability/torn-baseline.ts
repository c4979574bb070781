/**
 * The torn-write campaign's starting point: a provisioned kiosk's data directory (not the demo
 * village: no seeding that could hide a lost file) after real sessions through the daemon, with
 * every durable file present, and where each file's LAST write lies. Two snapshots: `printed`
 * (three letters printed; the register's last write a status line) and `reserved` (one more
 * number reserved and not yet printed; the last write a reserve line).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load-config.ts';
import { LetterRegister } from '../../src/letters/register.ts';
import { silentLogger } from '../../src/log.ts';
import { startDaemon } from '../../src/main.ts';
import { DEMO_CARDS, demoResidents } from '../../src/store/demo-data.ts';
import { loadOrCreateKeys } from '../../src/store/keys.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';

/** One durable file and the byte range [start, end) its last write covered. */
export interface TornTarget {
  name: string;
  /** Snapshot the case starts from. */
  base: 'printed' | 'reserved';
  /** Path inside the data directory. */
  file: string;
  start: number;
  end: number;
  /** Also made unusable before the case: the file this one is the fallback of. */
  alsoBreak?: string;
  /** An append (the bytes before `start` are the previous state) or a whole-file write. */
  append: boolean;
}

export interface Baseline {
  dirs: Record<TornTarget['base'], string>;
  targets: TornTarget[];
  /** What a correct start knows, per snapshot. */
  expected: Record<TornTarget['base'], Expected>;
}

export interface Expected {
  /** `number#seq` of every register entry, in order. */
  register: string[];
  /** Numbers printed. */
  printed: string[];
  /** JSON of every demo resident as the store returns it, by NIK. */
  residents: Record<string, string>;
  /** The letter-signing public key (PEM) the kiosk derives. */
  publicKeyPem: string;
}

/** A provisioned kiosk's config file beside `dataDir` (sim devices, `extra` merged in). */
export function kioskConfig(dataDir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dataDir, '..', `${path.basename(dataDir)}.config.json`);
  // A broker nobody listens on: the outbox is opened and keeps what it holds.
  writeFileSync(file, JSON.stringify({ data_dir: dataDir, mqtt: { url: 'mqtt://127.0.0.1:9' }, ...extra }));
  return file;
}

/** The daemon through startDaemon, as `anjungan run --config <file>` starts it. */
export async function startKioskOn(
  dataDir: string,
  logger = silentLogger(),
  extra: Record<string, unknown> = {},
) {
  const out = new PassThrough();
  out.resume();
  return startDaemon({ configPath: kioskConfig(dataDir, extra), env: {}, stdin: null, stdout: out, logger });
}

/** Residents and their cards imported as `anjungan residents import` / `cards bind` leave them. */
export async function provisionResidents(dataDir: string): Promise<void> {
  const { config } = loadConfig({ path: kioskConfig(dataDir), env: {} });
  const keys = await loadOrCreateKeys(config);
  const store = await ResidentStore.open(dataDir, keys.uidKey, silentLogger());
  // The residents with a demo card: a small file, since every byte offset of it is a case.
  const residents = demoResidents().filter((r) => DEMO_CARDS.some((c) => c.nik === r.nik));
  const cards = DEMO_CARDS.map((c) => ({ uid: Buffer.from(c.uid, 'hex'), nik: c.nik }));
  await store.importResidents(residents, cards.slice(0, -1));
  // A second write: residents.json.bak then holds the first version, as on a kiosk in use.
  await store.importResidents(residents, cards);
}

type Daemon = Awaited<ReturnType<typeof startDaemon>>;

/** One resident's whole session (tap, ok through to print) on the simulated reader and buttons. */
export async function session(daemon: Daemon, card: number, end: 'done' | 'confirm' = 'done'): Promise<void> {
  const { reader, buttons } = daemon.adapters.sim;
  reader!.tap(Buffer.from(DEMO_CARDS[card % 2]!.uid, 'hex'));
  await until(() => daemon.runner.state.screen.name === 'greeting');
  for (let k = 0; k < (end === 'done' ? 4 : 3); k++) {
    buttons!.press('ok');
    await daemon.runner.idle();
  }
  await until(() => daemon.runner.state.screen.name === end);
}

/** Card off the reader and back to idle after a session. */
export async function leave(daemon: Daemon): Promise<void> {
  daemon.adapters.sim.reader!.remove();
  daemon.adapters.sim.buttons!.press('back');
  await until(() => daemon.runner.state.screen.name === 'idle');
}

export async function buildBaseline(): Promise<Baseline> {
  // In memory where the machine has it: thousands of starts, each copying and syncing files.
  const root = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'anj-torn-'));
  const printed = path.join(root, 'printed');
  const { config } = loadConfig({ path: kioskConfig(printed), env: {} });
  await provisionResidents(printed);
  const daemon = await startKioskOn(printed);
  let statusLine = { start: 0, end: 0 };
  for (let i = 0; i < 3; i++) {
    await session(daemon, i);
    const bytes = readFileSync(path.join(printed, 'register.jsonl'));
    statusLine = { start: bytes.lastIndexOf(0x0a, bytes.length - 2) + 1, end: bytes.length };
    await leave(daemon);
  }
  await daemon.stop();

  const reserved = path.join(root, 'reserved');
  cpSync(printed, reserved, { recursive: true });
  const reg = await LetterRegister.open(reserved, {
    numbering: config.letters.numbering,
    villageCode: config.village.code,
    logger: silentLogger(),
  });
  const before = statSync(reg.file).size;
  await reg.reserve({
    letter_type: 'domisili',
    code: '470',
    resident_ref: 'r_00000000000000000000',
    nik_masked: '************0001',
    purpose: 'Persyaratan administrasi',
    policy: 'final',
    at: new Date(),
  });
  await reg.close();
  const after = statSync(reg.file).size;

  const size = (base: string, file: string) => statSync(path.join(base, file)).size;
  const whole = (name: string, base: TornTarget['base'], file: string, alsoBreak?: string): TornTarget => ({
    name,
    base,
    file,
    start: 0,
    end: size(base === 'printed' ? printed : reserved, file),
    append: false,
    ...(alsoBreak ? { alsoBreak } : {}),
  });
  const segments = readdirSync(path.join(printed, 'outbox'))
    .filter((f) => f.endsWith('.seg'))
    .sort();
  const newest = `outbox/${segments.at(-1)}`;
  const segText = readFileSync(path.join(printed, newest));
  const targets: TornTarget[] = [
    { name: 'register (status line)', base: 'printed', file: 'register.jsonl', ...statusLine, append: true },
    {
      name: 'register (reserve line)',
      base: 'reserved',
      file: 'register.jsonl',
      start: before,
      end: after,
      append: true,
    },
    whole('register.checkpoint', 'reserved', 'register.checkpoint'),
    whole('residents.json', 'printed', 'residents.json'),
    whole('residents.json.bak (main unusable)', 'printed', 'residents.json.bak', 'residents.json'),
    {
      name: 'outbox segment',
      base: 'printed',
      file: newest,
      start: segText.lastIndexOf(0x0a, segText.length - 2) + 1,
      end: segText.length,
      append: true,
    },
    whole('uid key', 'printed', 'keys/uid-hmac.key'),
    whole('signing key', 'printed', 'keys/letter-signing.pem'),
    whole('signing public key', 'printed', 'keys/letter-signing.pub.pem'),
  ];
  return {
    dirs: { printed, reserved },
    targets,
    expected: { printed: await expectedOf(printed), reserved: await expectedOf(reserved) },
  };
}

async function expectedOf(dataDir: string): Promise<Expected> {
  const { config } = loadConfig({ path: kioskConfig(dataDir), env: {} });
  const reg = await LetterRegister.open(dataDir, {
    numbering: config.letters.numbering,
    villageCode: config.village.code,
    logger: silentLogger(),
    readOnly: true,
  });
  const entries = reg.list();
  await reg.close();
  const keys = await loadOrCreateKeys(config, { create: false });
  const store = await ResidentStore.open(dataDir, keys.uidKey, silentLogger());
  return {
    register: entries.map((e) => `${e.number}#${e.seq}`),
    printed: entries.filter((e) => e.status === 'printed').map((e) => e.number),
    residents: residentsOf(store),
    publicKeyPem: keys.publicKeyPem,
  };
}

/** Every demo resident as the store answers for them, by NIK (missing ones as ''). */
export function residentsOf(store: Pick<ResidentStore, 'refOf' | 'byRef'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of demoResidents()) out[r.nik] = JSON.stringify(store.byRef(store.refOf(r.nik)) ?? '');
  return out;
}

export async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the kiosk did not reach the awaited state');
    await new Promise((r) => setTimeout(r, 5));
  }
}
