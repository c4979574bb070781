/**
 * Residents keyed by NIK and card bindings keyed by HMAC(UID), in `<data_dir>/residents.json`
 * through lowdb and the power-loss-safe DurableJsonFile adapter.
 *
 *   { "version": 1, "key_id": "…", "residents": { "<nik>": Resident }, "cards": { "<card_key>": { nik, bound_at } } }
 *
 * Lookups by card and by resident reference go through in-memory Maps rebuilt on open and kept
 * current on every change, so a tap costs the same with 10 or 100,000 residents. Every mutating
 * call is exactly one durable write of the whole document (bulk imports included).
 */
import path from 'node:path';
import { Low } from 'lowdb';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DurableJsonFile } from './durable-file.ts';
import { cardKey, residentRef } from './keys.ts';
import { maskNik, RESIDENT_FIELDS, type Resident } from './resident.ts';

export interface CardBinding {
  nik: string;
  bound_at: string;
}

export interface ResidentsDocument {
  version: 1;
  /** Fingerprint of the UID key the card keys were made with (detects a replaced key file). */
  key_id?: string;
  residents: Record<string, Resident>;
  cards: Record<string, CardBinding>;
}

export type UpsertResult = { added: number; updated: number; unchanged: number; removed: number };

const NIK_RE = /^\d{16}$/;

export class ResidentStore {
  readonly file: string;
  readonly #db: Low<ResidentsDocument>;
  readonly #uidKey: Buffer;
  readonly #keyId: string;
  readonly #logger: Logger;
  #cardIndex = new Map<string, string>();
  /** Resident refs both ways. Refs are HMACs (~2-3 µs each, ~0.3 s for 100,000 residents), so
   * they are computed in the background after open; a lookup that needs one sooner computes
   * the rest on the spot. */
  readonly #refToNik = new Map<string, string>();
  readonly #nikToRef = new Map<string, string>();
  #unhashed: string[] = [];
  #warming: NodeJS.Immediate | null = null;
  #count = 0;
  /** Mutations run one at a time so each sees the previous one's result. */
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(file: string, uidKey: Buffer, logger: Logger) {
    this.file = file;
    this.#uidKey = uidKey;
    this.#keyId = keyId(uidKey);
    this.#logger = logger;
    const adapter = new DurableJsonFile<ResidentsDocument>(file, { logger, validate: validateDocument });
    this.#db = new Low<ResidentsDocument>(adapter, emptyDocument(this.#keyId));
  }

