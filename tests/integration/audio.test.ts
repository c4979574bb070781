/**
 * Spoken guidance: every screen has words to say (the greeting with the first name only);
 * espeak-ng renders each fixed prompt to a WAV that is not silent and not absurdly long; the
 * speaker plays through a real ALSA device (a file sink defined in ~/.asoundrc), prefers a
 * village's own recording, and goes silent with one warning when there is no sound output.
 * Needs espeak-ng and aplay (alsa-utils): skipped without them, a failure under CI=true.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROMPT_TEXT, type Prompt, promptFor } from '../../src/audio/prompts.ts';
import { Speaker } from '../../src/audio/speaker.ts';
import { screenFor } from '../../src/display/screens.ts';
import { silentLogger } from '../../src/log.ts';
import { alsaFileSink, audioToolsAvailable } from '../support/alsa-sink.ts';
import { allScreens, context, FULL_NIK } from '../support/display-fixtures.ts';

/** Duration (s) and peak amplitude of a 16-bit PCM WAV. */
function wavInfo(file: string): { seconds: number; peak: number } {
  const b = fs.readFileSync(file);
  assert.is(b.toString('ascii', 0, 4), 'RIFF');
  const rate = b.readUInt32LE(24);
  const channels = b.readUInt16LE(22);
  let off = 12;
  while (off + 8 <= b.length && b.toString('ascii', off, off + 4) !== 'data')
    off += 8 + b.readUInt32LE(off + 4);
  // espeak-ng writes to a pipe-like file and may leave the size 0x7fffffff: read to the end.
  const start = off + 8;
  const samples = Math.floor((b.length - start) / 2 / channels);
  let peak = 0;
  for (let i = start; i + 1 < b.length; i += 2) peak = Math.max(peak, Math.abs(b.readInt16LE(i)));
  return { seconds: samples / rate, peak };
}

const screens = allScreens().map((s) => ({
  name: s.name,
  state: s.state,
  model: screenFor(s.state, context()),
}));

test('every screen but "reading" has words to say; the greeting says the first name only, never the NIK', () => {
  for (const s of screens) {
    const prompt = promptFor(s.state, s.model);
    if (s.state.screen.name === 'reading') assert.is(prompt, null);
    else assert.ok(prompt && prompt.text.length > 3, `${s.name} has a prompt`);
    assert.not.ok(JSON.stringify(prompt).includes(FULL_NIK.slice(-4)), `${s.name}: no NIK digits`);
  }
  const greeting = screens.find((s) => s.name === 'greeting');
  const text = greeting && promptFor(greeting.state, greeting.model)?.text;
  assert.is(text, 'Selamat datang, Siti. Tekan OK untuk memilih surat.');
  const menu = screens.find((s) => s.name === 'choose_letter');
  assert.is(
    menu && promptFor(menu.state, menu.model)?.text,
    'Keterangan Bepergian',
    'the item under the selection',
  );
});

test('espeak-ng renders every fixed prompt once: a WAV between 0.5 and 10 s that is not silent', async () => {
  if (!audioToolsAvailable()) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-audio-'));
  const speaker = new Speaker({
    device: null,
    volume: 80,
    promptsDir: null,
    cacheDir: dir,
    logger: silentLogger(),
  });
  for (const [id, text] of Object.entries(PROMPT_TEXT)) {
    const wav = await speaker.wavFor({ id, text, fixed: true });
    const { seconds, peak } = wavInfo(wav);
    assert.ok(seconds > 0.5 && seconds < 10, `${id}: ${seconds.toFixed(2)} s`);
    assert.ok(peak > 1000, `${id}: peak ${peak}`);
    assert.is(await speaker.wavFor({ id, text, fixed: true }), wav, `${id}: rendered once, then cached`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('plays through ALSA (a file sink); a village recording wins; no device → one warning, then silence', async () => {
  if (!audioToolsAvailable()) return;
  const { home, file: sink, env, cleanup } = alsaFileSink();
  const promptsDir = path.join(home, 'prompts');
  fs.mkdirSync(promptsDir);
  execFileSync('espeak-ng', ['-v', 'id', '-w', path.join(promptsDir, 'done.wav'), 'Surat sudah jadi']);
  const options = {
    volume: 80,
    promptsDir,
    cacheDir: path.join(home, 'cache'),
    logger: silentLogger(),
    env,
  };
  try {
    const speaker = new Speaker({ ...options, device: 'sink' });
    const played = new Promise<Prompt>((resolve) => speaker.once('played', resolve));
    const done: Prompt = { id: 'done', text: PROMPT_TEXT.done, fixed: true };
    assert.is(await speaker.wavFor(done), path.join(promptsDir, 'done.wav'), 'the recording stands in');
    speaker.say(done);
    assert.is((await played).id, 'done');
    assert.ok(fs.statSync(sink).size > 10_000, 'audio reached the device');

    const mute = new Speaker({ ...options, device: 'no_such_card' });
    const failed = new Promise<string>((resolve) => mute.once('failed', (_p, why) => resolve(why)));
    mute.say({ id: 'confirm', text: PROMPT_TEXT.confirm, fixed: true });
    assert.match(await failed, /no_such_card|Unknown PCM/);
    assert.ok(mute.silent, 'silent after the first failure: no retry per screen');
  } finally {
    cleanup();
  }
});

test.run();
