/**
 * `anjungan [subcommand] [options]`: the kiosk's single executable. Without a subcommand it
 * runs the daemon. Errors that a person can act on are printed plainly with exit code 1 (2 for
 * wrong usage); anything else is a bug and prints its stack.
 */

import type { CommandIo } from './commands/command.ts';
import { COMMANDS } from './commands/index.ts';
import { errorMessage, isKioskError, isPermissionDenied } from './errors.ts';
import { quoteInput } from './quote-input.ts';
import { VERSION } from './version.ts';

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    io.stdout.write(`anjungan ${VERSION}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? 'run' : first;
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`anjungan: unknown command ${quoteInput(name)}\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (isKioskError(err)) {
      io.stderr.write(`anjungan ${name}: ${err.message}\n`);
      return err.code === 'usage' ? 2 : 1;
    }
    // A file this user may not read or write is the technician's to fix, not a bug: no stack.
    if (isPermissionDenied(err)) {
      io.stderr.write(`anjungan ${name}: ${errorMessage(err)}: run it with sudo (or fix the file's owner)\n`);
      return 1;
    }
    throw err;
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Usage: anjungan [command] [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'anjungan <command> --help' for its options.\n`;
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry || process.env.ANJUNGAN_CLI_ENTRY === '1') {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
      // A native handle left open by a device library (PC/SC, GPIO) must not keep a finished
      // command alive: the loop normally drains at once, and this unref'd timer never fires.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`anjungan: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
