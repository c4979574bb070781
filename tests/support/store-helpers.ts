/** Helpers shared by the store, register and key tests. */
import fs from 'node:fs';
import os from 'node:os';
import { Writable } from 'node:stream';
import * as assert from 'uvu/assert';
import { type ErrorCode, isKioskError } from '../../src/errors.ts';
import { createLogger } from '../../src/log.ts';

export function tmpDir(): string {
  return fs.mkdtempSync(`${os.tmpdir()}/anj-`);
}

/** Awaits `fn` and asserts it rejected with a KioskError of `code`; returns the error. */
export async function throwsCode(fn: () => Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(isKioskError(caught, code), `expected KioskError ${code}, got ${String(caught)}`);
  return caught as Error;
}

/** A real pino logger writing into an array, to assert on the warnings a technician would see. */
export function capturingLogger() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk).replace(/^<\d>/, '')));
      cb();
    },
  });
  return { logger: createLogger('debug', out), lines, warnings: () => lines.filter((l) => l.level === 40) };
}
