/**
 * cmd/update's order: what the district's CLI builds from a release folder, and what the kiosk
 * accepts as an order (anything else is refused with the reason, before any download).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { updateOrderArgs } from '../../src/commands/update-order.ts';
import { parseUpdateOrder } from '../../src/update/update-job.ts';
import { tempDir } from '../support/cli-process.ts';
import { releaseKey, tinyBundle } from '../support/tiny-release.ts';

const SHA = 'a'.repeat(64);
const good = {
  version: '0.2.0',
  url: 'https://updates.example.go.id/anjungan/0.2.0/anjungan-0.2.0-linux-arm64.tar.gz',
  sha256: SHA,
  manifest_sig: 'c2lnbmF0dXJl',
};

test('a well-formed order is taken, allow_downgrade false unless given', () => {
  assert.equal(parseUpdateOrder(good), { ...good, allow_downgrade: false });
  assert.is(parseUpdateOrder({ ...good, allow_downgrade: true }).allow_downgrade, true);
});

test('malformed orders are refused naming the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...good, version: '0.2' }, /args\.version/],
    [{ ...good, url: 'http://updates.example.go.id/a.tar.gz' }, /args\.url/],
    [{ ...good, url: 'https://updates.example.go.id/anjungan/0.2.0/' }, /args\.url/],
    [{ ...good, url: 'not a url' }, /args\.url/],
    [{ ...good, sha256: 'ABC' }, /args\.sha256/],
    [{ ...good, manifest_sig: '' }, /args\.manifest_sig/],
    [{ ...good, allow_downgrade: 'yes' }, /args\.allow_downgrade/],
  ];
  for (const [args, reason] of cases)
    assert.throws(() => parseUpdateOrder(args), reason, JSON.stringify(args));
});

test('the district CLI builds the order from the release folder and where it is published', () => {
  const dir = path.join(tempDir(), 'anjungan-0.2.0');
  const m = tinyBundle(dir, { version: '0.2.0', key: releaseKey(), size: 1000 });
  const args = updateOrderArgs({
    bundleDir: dir,
    releaseUrl: 'https://updates.example.go.id/anjungan/0.2.0',
    allowDowngrade: undefined,
  });
  assert.equal(args, {
    version: '0.2.0',
    url: `https://updates.example.go.id/anjungan/0.2.0/${m.archive}`,
    sha256: m.sha256,
    manifest_sig: fs.readFileSync(path.join(dir, 'manifest.sig'), 'utf8').trim(),
    allow_downgrade: false,
  });
  // What the CLI builds, the kiosk takes.
  assert.equal(parseUpdateOrder(args), args);
  assert.throws(
    () => updateOrderArgs({ bundleDir: dir, releaseUrl: 'http://x/', allowDowngrade: false }),
    /https/,
  );
  assert.throws(
    () => updateOrderArgs({ bundleDir: undefined, releaseUrl: 'https://x/', allowDowngrade: false }),
    /--bundle-dir/,
  );
});

test.run();
