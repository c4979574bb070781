/**
 * The district's broker password for `anjungan monitor` / `command`: from a file or the
 * environment (never visible in `ps`), and a warning when it is given on the command line.
 * Against a real Mosquitto that refuses anonymous clients and wrong passwords.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.ts';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { type Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto.ts';
import { TextSink } from '../support/wait.ts';

const PASSWORD = 's3cret with spaces';
const dir = mkdtempSync(join(tmpdir(), 'anj-mqtt-pw-'));
let broker: Mosquitto | null = null;

function passwdAvailable(): boolean {
  return mosquittoAvailable() && spawnSync('sh', ['-c', 'command -v mosquitto_passwd']).status === 0;
}

test.before(async () => {
  if (!passwdAvailable()) return;
  // Mosquitto drops root for its own user, which must read the password file.
  chmodSync(dir, 0o755);
  const pwfile = join(dir, 'passwd');
  const made = spawnSync('mosquitto_passwd', ['-b', '-c', pwfile, 'district', PASSWORD], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`mosquitto_passwd: ${made.stderr}`);
  chmodSync(pwfile, 0o644);
  broker = await startMosquitto({ extraConf: `allow_anonymous false\npassword_file ${pwfile}` });
});
test.after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `anjungan <argv>` in this process, with its output collected. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const [stdout, stderr] = [new TextSink(), new TextSink()];
  const io = { stdout: stdout.stream, stderr: stderr.stream, stdin: new PassThrough(), env };
  const code = await main(argv, io);
  return { code, out: stdout.text, err: stderr.text };
}

function monitor(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = ['monitor', '--url', broker!.url, '--username', 'district', '--json', '--wait', '0'];
  return cli([...base, ...args], env);
}

test('monitor takes the password from --password-file or ANJUNGAN_MQTT_PASSWORD, and warns about --password', async () => {
  if (!broker) {
    if (process.env.CI === 'true') throw new Error('mosquitto / mosquitto_passwd is not installed');
    console.log('  skipped: mosquitto / mosquitto_passwd is not installed (apt-get install mosquitto)');
    return;
  }
  const file = join(dir, 'district-password');
  writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
  const fromFile = await monitor(['--password-file', file]);
  assert.is(fromFile.code, 0, fromFile.err);
  assert.is(fromFile.err, '', 'no warning for a password from a file');
  assert.equal(JSON.parse(fromFile.out), []);

  const fromEnv = await monitor([], { ANJUNGAN_MQTT_PASSWORD: PASSWORD });
  assert.is(fromEnv.code, 0, fromEnv.err);
  assert.is(fromEnv.err, '');

  const onCommandLine = await monitor(['--password', PASSWORD]);
  assert.is(onCommandLine.code, 0, onCommandLine.err);
  assert.match(onCommandLine.err, /warning: --password on the command line is visible to every user .*ps/);
  assert.match(onCommandLine.err, /use --password-file FILE or \$ANJUNGAN_MQTT_PASSWORD/);

  // The broker really checks: a wrong password from the file is refused.
  writeFileSync(file, 'wrong\n');
  const wrong = await monitor(['--password-file', file]);
  assert.is(wrong.code, 1);
  assert.match(wrong.err, /Not authorized/);

  const missing = await monitor(['--password-file', join(dir, 'nope')]);
  assert.is(missing.code, 1);
  assert.match(missing.err, /--password-file: \S+nope does not exist/);
  const both = await monitor(['--password-file', file, '--password', 'x']);
  assert.is(both.code, 2);
  assert.match(both.err, 'give --password-file or --password, not both');
});

test('command warns about a private key given as PEM text on the command line', async () => {
  if (!broker) return;
  const { privateKeyPem } = generateDistrictKeyPair();
  const argv = ['command', '1809102004/kiosk-01', 'ping', `--key=${privateKeyPem}`, '--url', broker.url];
  // The broker refuses this anonymous client: what matters is the warning before it connects.
  const { code, err } = await cli([...argv, '--timeout', '1']);
  assert.is(code, 1);
  assert.match(err, 'warning: a key given on the command line is visible to every user (ps): use --key FILE');
});

test('command refuses a timeout that is not a number of seconds, and names a missing key file', async () => {
  for (const timeout of ['soon', '0', '-3']) {
    const r = await cli(['command', '1809102004/kiosk-01', 'ping', '--key', 'k.pem', `--timeout=${timeout}`]);
    assert.is(r.code, 2, `--timeout ${timeout}`);
    assert.match(r.err, `--timeout must be a number of seconds, not '${timeout}'`);
  }
  const noKey = await cli(['command', '1809102004/kiosk-01', 'ping', '--key', join(dir, 'no-such.key')]);
  assert.is(noKey.code, 1);
  assert.match(noKey.err, /--key: \S+no-such\.key does not exist/);
});

test.run();
