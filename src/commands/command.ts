/**
 * A CLI subcommand. Adding one = one file in src/commands/ exporting a `Command`, plus one line
 * in src/commands/index.ts. `run` returns the process exit code: 0 ok, 1 failure, 2 usage error.
 */
export interface Command {
  name: string;
  /** One line for `anjungan --help`. */
  summary: string;
  /** Full `anjungan <name> --help` text: usage, options, examples. */
  help: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}
