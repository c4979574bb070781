/**
 * `anjungan cards enroll|bind|unbind|list`: bind residents' e-KTP cards (by UID) to their NIK.
 * Card UIDs are stored only as HMAC; listings show the card key prefix and the NIK masked.
 */
import { createInterface } from 'node:readline';
import type { Config } from '../config/config.ts';
import { isKioskError, KioskError } from '../errors.ts';
import { SimCardReader } from '../hardware/card-reader.sim.ts';
import type { CardReader } from '../hardware/card-reader.ts';
import { parseHexUid, uidFromDecimal, uidHex } from '../import/card-uid.ts';
import type { Logger } from '../log.ts';
import { maskNik, type Resident } from '../store/resident.ts';
import type { ResidentStore } from '../store/resident-store.ts';
import type { Command, CommandIo } from './command.ts';
import {
  type CliContext,
  CONFIG_HELP,
  CONFIG_OPTION,
  changeAppliedHint,
  openContext,
  openStore,
  parseCommandArgs,
  settleOwnership,
  table,
  usageError,
} from './context.ts';

const HELP = `Usage:
  anjungan cards enroll <NIK> [--force] [--timeout S] [--config FILE]
  anjungan cards bind <UID> <NIK> [--decimal] [--force] [--config FILE]
  anjungan cards unbind <UID> [--decimal] | --nik <NIK> [--config FILE]
  anjungan cards list [--config FILE]

enroll   Waits for a card on the configured reader and binds it to the resident.
         With the simulated reader, type 'tap <UID hex>' on standard input.
bind     Binds a card by its UID. A UID on the command line is ALWAYS hex (04A1B2C3D4E5F6,
         4, 7 or 10 bytes), as a PC/SC reader and 'anjungan run' show it; with --decimal it is
         the decimal number a keyboard-mode (HID) reader types, as in OpenSID's tag_id_card.
unbind   Removes the binding of one card, or of every card of a resident (--nik).
list     Bound cards: masked NIK, name, card key prefix, the UID's last digits in hex and in
         decimal (the whole UID is stored only as HMAC), when bound.

A card already bound to another resident is refused unless --force.

Options:
  --force         move a card bound to someone else to this resident
  --timeout S     enroll: seconds to wait for a card (default 60)
  --nik NIK       unbind: every card of this resident
  --decimal       the UID is decimal digits (keyboard-mode reader), not hex
${CONFIG_HELP}

Exit codes: 0 done, 1 refused or failed (unknown NIK, card bound elsewhere, no tap), 2 wrong usage.`;

const cards: Command = {
  name: 'cards',
  summary: 'bind e-KTP cards to residents (enroll by tap, bind, unbind, list)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...CONFIG_OPTION,
        force: { type: 'boolean' },
        timeout: { type: 'string' },
        nik: { type: 'string' },
        decimal: { type: 'boolean' },
      },
      'cards',
    );
    const [sub, ...args] = positionals;
    const force = values.force ?? false;
    const decimal = values.decimal ?? false;
    const expect = (n: number, what: string) => {
      if (args.length !== n) throw usageError(`cards ${sub} takes ${what}`, 'cards');
    };
    switch (sub) {
      case 'enroll': {
        expect(1, 'one NIK');
        const nik = checkNik(args[0]!);
        const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0)
          throw usageError('--timeout must be a number of seconds', 'cards');
        const ctx = openContext(io, values.config);
        const { store } = await openStore(ctx);
        return enroll(ctx, store, nik, { force, timeoutMs: timeout * 1000 });
      }
      case 'bind': {
        expect(2, 'a card UID and a NIK');
        const uid = parseUid(args[0]!, decimal);
        const nik = checkNik(args[1]!);
        const ctx = openContext(io, values.config);
        const { store } = await openStore(ctx);
        return bind(ctx, store, uid, nik, force);
      }
      case 'unbind': {
        if (values.nik === undefined) expect(1, 'a card UID, or --nik <NIK>');
        else expect(0, '--nik <NIK> and no UID');
        const ctx = openContext(io, values.config);
        const { store } = await openStore(ctx);
        if (values.nik !== undefined) {
          const nik = checkNik(values.nik);
          const n = await store.unbindNik(nik);
          settleOwnership(ctx);
          if (n === 0) throw new KioskError('card_not_bound', `no card is bound to NIK ${maskNik(nik)}`);
          io.stdout.write(`unbound ${n} card(s) of NIK ${maskNik(nik)}\n${changeAppliedHint(ctx)}\n`);
          return 0;
        }
        const uid = parseUid(args[0]!, decimal);
        const holder = store.findByCard(uid);
        if (!(await store.unbindCard(uid)))
          throw new KioskError('card_not_bound', 'this card is not bound to anyone');
        settleOwnership(ctx);
        io.stdout.write(
          `unbound card ${store.cardKeyOf(uid).slice(0, 8)} from ${holder ? `${holder.nama} (NIK ${maskNik(holder.nik)})` : 'a removed resident'}\n${changeAppliedHint(ctx)}\n`,
        );
        return 0;
      }
      case 'list': {
        expect(0, 'no arguments');
        const ctx = openContext(io, values.config);
        const { store } = await openStore(ctx);
        io.stdout.write(`${listCards(store)}\n`);
        return 0;
      }
      default:
        throw usageError(
          sub ? `unknown subcommand '${sub}'` : 'missing subcommand (enroll, bind, unbind, list)',
          'cards',
        );
    }
  },
};

