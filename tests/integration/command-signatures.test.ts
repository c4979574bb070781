/**
 * District commands signed outside JavaScript, with the documented examples
 * (docs/examples/sign-command.py with Python's `cryptography`, docs/examples/sign-command.sh with
 * OpenSSL and jq), are accepted by the kiosk, non-ASCII reason included. The old hand-written
 * canonical JSON could not be reproduced by such signers. Missing tools: skip, unless CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KioskControls, KioskStatus } from '../../src/events.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDistrictKeyPair } from '../../src/mqtt/command-signing.ts';
import { CommandHandler } from '../../src/mqtt/commands.ts';
import type { StatePayload } from '../../src/mqtt/payloads.ts';
import { kioskTopics } from '../../src/mqtt/topics.ts';

const REASON = 'perbaikan—é';
const district = generateDistrictKeyPair();
const topics = kioskTopics('1809102004', 'kiosk-01');
const topic = topics.cmd('out_of_service');
const dir = mkdtempSync(join(tmpdir(), 'anj-sig-'));
const keyFile = join(dir, 'district-command.key');
writeFileSync(keyFile, district.privateKeyPem, { mode: 0o600 });
test.after(() => rmSync(dir, { recursive: true, force: true }));

function available(what: string, probe: string[], install: string): boolean {
  const ok = spawnSync(probe[0]!, probe.slice(1), { stdio: 'ignore' }).status === 0;
  if (!ok) {
    if (process.env.CI === 'true') throw new Error(`${what} is missing (${install}) and CI=true`);
    console.warn(`SKIP: ${what} is missing (${install})`);
  }
  return ok;
}

async function kioskAccepts(requestJson: string): Promise<(string | null)[]> {
  const remote: (string | null)[] = [];
  const controls: KioskControls = {
    status: () => ({}) as KioskStatus,
    setRemoteOutOfService: (r) => {
      remote.push(r);
    },
  };
  const handler = new CommandHandler({
    topics,
    village: '1809102004',
    device: 'kiosk-01',
    districtPublicKey: district.publicKeyPem,
    maxAgeS: 300,
    controls,
    logger: silentLogger(),
    now: Date.now,
    state: () => ({}) as StatePayload,
    publishState: () => {},
    nonceFile: null,
  });
  await handler.start();
  const out = await handler.handle({ topic, payload: Buffer.from(requestJson, 'utf8') });
  assert.is(out.refused, null, `${out.refused?.reason}: ${out.refused?.detail}\n${requestJson}`);
  return remote;
}

const args = JSON.stringify({ on: true, reason: REASON });

test('a command signed in Python (cryptography, json.dumps) with a non-ASCII reason is accepted', async () => {
  if (
    !available(
      'python3 with cryptography',
      ['python3', '-c', 'import cryptography'],
      'apt-get install python3-cryptography',
    )
  )
    return;
  const signer = spawnSync(
    'python3',
    ['docs/examples/sign-command.py', keyFile, topic, args, topics.reply('oos'), 'c-1'],
    {
      encoding: 'utf8',
    },
  );
  assert.is(signer.status, 0, signer.stderr);
  assert.ok(signer.stdout.includes(REASON), 'the reason travels as UTF-8, not escaped');
  assert.equal(await kioskAccepts(signer.stdout), [REASON]);
});

test('a command signed with OpenSSL (pkeyutl -rawin) and jq from the shell is accepted', async () => {
  if (!available('jq', ['jq', '--version'], 'apt-get install jq')) return;
  const signer = spawnSync('sh', ['docs/examples/sign-command.sh', keyFile, topic, args], {
    encoding: 'utf8',
  });
  assert.is(signer.status, 0, signer.stderr);
  assert.equal(await kioskAccepts(signer.stdout), [REASON]);
});

test.run();
