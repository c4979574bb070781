/** What provision, the daemon and selftest check in the files and pins a config points at. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/defaults.ts';
import { districtKeyProblem, pemFileProblem, pinProblems } from '../../src/config/file-checks.ts';

const dir = mkdtempSync(join(tmpdir(), 'anj-checks-'));

function hardware(pins: Partial<Config['hardware']['buttons']['pins']>, indicator = {}): Config['hardware'] {
  const hw = defaultConfig().hardware;
  return {
    ...hw,
    buttons: { ...hw.buttons, pins: { ...hw.buttons.pins, ...pins } },
    indicator: { ...hw.indicator, ...indicator },
  };
}

test('pins: the defaults pass; shared, reserved and off-header pins are named', () => {
  const rows: [Config['hardware'], RegExp | null][] = [
    [hardware({}), null],
    [hardware({ up: 17, down: 17 }), /pins\.down and hardware\.buttons\.pins\.up are both BCM 17/],
    [hardware({ ok: 1 }), /pins\.ok is BCM 1: use GPIO 2–27/],
    [hardware({ back: 28 }), /pins\.back is BCM 28/],
    // The indicator's pins count only when the indicator is on GPIO.
    [hardware({}, { driver: 'none', led_pin: 17 }), null],
    [
      hardware({}, { driver: 'gpio', led_pin: 17 }),
      /led_pin and hardware\.buttons\.pins\.up are both BCM 17/,
    ],
    [hardware({}, { driver: 'gpio', led_pin: 5, buzzer_pin: 6 }), null],
  ];
  for (const [hw, expected] of rows) {
    const problems = pinProblems(hw);
    if (expected) assert.match(problems.join('\n'), expected);
    else assert.equal(problems, []);
  }
});

test('PEM files: missing, not PEM, the wrong kind, and a good one', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const priv = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.match(pemFileProblem(join(dir, 'nope.pem'), 'certificate') ?? '', /nope\.pem does not exist/);
  assert.match(pemFileProblem(dir, 'certificate') ?? '', /is a directory/);
  assert.match(
    pemFileProblem(file('hello', 'hello\n'), 'private key') ?? '',
    /does not hold a PEM private key/,
  );
  assert.match(pemFileProblem(file('pub.pem', pub), 'certificate') ?? '', /is not a valid PEM certificate/);
  assert.is(pemFileProblem(file('key.pem', priv), 'private key'), null);
  assert.is(districtKeyProblem(pub, 'the key'), null);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  assert.match(
    districtKeyProblem(rsa.export({ format: 'pem', type: 'spki' }).toString(), 'the key') ?? '',
    /holds a rsa key; the district command key must be Ed25519/,
  );
});

test.run();