export default cards;

function checkNik(nik: string): string {
  if (!/^\d{16}$/.test(nik))
    throw usageError(`NIK must be 16 digits (got ${nik.length} characters)`, 'cards');
  return nik;
}

/**
 * One rule: hex, unless --decimal. Guessing by length would read `12345678` (8 digits, a valid
 * 4-byte hex UID) differently from the importer, which reads the same digits as decimal.
 */
function parseUid(text: string, decimal: boolean): Buffer {
  try {
    return decimal ? uidFromDecimal(text) : parseHexUid(text);
  } catch (err) {
    const hint = decimal
      ? ''
      : /^\d+$/.test(text.trim())
        ? '; if these are the digits a keyboard-mode reader typed, add --decimal'
        : '';
    throw usageError(`${(err as Error).message.replace(/^tag_id_card/, 'card number')}${hint}`, 'cards');
  }
}

function requireResident(store: ResidentStore, nik: string): Resident {
  const resident = store.get(nik);
  if (!resident)
    throw new KioskError(
      'resident_not_found',
      `no resident with NIK ${maskNik(nik)}; import the residents first`,
    );
  return resident;
}

async function bind(
  ctx: CliContext,
  store: ResidentStore,
  uid: Buffer,
  nik: string,
  force: boolean,
): Promise<number> {
  const resident = requireResident(store, nik);
  const before = store.findByCard(uid);
  await store.bindCard(uid, nik, { force });
  settleOwnership(ctx);
  const key = `${store.cardKeyOf(uid).slice(0, 8)} (${uidForms(uid)})`;
  const out = ctx.io.stdout;
  if (before?.nik === nik) {
    out.write(`card ${key} was already bound to ${resident.nama} (NIK ${maskNik(nik)})\n`);
    return 0;
  }
  const moved = before ? ` (moved from NIK ${maskNik(before.nik)})` : '';
  out.write(`card ${key} bound to ${resident.nama} (NIK ${maskNik(nik)})${moved}\n`);
  if (resident.status_dasar !== 'HIDUP') {
    out.write(
      `note: status ${resident.status_dasar}: the kiosk will recognise the card but refuse letters\n`,
    );
  }
  out.write(`${changeAppliedHint(ctx)}\n`);
  return 0;
}

async function enroll(
  ctx: CliContext,
  store: ResidentStore,
  nik: string,
  opts: { force: boolean; timeoutMs: number },
): Promise<number> {
  const resident = requireResident(store, nik);
  const ended = new AbortController();
  const reader = await openReader(ctx.config, ctx.logger, ctx.io, () => ended.abort());
  const out = ctx.io.stdout;
  try {
    await reader.start();
    if (!reader.present) out.write(`waiting for the card reader (${reader.describe()}) to be plugged in…\n`);
    out.write(
      `tap the e-KTP of ${resident.nama} (NIK ${maskNik(nik)}) on ${reader.describe()} ` +
        `(waiting ${Math.round(opts.timeoutMs / 1000)} s)\n`,
    );
    const uid = await waitForTap(reader, opts.timeoutMs, ended.signal, (msg) => out.write(`${msg}\n`));
    return await bind(ctx, store, uid, nik, opts.force);
  } catch (err) {
    if (isKioskError(err, 'card_already_bound')) {
      throw new KioskError('card_already_bound', `${err.message}; nothing was changed`);
    }
    throw err;
  } finally {
    await reader.stop();
  }
}

