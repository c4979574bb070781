/** `anjungan dashboard user …`: the dashboard's accounts, in its store under --data. */
import { hashPassword, MIN_PASSWORD_LENGTH, validUserName } from '../dashboard/auth.ts';
import { HistoryStore, type Role } from '../dashboard/store.ts';
import { KioskError } from '../errors.ts';
import type { CommandIo } from './command.ts';

export async function userCommand(
  args: string[],
  role: string | undefined,
  dataDir: string,
  io: CommandIo,
): Promise<number> {
  const [action, name] = args;
  const store = new HistoryStore(dataDir);
  try {
    if (action === 'list') {
      for (const u of store.users()) io.stdout.write(`${u.name}\t${u.role}\n`);
      return 0;
    }
    if (!name || !validUserName(name))
      throw new KioskError('usage', 'expected a user name: lower-case letters, digits, . _ - (up to 32)');
    if (action === 'remove') {
      if (!store.removeUser(name)) throw new KioskError('usage', `no user '${name}'`);
      io.stdout.write(`removed ${name}\n`);
      return 0;
    }
    if (action !== 'add' && action !== 'passwd')
      throw new KioskError('usage', 'expected user add|remove|passwd|list (see anjungan dashboard --help)');
    const existing = store.user(name);
    if (action === 'add' && existing) throw new KioskError('usage', `user '${name}' exists: use passwd`);
    if (action === 'passwd' && !existing) throw new KioskError('usage', `no user '${name}'`);
    const r = role ?? existing?.role ?? 'viewer';
    if (r !== 'viewer' && r !== 'operator')
      throw new KioskError('usage', `--role must be viewer or operator, not '${r}'`);
    const password = await readPassword(io.stdin);
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new KioskError(
        'usage',
        `the password (first line of stdin) needs at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    store.putUser({ name, role: r as Role, hash: hashPassword(password) });
    io.stdout.write(`${action === 'add' ? 'added' : 'changed the password of'} ${name} (${r})\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** The first line of stdin (a pipe, or typed at a terminal). */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]!.replace(/\r$/, '');
}
