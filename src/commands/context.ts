/**
 * What the technicians' subcommands share: argument parsing with usage errors, and opening the
 * config (--config, $ANJUNGAN_CONFIG, /etc/anjungan/config.json), the device keys, the resident
 * store and the letter register the way the daemon does.
 */
import { mkdirSync, statSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { errorMessage, isPermissionDenied, KioskError } from '../errors.ts';
import { LetterRegister, type RegisterEntry } from '../letters/register.ts';
import { createLogger, type Logger } from '../log.ts';
import { type DeviceKeys, loadOrCreateKeys } from '../store/keys.ts';
import { ResidentStore } from '../store/resident-store.ts';
import { chownTree, isRoot, lookupServiceUser } from '../systemd/service-user.ts';
import type { CommandIo } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict options; a mistake becomes a 'usage' error (exit 2) naming the help. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new KioskError('usage', `${(err as Error).message} (see anjungan ${command} --help)`);
  }
}

/** A 'usage' error (exit 2) that points at the command's help. */
export function usageError(message: string, command: string): KioskError {
  return new KioskError('usage', `${message} (see anjungan ${command} --help)`);
}

/** Refuses anything but exactly the one subcommand `expected` (`keys export`, `config show`). */
export function requireSubcommand(positionals: string[], expected: string, command: string): void {
  if (positionals[0] === expected && positionals.length === 1) return;
  throw usageError(
    positionals[0] ? `unknown subcommand '${positionals[0]}'` : `missing subcommand (${expected})`,
    command,
  );
}

/** The `--config FILE` option every technician command takes. */
export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;

export const CONFIG_HELP =
  '  --config FILE   config file (default /etc/anjungan/config.json, or $ANJUNGAN_CONFIG)';

export interface CliContext {
  config: Config;
  /** The config file read, or null in simulator mode (no config file: demo data under ./var). */
  source: string | null;
  simulator: boolean;
  logger: Logger;
  io: CommandIo;
}

/**
 * Loads the config. Without a config file the commands work on the simulator's data (./var),
 * as `anjungan run` does, and say so on stderr.
 */
export function openContext(io: CommandIo, configPath: string | undefined): CliContext {
  const loaded = loadConfig({ path: configPath, env: io.env });
  // The store and register log at info; a technician's terminal only wants warnings.
  const logger = createLogger(io.env.ANJUNGAN_LOG_LEVEL ?? 'warn', io.stderr);
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (loaded.simulator) {
    io.stderr.write(
      `note: no config file (${configPath ?? io.env.ANJUNGAN_CONFIG ?? '/etc/anjungan/config.json'}): ` +
        `using the simulator's data in ${loaded.config.data_dir}\n`,
    );
  }
  return { config: loaded.config, source: loaded.source, simulator: loaded.simulator, logger, io };
}

/**
 * The device keys. A provisioned kiosk must already have them (`anjungan provision` makes
 * them); in simulator mode they are created as the daemon would.
 */
export function openKeys(ctx: CliContext): Promise<DeviceKeys> {
  if (ctx.simulator) mkdirSync(ctx.config.data_dir, { recursive: true });
  return loadOrCreateKeys(ctx.config, { create: ctx.simulator });
}

export async function openStore(ctx: CliContext): Promise<{ keys: DeviceKeys; store: ResidentStore }> {
  const keys = await openKeys(ctx);
  const store = await ResidentStore.open(ctx.config.data_dir, keys.uidKey, ctx.logger);
  return { keys, store };
}

/**
 * For read-only listings: the resident store to show names, or null (with a note) when this user
 * may not read the keys or the resident file. The register itself needs neither.
 */
export async function openStoreForNames(ctx: CliContext): Promise<ResidentStore | null> {
  try {
    return (await openStore(ctx)).store;
  } catch (err) {
    if (!isPermissionDenied(err)) throw err;
    ctx.io.stderr.write(`note: ${errorMessage(err)}\nnote: resident names are left out (masked NIKs only)\n`);
    return null;
  }
}

/** The letter register, read-only: listing never marks entries or appends while the daemon runs. */
export async function openRegister(ctx: CliContext): Promise<LetterRegister> {
  try {
    return await LetterRegister.open(ctx.config.data_dir, {
      numbering: ctx.config.letters.numbering,
      villageCode: ctx.config.village.code,
      logger: ctx.logger,
      readOnly: true,
    });
  } catch (err) {
    if (!isPermissionDenied(err)) throw err;
    throw new KioskError(
      'permission_denied',
      `cannot read the letter register in ${ctx.config.data_dir}: permission denied (the kiosk's data is readable only by its service user): run it with sudo`,
      { cause: err },
    );
  }
}

/** One register entry by its number, read-only; letter_not_found when there is none. */
export async function findLetter(ctx: CliContext, number: string): Promise<RegisterEntry> {
  const register = await openRegister(ctx);
  try {
    const entry = register.find(number);
    if (!entry) throw new KioskError('letter_not_found', `no letter numbered ${number} in ${register.file}`);
    return entry;
  } finally {
    await register.close();
  }
}

/**
 * After a change made as root (`sudo anjungan residents import …`): files the store just wrote
 * are root's, and the service (user anjungan) could no longer read them. Hands the data
 * directory back to its owner when that owner is the service user.
 */
export function settleOwnership(ctx: CliContext): void {
  if (!isRoot()) return;
  const user = lookupServiceUser();
  if (!user) return;
  try {
    if (statSync(ctx.config.data_dir).uid !== user.uid) return;
    chownTree(ctx.config.data_dir, user.uid, user.gid);
  } catch (err) {
    ctx.io.stderr.write(
      `warning: could not give ${ctx.config.data_dir} back to ${user.name}: ${(err as Error).message}\n`,
    );
  }
}

/** Printed after a change to residents or cards: a running kiosk reloads the file by itself. */
export function changeAppliedHint(ctx: CliContext): string {
  return ctx.simulator
    ? 'a running `anjungan run` uses the change within a second'
    : 'the running kiosk uses the change within a second (no restart needed)';
}

/** Writes aligned columns (a header row first). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}