/** Resolves with the first readable UID; read errors are reported and waited through. */
function waitForTap(
  reader: CardReader,
  timeoutMs: number,
  inputEnded: AbortSignal,
  say: (msg: string) => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onEnd = () =>
      done(() => reject(new KioskError('card_error', 'standard input ended before a card was tapped')));
    const onTap = (tap: { uid: Buffer }) => done(() => resolve(tap.uid));
    const onError = (err: KioskError) => say(`card not read: ${err.message}; try again`);
    const onPresence = (present: boolean) =>
      say(present ? 'card reader connected' : 'card reader disconnected');
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new KioskError('card_error', `no card was tapped within ${Math.round(timeoutMs / 1000)} s`)),
        ),
      timeoutMs,
    );
    function done(settle: () => void) {
      clearTimeout(timer);
      reader.off('tap', onTap);
      reader.off('read_error', onError);
      reader.off('presence', onPresence);
      inputEnded.removeEventListener('abort', onEnd);
      settle();
    }
    inputEnded.addEventListener('abort', onEnd);
    reader.on('tap', onTap);
    reader.on('read_error', onError);
    reader.on('presence', onPresence);
  });
}

/**
 * Only the reader, per `hardware.reader.driver` (the daemon's other ports are not needed to
 * enroll). The simulated reader takes `tap <UID hex>` / `remove` lines from standard input.
 */
async function openReader(
  config: Config,
  logger: Logger,
  io: CommandIo,
  onInputEnd: () => void,
): Promise<CardReader> {
  const cfg = config.hardware.reader;
  if (cfg.driver === 'pcsc')
    return (await import('../hardware/card-reader.pcsc.ts')).createPcscCardReader(cfg, logger);
  if (cfg.driver === 'hid')
    return (await import('../hardware/card-reader.hid.ts')).createHidCardReader(cfg, logger);
  const sim = new SimCardReader(logger);
  const lines = createInterface({ input: io.stdin });
  lines.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'tap' && arg) {
      try {
        sim.tap(parseHexUid(arg));
      } catch (err) {
        io.stderr.write(`${(err as Error).message}\n`);
      }
    } else if (cmd === 'remove') sim.remove();
    else if (cmd) io.stderr.write(`simulated reader: type 'tap <UID hex>' or 'remove'\n`);
  });
  lines.on('close', onInputEnd);
  const stop = sim.stop.bind(sim);
  sim.stop = async () => {
    lines.off('close', onInputEnd);
    lines.close();
    await stop();
  };
  return sim;
}

/** The ends of a UID in both forms a technician meets: hex (PC/SC) and decimal (keyboard mode). */
function uidForms(uid: Buffer): string {
  const hex = uidHex(uid);
  return `hex …${hex.slice(-4)}, decimal …${BigInt(`0x${hex}`).toString().slice(-4)}`;
}

function listCards(store: ResidentStore): string {
  const rows = [['NIK', 'NAMA', 'CARD KEY', 'UID HEX', 'UID DECIMAL', 'BOUND AT']];
  const bindings = store.bindings().sort((a, b) => a.bound_at.localeCompare(b.bound_at));
  for (const b of bindings) {
    rows.push([
      maskNik(b.nik),
      store.get(b.nik)?.nama ?? '(removed)',
      b.card_key.slice(0, 8),
      b.hex_tail ? `…${b.hex_tail}` : '-',
      b.dec_tail ? `…${b.dec_tail}` : '-',
      b.bound_at,
    ]);
  }
  return (
    `${table(rows)}\n${bindings.length} card(s) bound ` +
    '(UIDs are stored only as HMAC: the last digits tell cards apart; - = bound before they were kept)'
  );
}
