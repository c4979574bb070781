/**
 * Residents keyed by NIK and card bindings keyed by HMAC(UID), in `<data_dir>/residents.json`
 * through lowdb and the power-loss-safe DurableJsonFile adapter. Format 2:
 *
 *   { "version": 2, "key_id": "…", "fields": ["nik", …],
 *     "residents": "<nik>\t<no_kk>\t…\n<nik>\t…", "cards": { "<card_key>": { nik, bound_at } } }
 *
 * Residents are rows of text sorted by NIK in one string (see resident-rows.ts): 100,000 of them
 * load in a fraction of the time and memory objects take, and the sorted rows are the NIK index. Card
 * bindings stay objects keyed by card key (that object is the O(1) card index). Format 1 (residents
 * as objects keyed by NIK) is read as well and written as format 2 at the next change.
 *
 * Resident refs (an HMAC per NIK) are computed when asked for and remembered for the residents
 * seen lately; a ref never seen resolves through a one-time table of all refs (CLI listings).
 * Every mutating call is exactly one durable write of the whole document (bulk imports included).
 */
import path from 'node:path';
import { Low } from 'lowdb';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { type CardBinding, dropBindings, withBindings } from './card-bindings.ts';
import { DurableJsonFile, fileVersion } from './durable-file.ts';
import { cardKey, residentRef } from './keys.ts';
import { maskNik, RESIDENT_FIELDS, type Resident } from './resident.ts';
import { decodeRow, encodeRow, RowTable } from './resident-rows.ts';

export interface ResidentsDocument {
  version: 2;
  /** Fingerprint of the UID key the card keys were made with (detects a replaced key file). */
  key_id?: string;
  /** Field order of the rows. */
  fields: string[];
  /** One row per resident, sorted by NIK, joined by newlines (see resident-rows.ts). */
  residents: string;
  cards: Record<string, CardBinding>;
}

export type { CardBinding } from './card-bindings.ts';

export type UpsertResult = { added: number; updated: number; unchanged: number; removed: number };

const NIK_RE = /^\d{16}$/;
/** Refs remembered from refOf() (a tap computes its resident's ref; issuing resolves it). */
const RECENT_REFS = 4096;

export class ResidentStore {
  readonly file: string;
  readonly #db: Low<ResidentsDocument>;
  readonly #uidKey: Buffer;
  readonly #keyId: string;
  readonly #logger: Logger;
  /** ref → NIK for recently computed refs, oldest first. */
  readonly #recentRefs = new Map<string, string>();
  /** ref → NIK for every resident, built on the first byRef() of a ref not seen lately. */
  #allRefs: Map<string, string> | null = null;
  /** The residents of the current document (same string, plus row offsets). */
  #table = RowTable.fromText('');
  /** Format of the file as read (1 is converted in memory and written as 2 at the next change). */
  #readFormat = 2;
  /** Mutations run one at a time so each sees the previous one's result. */
  #lock: Promise<unknown> = Promise.resolve();
  /** fileVersion() of the file as this store last read or wrote it. */
  #version: string | null = null;

  private constructor(file: string, uidKey: Buffer, logger: Logger) {
    this.file = file;
    this.#uidKey = uidKey;
    this.#keyId = keyId(uidKey);
    this.#logger = logger;
    const adapter = new DurableJsonFile<ResidentsDocument>(file, {
      logger,
      validate: (data) => {
        const { doc, table, format } = toCurrentFormat(data);
        this.#readFormat = format;
        this.#table = table;
        return doc;
      },
    });
    this.#db = new Low<ResidentsDocument>(adapter, emptyDocument(this.#keyId));
  }

