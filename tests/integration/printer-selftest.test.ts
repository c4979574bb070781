/**
 * `anjungan selftest` against real peers: the virtual printer (ready, then paper out), a private
 * pcscd with the vpcd reader, a fake framebuffer tree, and this machine's real (absent) GPIO.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli.ts';
import { skipWithoutPcscd, startPcscd } from '../support/pcscd.ts';
import { startVirtualPrinter } from '../support/virtual-printer.ts';
import { PROCESS_START_MS } from '../support/wait.ts';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

async function selftest(configFile: string, env: NodeJS.ProcessEnv = {}) {
  const out = sink();
  const err = sink();
  const code = await main(['selftest', '--config', configFile], {
    stdout: out.stream,
    stderr: err.stream,
    stdin: process.stdin,
    env: { ...env, ANJUNGAN_LOG_LEVEL: 'error' },
  });
  return { code, out: out.text(), err: err.text() };
}

function writeConfig(dir: string, hardware: Record<string, unknown>): string {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ data_dir: path.join(dir, 'data'), hardware }));
  return file;
}

test('printer ready passes, paper out fails with the remedy and exit code 1; GPIO absent fails clearly', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const vp = await startVirtualPrinter();
  try {
    const file = writeConfig(dir, { printer: { driver: 'escpos', interface: vp.url } });
    let r = await selftest(file);
    assert.is(r.code, 0, r.out + r.err);
    assert.match(r.out, /^PASS printer +ready \(ESC\/POS 58 mm printer at tcp:\/\/127\.0\.0\.1:\d+\)$/m);

    vp.setState('paper-out');
    r = await selftest(file);
    assert.is(r.code, 1);
    assert.match(r.out, /^FAIL printer +paper out/m);
    assert.match(r.out, /remedy: load a new paper roll/);
    assert.is(vp.jobs.length, 0, 'selftest prints nothing');

    const gpio = writeConfig(dir, { buttons: { driver: 'gpio' } });
    r = await selftest(gpio);
    assert.is(r.code, 1);
    assert.match(r.out, /^FAIL buttons +GPIO is not accessible/m);
    assert.match(r.out, /gpio=17,27,22,23=ip,pu/);
  } finally {
    await vp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a keyboard-mode reader whose device is missing fails with the remedy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  try {
    const file = writeConfig(dir, {
      display: { driver: 'sim' },
      reader: { driver: 'hid', hid_device: path.join(dir, 'no-such-event-kbd') },
    });
    const r = await selftest(file);
    assert.is(r.code, 1);
    assert.match(r.out, /^FAIL reader +cannot read .*no-such-event-kbd/m);
    assert.match(r.out, /group "input"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('PC/SC reader: found through a real pcscd (vpcd), in its own process', async () => {
  if (skipWithoutPcscd('tests/integration/printer-selftest.test.ts')) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-'));
  const pcscd = await startPcscd();
  try {
    const file = writeConfig(dir, { reader: { driver: 'pcsc' } });
    // libpcsclite reads PCSCLITE_CSOCK_NAME once per process: run the CLI as a child.
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'selftest', '--config', file], {
      env: { ...pcscd.env, ANJUNGAN_CLI_ENTRY: '1', ANJUNGAN_LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: PROCESS_START_MS,
    });
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^PASS reader +PC\/SC Virtual PCD 00 00$/m);
  } finally {
    await pcscd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
