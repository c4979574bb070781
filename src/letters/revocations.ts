/**
 * Withdrawing a letter (`anjungan letters revoke <number> --reason "…"`). The running daemon is
 * the register's only writer and the only one that talks to MQTT, so the CLI does not append:
 * it drops a request file into `<data_dir>/requests/` and the daemon takes it up:
 *
 *   CLI: checks the number in the register (read-only) → requests/revoke-<…>.json (0600)
 *   daemon: fs.watch → register.revoke (append-only line) → event letter_revoked → file removed
 *           (a request it cannot apply becomes <file>.rejected, holding why)
 *
 * A kiosk that is not running applies the request at its next start. The office's reason stays
 * on the kiosk; the district hears only the number, the type and a reason code.
 */
import { type FSWatcher, promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import type { KioskBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { fsyncDir } from '../store/durable-file.ts';
import type { LetterRegister } from './register.ts';

/** Reason codes the district sees (`--code`); the office's own words never leave the kiosk. */
export const REVOCATION_CODES = ['salah_data', 'permintaan_warga', 'salah_terbit', 'lainnya'] as const;
export type RevocationCode = (typeof REVOCATION_CODES)[number];

export interface RevocationRequest {
  id: string;
  number: string;
  letter_type: string;
  reason: string;
  code: RevocationCode;
  requested_at: string;
}

const PREFIX = 'revoke-';

export function requestsDir(dataDir: string): string {
  return path.join(dataDir, 'requests');
}

/** Writes the request whole (temp file, fsync, rename); returns its path. */
export async function submitRevocation(dataDir: string, req: RevocationRequest): Promise<string> {
  const dir = requestsDir(dataDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${PREFIX}${Date.now()}-${req.id}.json`;
  const tmp = path.join(dir, `.${name}.tmp`);
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(req), 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path.join(dir, name));
  await fsyncDir(dir);
  return path.join(dir, name);
}

/**
 * Waits until the daemon took the request (`applied`), refused it (`rejected` with why), or
 * `timeoutMs` passed (`queued`: no kiosk running; it applies the request at its next start).
 */
export async function awaitRevocation(
  file: string,
  timeoutMs: number,
): Promise<{ outcome: 'applied' | 'queued' } | { outcome: 'rejected'; why: string }> {
  const rejected = `${file}.rejected`;
  const settled = async () => {
    const why = await fs.readFile(rejected, 'utf8').catch(() => null);
    if (why !== null) return { outcome: 'rejected' as const, why };
    const pending = await fs.access(file).then(
      () => true,
      () => false,
    );
    return pending ? null : { outcome: 'applied' as const };
  };
  return new Promise((resolve) => {
    let watcher: FSWatcher | null = null;
    const finish = (result: Awaited<ReturnType<typeof awaitRevocation>>) => {
      clearTimeout(timer);
      watcher?.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: 'queued' }), timeoutMs);
    const check = () => void settled().then((r) => r && finish(r));
    watcher = watch(path.dirname(file), check);
    check();
  });
}

export interface RevocationInboxDeps {
  dataDir: string;
  register: LetterRegister;
  bus: KioskBus;
  logger: Logger;
  now: () => Date;
}

/** The daemon's side: applies revocation requests, one at a time, in the order they came. */
export class RevocationInbox {
  #watcher: FSWatcher | null = null;
  #queue: Promise<void> = Promise.resolve();
  readonly #seen = new Set<string>();

  constructor(private readonly deps: RevocationInboxDeps) {}

  /** Applies requests left from before the start, then watches for new ones. */
  async start(): Promise<void> {
    const dir = requestsDir(this.deps.dataDir);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      this.#watcher = watch(dir, { persistent: false }, () => this.#scan());
      this.#watcher.on('error', (err) => this.deps.logger.warn({ err }, 'revocation requests: watch failed'));
    } catch (err) {
      this.deps.logger.warn(
        { err: errorMessage(err) },
        'cannot watch revocation requests: they apply at the next start',
      );
    }
    this.#scan();
    await this.#queue;
  }

  async stop(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = null;
    await this.#queue;
  }

  #scan(): void {
    this.#queue = this.#queue.then(async () => {
      const dir = requestsDir(this.deps.dataDir);
      const names = (await fs.readdir(dir).catch(() => [] as string[]))
        .filter((n) => n.startsWith(PREFIX) && n.endsWith('.json') && !this.#seen.has(n))
        .sort();
      for (const name of names) {
        this.#seen.add(name);
        await this.#apply(path.join(dir, name));
      }
    });
  }

  async #apply(file: string): Promise<void> {
    const { register, bus, logger, now } = this.deps;
    try {
      const req = JSON.parse(await fs.readFile(file, 'utf8')) as RevocationRequest;
      if (!(REVOCATION_CODES as readonly string[]).includes(req.code))
        throw new Error(`unknown reason code ${req.code}`);
      await register.revoke({
        id: req.id,
        number: req.number,
        reason: req.reason,
        code: req.code,
        at: now(),
      });
      bus.emitEvent({
        type: 'letter_revoked',
        number: req.number,
        letter_type: req.letter_type,
        reason_code: req.code,
      });
      logger.info({ number: req.number, code: req.code }, 'letter revoked by the village office');
      await fs.rm(file, { force: true });
    } catch (err) {
      logger.warn({ file, err: errorMessage(err) }, 'revocation request refused');
      await fs.writeFile(`${file}.rejected`, errorMessage(err), { mode: 0o600 }).catch(() => undefined);
      await fs.rm(file, { force: true });
    }
  }
}