  /**
   * Opens `<dataDir>/residents.json` (a missing file is a first start; a broken one falls back
   * to its backup or throws 'data_corrupt' naming the file).
   */
  static async open(dataDir: string, uidKey: Buffer, logger: Logger): Promise<ResidentStore> {
    const store = new ResidentStore(path.join(dataDir, 'residents.json'), uidKey, logger);
    store.#version = await fileVersion(store.file);
    await store.#db.read();
    store.#checkKey();
    if (store.#readFormat !== 2) {
      logger.info(
        { file: store.file, format: store.#readFormat },
        'resident file in an older format: it is rewritten as format 2 at the next change',
      );
    }
    logger.info(
      { file: store.file, residents: store.count(), cards: Object.keys(store.#cards).length },
      'resident store opened',
    );
    return store;
  }

  /** fileVersion() of the file as this store last read or wrote it (null: no file yet). */
  get version(): string | null {
    return this.#version;
  }

  get(nik: string): Resident | undefined {
    const i = this.#table.find(nik);
    return i < 0 ? undefined : decodeRow(this.#table.row(i));
  }

  /** The resident behind a `resident_ref` (see residentRef()). */
  byRef(ref: string): Resident | undefined {
    const nik = this.#recentRefs.get(ref) ?? this.#refTable().get(ref);
    return nik === undefined ? undefined : this.get(nik);
  }

  /** The resident bound to this card UID, if any. O(1) for the card, O(log n) for the resident. */
  findByCard(uid: Buffer): Resident | undefined {
    const key = this.cardKeyOf(uid);
    const cards = this.#cards;
    return Object.hasOwn(cards, key) ? this.get(cards[key]!.nik) : undefined;
  }

  cardKeyOf(uid: Buffer): string {
    return cardKey(this.#uidKey, uid);
  }

  refOf(nik: string): string {
    const ref = residentRef(this.#uidKey, nik);
    this.#recentRefs.delete(ref);
    this.#recentRefs.set(ref, nik);
    if (this.#recentRefs.size > RECENT_REFS) this.#recentRefs.delete(this.#recentRefs.keys().next().value!);
    return ref;
  }

  count(): number {
    return this.#table.length;
  }

  all(): Resident[] {
    return this.#table.rows().map(decodeRow);
  }

  /**
   * Adds or updates residents by NIK in one durable write. With `replace`, residents absent from
   * the list are removed, and so are their card bindings.
   */
  async upsertMany(residents: Resident[], opts: { replace?: boolean } = {}): Promise<UpsertResult> {
    return (await this.importResidents(residents, [], opts)).residents;
  }

  /**
   * Imports residents and binds their cards in ONE durable write: after a crash the file holds
   * either the whole import or none of it (two writes could leave residents whose cards were
   * never bound, and a backup that holds them so). Card rules as bindCards(), checked against
   * the residents after the import; any refusal changes nothing.
   */
  async importResidents(
    residents: Resident[],
    cardPairs: { uid: Buffer; nik: string }[],
    opts: { replace?: boolean; force?: boolean } = {},
  ): Promise<{ residents: UpsertResult; cards: number }> {
    const out = await this.#mutate(() => {
      const result: UpsertResult = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      const incoming = new Map<string, string>();
      for (const r of residents) {
        if (!NIK_RE.test(r.nik)) {
          throw new KioskError('import_invalid', `NIK ${maskNik(r.nik)} is not 16 digits; nothing was saved`);
        }
        incoming.set(r.nik, encodeRow(r));
      }
      const table = this.#table;
      const changedRows = new Map<number, string>();
      const added: string[] = [];
      for (const [nik, row] of incoming) {
        const i = table.find(nik);
        if (i < 0) {
          result.added++;
          added.push(row);
        } else if (table.row(i) === row) result.unchanged++;
        else {
          result.updated++;
          changedRows.set(i, row);
        }
      }
      let next = table;
      if (opts.replace) {
        next = RowTable.fromRows([...incoming.values()]);
        result.removed = table.length - (incoming.size - result.added);
      } else if (added.length + changedRows.size > 0) {
        const rows = table.rows();
        for (const [i, row] of changedRows) rows[i] = row;
        next = RowTable.fromRows(rows.concat(added));
      }
      let cards = this.#cards;
      if (result.removed > 0) cards = dropBindings(cards, (nik) => next.find(nik) < 0);
      const bound = withBindings(cards, cardPairs, {
        force: opts.force ?? false,
        cardKeyOf: (uid) => this.cardKeyOf(uid),
        hasResident: (nik) => next.find(nik) >= 0,
      });
      const changed = result.added + result.updated + result.removed + bound.changed > 0;
      return {
        changed,
        doc: { ...this.#db.data, residents: next.text, cards: bound.cards },
        value: { residents: result, cards: bound.changed },
        table: next,
      };
    });
    this.#logger.info(
      { ...out.residents, cards_bound: out.cards, replace: opts.replace ?? false, total: this.count() },
      'residents saved',
    );
    return out;
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
      const bound = withBindings(this.#cards, pairs, {
        force: opts.force ?? false,
        cardKeyOf: (uid) => this.cardKeyOf(uid),
        hasResident: (nik) => this.#table.find(nik) >= 0,
      });
      return {
        changed: bound.changed > 0,
        doc: { ...this.#db.data, cards: bound.cards },
        value: bound.changed,
      };
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

  /** How many cards are bound. */
  cardCount(): number {
    return Object.keys(this.#cards).length;
  }

  /** Every binding (card key and UID tails, never the UID); show NIKs masked to people. */
  bindings(): ({ card_key: string } & CardBinding)[] {
    return Object.entries(this.#cards).map(([card_key, b]) => ({ card_key, ...b }));
  }

  get #cards(): Record<string, CardBinding> {
    return this.#db.data.cards;
  }

  /** ref → NIK for every resident (an HMAC each: ~0.3 s per 100,000), made once when needed. */
  #refTable(): Map<string, string> {
    if (this.#allRefs === null) {
      const table = new Map<string, string>();
      for (let i = 0; i < this.#table.length; i++) {
        const nik = this.#table.key(i);
        table.set(residentRef(this.#uidKey, nik), nik);
      }
      this.#allRefs = table;
    }
    return this.#allRefs;
  }

  /**
   * Runs `change` (which builds the next document without touching the current one), writes it
   * durably, and only then makes it current: a failed write leaves memory as the disk is.
   */
  #mutate<V>(
    change: () => { changed: boolean; doc: ResidentsDocument; value: V; table?: RowTable },
  ): Promise<V> {
    const run = this.#lock.then(async () => {
      // Another process wrote since we read (a second command run at the same time): apply this
      // change to its version, not over it. Not a lock: two writes in the same instant still race.
      const onDisk = await fileVersion(this.file);
      if (onDisk !== null && onDisk !== this.#version) await this.#reread(onDisk);
      const { changed, doc, value, table } = change();
      if (!changed) return value;
      const previous = this.#db.data;
      this.#db.data = { ...doc, version: 2, key_id: this.#keyId, fields: [...RESIDENT_FIELDS] };
      try {
        await this.#db.write();
        this.#version = await fileVersion(this.file);
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
      this.#readFormat = 2;
      if (table !== undefined && table !== this.#table) {
        this.#table = table;
        this.#allRefs = null;
      }
      return value;
    });
    this.#lock = run.catch(() => {});
    return run;
  }

  async #reread(version: string): Promise<void> {
    this.#logger.info(
      { file: this.file },
      'resident data changed by another process: applying this change to it',
    );
    await this.#db.read();
    this.#checkKey();
    this.#version = version;
    this.#allRefs = null;
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

/**
 * The residents of a parsed residents.json (format 1 or 2) keyed by NIK, for tools and tests that
 * read the file itself. Throws when the document is not one.
 */
export function residentsInDocument(data: unknown): Record<string, Resident> {
  const { table } = toCurrentFormat(data);
  const out: Record<string, Resident> = {};
  for (const row of table.rows()) {
    const r = decodeRow(row);
    out[r.nik] = r;
  }
  return out;
}

function emptyDocument(keyIdValue: string): ResidentsDocument {
  return { version: 2, key_id: keyIdValue, fields: [...RESIDENT_FIELDS], residents: '', cards: {} };
}

function keyId(uidKey: Buffer): string {
  return cardKey(uidKey, Buffer.from('anjungan:key-id')).slice(0, 16);
}

/**
 * Shape check on load (a document that parses but is not ours is as bad as garbage), and the
 * conversion of older formats to the current one.
 */
function toCurrentFormat(data: unknown): { doc: ResidentsDocument; table: RowTable; format: number } {
  const doc = data as Record<string, unknown> | null;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object');
  if (typeof doc.cards !== 'object' || doc.cards === null || Array.isArray(doc.cards))
    throw new Error('no "cards" object');
  const cards = doc.cards as Record<string, CardBinding>;
  const key_id = typeof doc.key_id === 'string' ? doc.key_id : undefined;
  if (doc.version === 1) {
    const residents = doc.residents as Record<string, Resident> | null;
    if (typeof residents !== 'object' || residents === null) throw new Error('no "residents" object');
    const table = RowTable.fromRows(Object.values(residents).map(encodeRow));
    return { doc: current(key_id, table, cards), table, format: 1 };
  }
  if (doc.version !== 2) throw new Error(`version ${String(doc.version)}, expected 2 (or 1)`);
  const fields = doc.fields;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string') || fields[0] !== 'nik')
    throw new Error('no "fields" list starting with nik');
  if (typeof doc.residents !== 'string') throw new Error('no "residents" text');
  let table = RowTable.fromText(doc.residents);
  if (!sameFields(fields as string[])) {
    table = RowTable.fromRows(table.rows().map((row) => reorder(row, fields as string[])));
  }
  return { doc: current(key_id, table, cards), table, format: 2 };
}

function current(
  key_id: string | undefined,
  table: RowTable,
  cards: Record<string, CardBinding>,
): ResidentsDocument {
  return { version: 2, key_id, fields: [...RESIDENT_FIELDS], residents: table.text, cards };
}

function sameFields(fields: string[]): boolean {
  return fields.length === RESIDENT_FIELDS.length && fields.every((f, i) => f === RESIDENT_FIELDS[i]);
}

/** A row written with another field list (a later or earlier version), in today's field order. */
function reorder(row: string, fields: string[]): string {
  const parts = row.split('\t');
  const r: Record<string, string> = {};
  fields.forEach((f, i) => {
    r[f] = parts[i] ?? '';
  });
  // The values are already escaped: decode them back before encoding in today's order.
  return encodeRow(decodeRow(encodeRawRow(r)));
}

function encodeRawRow(r: Record<string, string>): string {
  return RESIDENT_FIELDS.map((f) => r[f] ?? '').join('\t');
}
