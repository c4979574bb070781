import { PassThrough } from 'node:stream';

/**
 * How long a test waits for a process started from the sources (tsx compiles them on the fly)
 * to come up. Generous on purpose: CI machines are shared and slow starts are not what these
 * tests check (start-up time is measured by `npm run bench`); a wait ends as soon as it holds.
 */
export const PROCESS_START_MS = 60_000;

/** Polls `check` until it returns a truthy value or `ms` pass; rejects naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  ms = 5000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Collects everything written to it, for asserting on a daemon's stdout. */
export class TextSink {
  text = '';
  readonly stream: NodeJS.WritableStream;
  constructor() {
    const pass = new PassThrough();
    pass.setEncoding('utf8');
    pass.on('data', (chunk: string) => {
      this.text += chunk;
    });
    this.stream = pass;
  }
  /** Screen ids in the order they were printed (`--- screen: <id> ---`). */
  screens(): string[] {
    return [...this.text.matchAll(/^--- screen: (\S+) ---$/gm)].map((m) => m[1] ?? '');
  }
}
