declare module 'uvu/parse' {
  export function parse(
    dir: string,
    pattern: string | RegExp,
    opts?: { ignore?: string[]; cwd?: string },
  ): Promise<{ dir: string; suites: { name: string; file: string }[]; requires: boolean }>;
}
declare module 'uvu/run' {
  export function run(suites: { name: string; file: string }[], opts?: { bail?: boolean }): Promise<void>;
}
