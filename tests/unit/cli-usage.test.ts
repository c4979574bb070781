import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.ts';
import { quoteInput } from '../../src/quote-input.ts';

function io() {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough() };
  const text = { stdout: '', stderr: '' };
  streams.stdout.setEncoding('utf8').on('data', (c: string) => {
    text.stdout += c;
  });
  streams.stderr.setEncoding('utf8').on('data', (c: string) => {
    text.stderr += c;
  });
  return { io: { ...streams, stdin: new PassThrough(), env: {} }, text };
}

test('an unknown subcommand is quoted short and escaped, not echoed whole or raw', async () => {
  const { io: cliIo, text } = io();
  const code = await main([`\u001b]0;pwned\u0007${'x'.repeat(100_000)}`], cliIo);
  assert.is(code, 2);
  const first = text.stderr.split('\n')[0] ?? '';
  assert.is(first, `anjungan: unknown command '\\x1b]0;pwned\\x07${'x'.repeat(30)}…'`);
  assert.not.ok(text.stderr.includes('\u001b'));
  assert.ok(text.stderr.length < 4000, `${text.stderr.length} characters on stderr`);
});

test('anjungan run --help documents --sim and the end of input', async () => {
  const { io: cliIo, text } = io();
  assert.is(await main(['run', '--help'], cliIo), 0);
  assert.match(
    text.stdout,
    /--sim\s+simulator mode: the demo village on embedded defaults, whatever config file/,
  );
  assert.match(text.stdout, 'the end of standard input stops the kiosk');
});

test('quoting keeps short input as it is and escapes what would act on a terminal', () => {
  assert.is(quoteInput('dance'), "'dance'");
  assert.is(quoteInput('a\u0000b\u007fc\u2028d\u202ee'), "'a\\x00b\\x7fc\\u{2028}d\\u{202e}e'");
  assert.is(quoteInput("it's \\"), "'it\\'s \\\\'");
  assert.is(quoteInput('Desa Hanura — é'), "'Desa Hanura — é'", 'printable Unicode stays');
  assert.is(quoteInput('abcdef', 3), "'abc…'");
});

test.run();
