/** `anjungan cards …` as a process: bind, refuse, force, unbind, list (masked), enroll by a simulated tap. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { provisionedKiosk, runCli, SAMPLE_XLSX } from '../support/cli-process.ts';

const DEWI = '1809105702900005';
const YOHANES = '1809100101700006';

async function kioskWithResidents() {
  const k = await provisionedKiosk();
  const r = await runCli(['residents', 'import', SAMPLE_XLSX, '--config', k.config]);
  assert.is(r.code, 0, r.stderr);
  return k;
}

test('bind, refuse a card bound to someone else, --force moves it, unbind, list masked', async () => {
  const k = await kioskWithResidents();
  const c = ['--config', k.config];
  const bound = await runCli(['cards', 'bind', '04A1B2C3D4E5F6', DEWI, ...c]);
  assert.is(bound.code, 0, bound.stderr);
  assert.match(
    bound.stdout,
    /card [0-9a-f]{8} \(hex …E5F6, decimal …2870\) bound to NI KADEK AYU PUSPITA DEWI \(NIK \*{12}0005\)/,
  );

  const refused = await runCli(['cards', 'bind', '04:a1:b2:c3:d4:e5:f6', YOHANES, ...c]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /already bound to NIK \*{12}0005; unbind it first or use --force/);

  const moved = await runCli(['cards', 'bind', '04A1B2C3D4E5F6', YOHANES, '--force', ...c]);
  assert.is(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /moved from NIK \*{12}0005/);

  const list = await runCli(['cards', 'list', ...c]);
  assert.is(list.code, 0);
  assert.match(list.stdout, /\*{12}0006 +YOHANES BOSCO SIMANJUNTAK +[0-9a-f]{8} +…E5F6 +…2870 +\d{4}-/);
  assert.match(
    list.stdout,
    /\*{12}0001 +SUPARMAN +[0-9a-f]{8} +…3348 +…4056 +\d{4}-/,
    'imported decimal 1728394056',
  );
  assert.match(list.stdout, /4 card\(s\) bound/, '3 from the sample export + 1');
  assert.not.match(list.stdout, /\d{16}/, 'no full NIK');
  assert.not.match(list.stdout, /04A1B2C3D4E5F6/i, 'no UID');

  const unbound = await runCli(['cards', 'unbind', '04A1B2C3D4E5F6', ...c]);
  assert.is(unbound.code, 0);
  assert.match(unbound.stdout, /from YOHANES BOSCO SIMANJUNTAK/);
  const twice = await runCli(['cards', 'unbind', '04A1B2C3D4E5F6', ...c]);
  assert.is(twice.code, 1);
  assert.match(twice.stderr, /not bound to anyone/);

  // SUPARMAN's card came from the export (decimal 1728394056); unbind every card of his NIK.
  const byNik = await runCli(['cards', 'unbind', '--nik', '1809100506720001', ...c]);
  assert.is(byNik.code, 0);
  assert.match(byNik.stdout, /unbound 1 card\(s\)/);
  // A UID on the command line is hex; the digits a keyboard-mode reader types need --decimal.
  const asHex = await runCli(['cards', 'bind', '1728394056', '1809100506720001', ...c]);
  assert.is(asHex.code, 2, 'ten digits are not a hex UID');
  assert.match(asHex.stderr, /must be 4, 7 or 10 bytes in hex.*add --decimal/);
  const dec = await runCli(['cards', 'bind', '1728394056', '1809100506720001', '--decimal', ...c]);
  assert.is(dec.code, 0, dec.stderr);
  const hex = await runCli(['cards', 'bind', '67053348', '1809100506720001', ...c]);
  assert.match(hex.stdout, /was already bound to SUPARMAN/, 'the same card as its hex form');
  // Eight digits are a valid hex UID: read as hex, never guessed as decimal.
  const eight = await runCli(['cards', 'bind', '12345678', DEWI, ...c]);
  assert.match(eight.stdout, /\(hex …5678, decimal …9896\) bound to/);
  const eightDec = await runCli(['cards', 'bind', '12345678', DEWI, '--decimal', ...c]);
  assert.match(eightDec.stdout, /\(hex …614E, decimal …5678\) bound to/);
  const show = await runCli(['residents', 'show', DEWI, ...c]);
  assert.match(show.stdout, /UID hex …5678 \/ decimal …9896\)/);
  assert.match(show.stdout, /UID hex …614E \/ decimal …5678\)/);
});

test('enroll binds the card tapped on the (simulated) reader; errors exit 1 or 2', async () => {
  const k = await kioskWithResidents();
  const c = ['--config', k.config];
  const ok = await runCli(['cards', 'enroll', DEWI, ...c], { input: 'tap 08123456\ntap 04AABBCCDDEEFF\n' });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /tap the e-KTP of NI KADEK AYU PUSPITA DEWI/);
  assert.match(
    ok.stdout,
    /card not read: .*random UID.*try again/,
    'a random-UID card is refused, the wait goes on',
  );
  assert.match(ok.stdout, /bound to NI KADEK AYU PUSPITA DEWI/);

  const taken = await runCli(['cards', 'enroll', YOHANES, ...c], { input: 'tap 04AABBCCDDEEFF\n' });
  assert.is(taken.code, 1);
  assert.match(taken.stderr, /already bound to NIK \*{12}0005.*nothing was changed/);

  const noTap = await runCli(['cards', 'enroll', YOHANES, '--timeout', '1', ...c], { input: '' });
  assert.is(noTap.code, 1);
  assert.match(noTap.stderr, /standard input ended before a card was tapped/);

  const unknown = await runCli(['cards', 'enroll', '1809100101700099', ...c]);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /no resident with NIK \*{12}0099/);

  const badUid = await runCli(['cards', 'bind', '04A1B2', DEWI, ...c]);
  assert.is(badUid.code, 2);
  const badNik = await runCli(['cards', 'enroll', '123', ...c]);
  assert.is(badNik.code, 2);
});

test.run();
