/**
 * `anjungan keys export`: this kiosk's public key record for the district's verification key
 * list (`anjungan district keylist add`). Public facts only: village names and code, device id,
 * key id and public key, when the key was made, and the titles of the letter types.
 */
import { kioskKeyRecord } from '../keylist/key-record.ts';
import type { Command } from './command.ts';
import {
  CONFIG_HELP,
  CONFIG_OPTION,
  openContext,
  openKeys,
  parseCommandArgs,
  requireSubcommand,
} from './context.ts';

const HELP = `Usage: anjungan keys export [--config FILE]

Prints this kiosk's letter-signing public key as a JSON record (village code and names, device
id, key id, public key, valid from, letter type titles). Give the file to the district, which
adds it to the verification page's key list: anjungan district keylist add <record.json>.
Nothing secret or personal is in it.

Options:
${CONFIG_HELP}

Exit codes: 0 done, 1 the keys cannot be read, 2 wrong usage.`;

const keys: Command = {
  name: 'keys',
  summary: "print this kiosk's public key record for the district's verification key list",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...CONFIG_OPTION }, 'keys');
    requireSubcommand(positionals, 'export', 'keys');
    const ctx = openContext(io, values.config);
    const deviceKeys = await openKeys(ctx);
    const record = kioskKeyRecord(ctx.config, deviceKeys);
    io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return 0;
  },
};

export default keys;
