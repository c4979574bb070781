/**
 * `anjungan district keylist …`: the district keeps the verification page's key list and builds
 * the site it publishes. Every change re-signs the list with the district's command key
 * (`anjungan-keylist-v1` + JCS) and a higher serial; see docs/district.md.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errorMessage, KioskError } from '../errors.ts';
import type { KeyListPayload, SignedKeyList } from '../keylist/keylist.ts';
import {
  addKeys,
  rawKeyBase64,
  readDistrictKey,
  readKeyList,
  replacementProblem,
  revokeKey,
  revokeLetter,
  signedListProblem,
  signKeyList,
} from '../keylist/keylist-store.ts';
import { defaultPageDir, embedKeyList, readPage } from '../keylist/verify-site.ts';
import { writeJsonDurably } from '../store/durable-file.ts';
import type { Command, CommandIo } from './command.ts';
import { parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage:
  anjungan district keylist add <record.json>… --list FILE --key FILE
  anjungan district keylist revoke-key <village>/<device> --list FILE --key FILE
  anjungan district keylist revoke-letter <village>/<device> <number> [--reason TEXT] --list FILE --key FILE
  anjungan district keylist build --list FILE --key FILE --out DIR [--page DIR]

The key list of the letter verification page: every kiosk's public key (from \`anjungan keys
export\` on the kiosk), the keys revoked and the letters withdrawn. Each change is signed with the
district's private command key (\`anjungan command keygen\`) and raises the list's serial.

add            add kiosk key records (a kiosk with a new key keeps its old one, for its letters)
revoke-key     mark every key of a kiosk revoked from now (it stays listed: older letters verify)
revoke-letter  withdraw one letter (after \`anjungan letters revoke\` on the kiosk)
build          write the site: DIR/index.html (the page with the list inside), DIR/keys.json,
               DIR/sw.js; refuses a list that lost keys DIR/keys.json has

Options:
  --list FILE     the signed key list (created by the first add)
  --key FILE      the district's Ed25519 private key (PEM)
  --out DIR       build: where the site goes
  --page DIR      build: the built page (default: this installation's dist/verify)
  --reason TEXT   revoke-letter: why (shown to nobody but the district)

Exit codes: 0 done, 1 failed (nothing written), 2 wrong usage.`;

const KIOSK = /^[0-9]{10}\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const district: Command = {
  name: 'district',
  summary: "the district's tools: the verification page's signed key list and site",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        list: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        page: { type: 'string' },
        reason: { type: 'string' },
      },
      'district',
    );
    const [group, sub, ...args] = positionals;
    if (group !== 'keylist')
      throw usageError(group ? `unknown subcommand '${group}'` : 'missing subcommand (keylist)', 'district');
    if (!values.list || !values.key) throw usageError('keylist needs --list FILE and --key FILE', 'district');
    const { privateKey, publicKey } = await readDistrictKey(values.key);
    const list = await readKeyList(values.list, publicKey);
    const now = new Date();
    const save = async (next: KeyListPayload, what: string) => {
      const signed = signKeyList(next, privateKey, now);
      await writeJsonDurably(values.list!, signed);
      io.stdout.write(`${what}; ${values.list} is now serial ${signed.payload.serial}\n`);
      return 0;
    };
    switch (sub) {
      case 'add': {
        if (args.length === 0) throw usageError('add takes one or more record files', 'district');
        const records = await Promise.all(args.map(readRecords));
        const { list: next, added } = addKeys(list, records.flat());
        return save(next, added.length ? `added ${added.join(', ')}` : 'no new key (names updated)');
      }
      case 'revoke-key': {
        const kiosk = kioskArg(args[0], args.length === 1);
        const { list: next, revoked } = revokeKey(list, kiosk, now);
        return save(
          next,
          revoked.length ? `revoked ${kiosk} key(s) ${revoked.join(', ')}` : `${kiosk} was already revoked`,
        );
      }
      case 'revoke-letter': {
        const kiosk = kioskArg(args[0], args.length === 2);
        const number = args[1]!;
        return save(
          revokeLetter(list, kiosk, number, values.reason, now),
          `withdrew ${kiosk} letter ${number}`,
        );
      }
      case 'build':
        if (args.length > 0 || !values.out)
          throw usageError('build takes --out DIR and no arguments', 'district');
        return build(
          io,
          values.list,
          list,
          values.out,
          values.page ?? defaultPageDir(),
          rawKeyBase64(publicKey),
        );
      default:
        throw usageError(
          sub ? `unknown keylist subcommand '${sub}'` : 'missing keylist subcommand',
          'district',
        );
    }

    async function build(
      out: CommandIo,
      listFile: string,
      payload: KeyListPayload,
      dir: string,
      pageDir: string,
      districtKey: string,
    ): Promise<number> {
      if (payload.serial === 0)
        throw new KioskError('config_invalid', `${listFile} does not exist yet: add keys first`);
      const signed = JSON.parse(await fs.readFile(listFile, 'utf8')) as SignedKeyList;
      const deployed = await readDeployed(path.join(dir, 'keys.json'));
      if (deployed) {
        if (signedListProblem(deployed, publicKey) === null) {
          const problem = replacementProblem((deployed as SignedKeyList).payload, payload);
          if (problem)
            throw new KioskError(
              'config_invalid',
              `refusing to replace ${dir}/keys.json: the new list ${problem}`,
            );
        } else {
          out.stderr.write(`warning: ${dir}/keys.json is not signed by this district key; replacing it\n`);
        }
      }
      const page = await readPage(pageDir);
      await writeJsonDurably(path.join(dir, 'keys.json'), signed);
      await fs.writeFile(path.join(dir, 'sw.js'), page.sw);
      await fs.writeFile(
        path.join(dir, 'index.html'),
        embedKeyList(page.html, { district_key: districtKey, list: signed }),
      );
      out.stdout.write(
        `site written to ${dir}: index.html, keys.json, sw.js (serial ${payload.serial}, ${payload.keys.length} key(s), ${payload.revoked_letters.length} withdrawn letter(s))\n`,
      );
      return 0;
    }
  },
};

export default district;

function kioskArg(value: string | undefined, countOk: boolean): string {
  if (!countOk || !value || !KIOSK.test(value)) {
    throw usageError('name the kiosk as <village code>/<device id>, e.g. 1809102004/kiosk-01', 'district');
  }
  return value;
}

/** A record file holds one record (keys export) or an array of them. */
async function readRecords(file: string): Promise<unknown[]> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return Array.isArray(value) ? value : [value];
  } catch (err) {
    throw new KioskError('config_unreadable', `cannot read the key record ${file}: ${errorMessage(err)}`);
  }
}

async function readDeployed(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return {}; // unreadable: treated as not signed by this district
  }
}