  /**
   * Opens `<dataDir>/residents.json` (a missing file is a first start; a broken one falls back
   * to its backup or throws 'data_corrupt' naming the file).
   */
  static async open(dataDir: string, uidKey: Buffer, logger: Logger): Promise<ResidentStore> {
    const store = new ResidentStore(path.join(dataDir, 'residents.json'), uidKey, logger);
    await store.#db.read();
    store.#checkKey();
    for (const r of Object.values(store.#residents)) shareStrings(r);
    store.#reindex(true);
    logger.info(
      { file: store.file, residents: store.count(), cards: store.#cardIndex.size },
      'resident store opened',
    );
    return store;
  }

  get(nik: string): Resident | undefined {
    return Object.hasOwn(this.#residents, nik) ? this.#residents[nik] : undefined;
  }

  /** The resident behind a `resident_ref` (see residentRef()). */
  byRef(ref: string): Resident | undefined {
    let nik = this.#refToNik.get(ref);
    if (nik === undefined && this.#unhashed.length > 0) {
      this.#hashRefs(Number.POSITIVE_INFINITY);
      nik = this.#refToNik.get(ref);
    }
    return nik === undefined ? undefined : this.get(nik);
  }

  /** The resident bound to this card UID, if any. O(1). */
  findByCard(uid: Buffer): Resident | undefined {
    const nik = this.#cardIndex.get(this.cardKeyOf(uid));
    return nik === undefined ? undefined : this.get(nik);
  }

  cardKeyOf(uid: Buffer): string {
    return cardKey(this.#uidKey, uid);
  }

  refOf(nik: string): string {
    return this.#nikToRef.get(nik) ?? residentRef(this.#uidKey, nik);
  }

  count(): number {
    return this.#count;
  }

  all(): Resident[] {
    return Object.values(this.#residents);
  }

  /**
   * Adds or updates residents by NIK in one durable write. With `replace`, residents absent from
   * the list are removed, and so are their card bindings.
   */
  async upsertMany(residents: Resident[], opts: { replace?: boolean } = {}): Promise<UpsertResult> {
    const result = await this.#mutate(() => {
      const result: UpsertResult = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      const incoming = new Map<string, Resident>();
      for (const r of residents) {
        if (!NIK_RE.test(r.nik)) {
          throw new KioskError('import_invalid', `NIK ${maskNik(r.nik)} is not 16 digits; nothing was saved`);
        }
        incoming.set(r.nik, normalise(r));
      }
      const next: Record<string, Resident> = opts.replace ? {} : { ...this.#residents };
      for (const [nik, r] of incoming) {
        const old = this.get(nik);
        if (old === undefined) result.added++;
        else if (sameResident(old, r)) result.unchanged++;
        else result.updated++;
        next[nik] = old !== undefined && sameResident(old, r) ? old : r;
      }
      let cards = this.#cards;
      if (opts.replace) {
        result.removed = this.count() - (incoming.size - result.added);
        if (result.removed > 0) cards = dropBindings(cards, (nik) => !Object.hasOwn(next, nik));
      }
      const changed = result.added + result.updated + result.removed > 0;
      return { changed, doc: { ...this.#db.data, residents: next, cards }, value: result };
    });
    this.#logger.info({ ...result, replace: opts.replace ?? false, total: this.count() }, 'residents saved');
    return result;
  }

  /**
   * Binds a card to a resident. Throws 'resident_not_found', 'card_random_uid' (a UID that
   * changes per tap cannot identify anyone) or 'card_already_bound' (bound to another NIK,
   * unless `force`). Binding it again to the same NIK changes nothing.
   */
  async bindCard(uid: Buffer, nik: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.bindCards([{ uid, nik }], opts);
  }

  /** Binds many cards in one durable write; all or nothing. Returns how many bindings changed. */
  bindCards(pairs: { uid: Buffer; nik: string }[], opts: { force?: boolean } = {}): Promise<number> {
    return this.#mutate(() => {
      const cards = { ...this.#cards };
      const now = new Date().toISOString();
      let changed = 0;
      for (const { uid, nik } of pairs) {
        checkUid(uid);
        if (this.get(nik) === undefined) {
          throw new KioskError(
            'resident_not_found',
            `no resident with NIK ${maskNik(nik)}; import the residents first`,
          );
        }
        const key = this.cardKeyOf(uid);
        const existing = cards[key];
        if (existing?.nik === nik) continue;
        if (existing !== undefined && !opts.force) {
          throw new KioskError(
            'card_already_bound',
            `this card is already bound to NIK ${maskNik(existing.nik)}; unbind it first or use --force`,
          );
        }
        cards[key] = { nik, bound_at: now };
        changed++;
      }
      return { changed: changed > 0, doc: { ...this.#db.data, cards }, value: changed };
    });
  }

  /** Removes the binding of this card; false when it was not bound. */
  unbindCard(uid: Buffer): Promise<boolean> {
    return this.#mutate(() => {
      const key = this.cardKeyOf(uid);
      if (!Object.hasOwn(this.#cards, key)) return { changed: false, doc: this.#db.data, value: false };
      const cards = { ...this.#cards };
      delete cards[key];
      return { changed: true, doc: { ...this.#db.data, cards }, value: true };
    });
  }

  /** Removes every card bound to this NIK; returns how many. */
  unbindNik(nik: string): Promise<number> {
    return this.#mutate(() => {
      const before = Object.keys(this.#cards).length;
      const cards = dropBindings(this.#cards, (n) => n === nik);
      const removed = before - Object.keys(cards).length;
      return { changed: removed > 0, doc: { ...this.#db.data, cards }, value: removed };
    });
  }

  /** Every binding (card key, never the UID); show NIKs masked to people. */
  bindings(): { card_key: string; nik: string; bound_at: string }[] {
    return Object.entries(this.#cards).map(([card_key, b]) => ({
      card_key,
      nik: b.nik,
      bound_at: b.bound_at,
    }));
  }

  get #residents(): Record<string, Resident> {
    return this.#db.data.residents;
  }

  get #cards(): Record<string, CardBinding> {
    return this.#db.data.cards;
  }

  /**
   * Runs `change` (which builds the next document without touching the current one), writes it
   * durably, and only then makes it current: a failed write leaves memory as the disk is.
   */
  #mutate<V>(change: () => { changed: boolean; doc: ResidentsDocument; value: V }): Promise<V> {
    const run = this.#lock.then(async () => {
      const { changed, doc, value } = change();
      if (!changed) return value;
      const previous = this.#db.data;
      this.#db.data = { ...doc, version: 1, key_id: this.#keyId };
      try {
        await this.#db.write();
      } catch (err) {
        this.#db.data = previous;
        throw new KioskError(
          'data_corrupt',
          `cannot write ${this.file}: ${(err as Error).message}; check the disk`,
          {
            cause: err,
          },
        );
      }
      this.#reindex(doc.residents !== previous.residents);
      return value;
    });
    this.#lock = run.catch(() => {});
    return run;
  }

  #reindex(residentsChanged: boolean): void {
    const cardIndex = new Map<string, string>();
    for (const [key, b] of Object.entries(this.#cards)) cardIndex.set(key, b.nik);
    this.#cardIndex = cardIndex;
    if (!residentsChanged) return;
    const residents = this.#residents;
    for (const [nik, ref] of this.#nikToRef) {
      if (Object.hasOwn(residents, nik)) continue;
      this.#nikToRef.delete(nik);
      this.#refToNik.delete(ref);
    }
    const niks = Object.keys(residents);
    this.#count = niks.length;
    this.#unhashed = niks.filter((nik) => !this.#nikToRef.has(nik));
    if (this.#warming === null && this.#unhashed.length > 0) this.#warming = setImmediate(() => this.#warm());
  }

  /** Background ref computation in slices, so that a tap right after start is not held up. */
  #warm(): void {
    this.#hashRefs(2000);
    this.#warming = this.#unhashed.length > 0 ? setImmediate(() => this.#warm()) : null;
  }

  #hashRefs(max: number): void {
    const residents = this.#residents;
    for (let i = 0; i < max && this.#unhashed.length > 0; i++) {
      const nik = this.#unhashed.pop()!;
      if (!Object.hasOwn(residents, nik) || this.#nikToRef.has(nik)) continue;
      const ref = residentRef(this.#uidKey, nik);
      this.#nikToRef.set(nik, ref);
      this.#refToNik.set(ref, nik);
    }
  }

  #checkKey(): void {
    const doc = this.#db.data;
    if (doc.key_id !== undefined && doc.key_id !== this.#keyId && Object.keys(doc.cards).length > 0) {
      throw new KioskError(
        'data_corrupt',
        `the card bindings in ${this.file} were made with a different device key (keys/uid-hmac.key was replaced); ` +
          'restore the original key file, or unbind and re-enroll the cards',
      );
    }
  }
}

function emptyDocument(keyIdValue: string): ResidentsDocument {
  return { version: 1, key_id: keyIdValue, residents: {}, cards: {} };
}

function keyId(uidKey: Buffer): string {
  return cardKey(uidKey, Buffer.from('anjungan:key-id')).slice(0, 16);
}

/** Shape check on load: a document that parses but is not ours is as bad as garbage. */
function validateDocument(data: unknown): ResidentsDocument {
  const doc = data as Partial<ResidentsDocument> | null;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object');
  if (doc.version !== 1) throw new Error(`version ${String(doc.version)}, expected 1`);
  if (typeof doc.residents !== 'object' || doc.residents === null) throw new Error('no "residents" object');
  if (typeof doc.cards !== 'object' || doc.cards === null) throw new Error('no "cards" object');
  return doc as ResidentsDocument;
}

/** Keeps exactly the known fields, as strings (a stray field from an import is not stored). */
function normalise(r: Resident): Resident {
  const out = {} as Record<keyof Resident, string>;
  for (const f of RESIDENT_FIELDS) out[f] = String(r[f] ?? '').trim();
  return shareStrings(out as Resident);
}

/** Fields whose values repeat across residents (a family, a dusun, a job, a birthday). */
const SHARED_FIELDS = RESIDENT_FIELDS.filter((f) => f !== 'nik' && f !== 'nama');
const pool = new Map<string, string>();

/**
 * JSON.parse gives every value its own string; with 100,000 residents the repeated "ISLAM",
 * "PETANI/PEKEBUN", "001"… cost tens of MB. Point equal values at one copy (the kiosk's memory
 * budget is 120 MB on a Pi).
 */
function shareStrings(r: Resident): Resident {
  const rec = r as unknown as Record<string, string>;
  for (const f of SHARED_FIELDS) {
    const v = rec[f];
    if (typeof v !== 'string') continue;
    const known = pool.get(v);
    if (known !== undefined) rec[f] = known;
    else if (pool.size < 500_000) pool.set(v, v);
  }
  return r;
}

function sameResident(a: Resident, b: Resident): boolean {
  return RESIDENT_FIELDS.every((f) => a[f] === b[f]);
}

function dropBindings(
  cards: Record<string, CardBinding>,
  drop: (nik: string) => boolean,
): Record<string, CardBinding> {
  const out: Record<string, CardBinding> = {};
  for (const [key, b] of Object.entries(cards)) if (!drop(b.nik)) out[key] = b;
  return out;
}

function checkUid(uid: Buffer): void {
  if (![4, 7, 10].includes(uid.length)) {
    throw new KioskError(
      'card_error',
      `a card UID has 4, 7 or 10 bytes, got ${uid.length}; read the card again`,
    );
  }
  // ISO 14443-3: a 4-byte UID starting 0x08 is random per tap (RID) and identifies no one.
  if (uid.length === 4 && uid[0] === 0x08) {
    throw new KioskError('card_random_uid', 'this card sends a random UID on every tap and cannot be bound');
  }
}
