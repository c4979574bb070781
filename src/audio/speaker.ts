/**
 * Spoken prompts through ALSA: a village's own recording (`audio.prompts_dir/<id>.wav`) when
 * there is one, else espeak-ng's Indonesian voice rendered once to a WAV cache and played with
 * `aplay`. It never blocks the flow: `say` returns at once, a new screen cancels what is still
 * being said, and a kiosk without a sound card (or without espeak-ng) logs one warning and runs
 * silently.
 *
 *   say(prompt) ─▶ cached WAV? ─no─▶ espeak-ng -v id -a VOL -w cache/<hash>.wav ─▶ aplay -D DEV
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Prompt } from './prompts.ts';

export interface SpeakerOptions {
  /** ALSA device for aplay (`default`, `plughw:1,0`); null: the default device. */
  device: string | null;
  /** 0–100. */
  volume: number;
  /** A village's recordings, one `<prompt id>.wav` per fixed prompt; null: none. */
  promptsDir: string | null;
  /** Where rendered prompts are cached (<data_dir>/audio-cache). */
  cacheDir: string;
  logger: Logger;
  /** Environment of aplay (tests point HOME at an ~/.asoundrc with a file sink). */
  env?: NodeJS.ProcessEnv;
}

export class Speaker extends EventEmitter<{ played: [Prompt]; failed: [Prompt, string] }> {
  #player: ChildProcess | null = null;
  #last: Prompt | null = null;
  #silent = false;
  #generation = 0;

  constructor(private readonly opts: SpeakerOptions) {
    super();
    mkdirSync(opts.cacheDir, { recursive: true });
  }

  /** True once sound output failed: the kiosk runs silently from then on. */
  get silent(): boolean {
    return this.#silent;
  }

  /** Says `prompt`, cancelling whatever is still being said. Never throws, never waits. */
  say(prompt: Prompt): void {
    this.#last = prompt;
    this.cancel();
    const generation = ++this.#generation;
    void this.#speak(prompt, generation);
  }

  /** Says the last prompt again (a long press of OK, for who missed it). */
  repeat(): void {
    if (this.#last) this.say(this.#last);
  }

  cancel(): void {
    this.#player?.kill('SIGTERM');
    this.#player = null;
  }

  /** The WAV for a prompt: the village's recording, else espeak-ng's (rendered once, cached). */
  async wavFor(prompt: Prompt): Promise<string> {
    const recorded =
      prompt.fixed && this.opts.promptsDir ? join(this.opts.promptsDir, `${prompt.id}.wav`) : null;
    if (recorded && existsSync(recorded)) return recorded;
    const hash = createHash('sha256')
      .update(`${this.opts.volume}\n${prompt.text}`)
      .digest('hex')
      .slice(0, 24);
    const file = join(this.opts.cacheDir, `${hash}.wav`);
    if (existsSync(file)) return file;
    const tmp = `${file}.${process.pid}.tmp`;
    // espeak-ng's amplitude runs 0–200 (100 its default); volume 100 maps to 150, loud but clean.
    const amplitude = String(Math.round(this.opts.volume * 1.5));
    await run('espeak-ng', ['-v', 'id', '-s', '150', '-a', amplitude, '-w', tmp, prompt.text]);
    renameSync(tmp, file);
    return file;
  }

  async #speak(prompt: Prompt, generation: number): Promise<void> {
    if (this.#silent) return;
    try {
      const wav = await this.wavFor(prompt);
      if (generation !== this.#generation) return; // the screen changed while rendering
      const args = ['-q', ...(this.opts.device ? ['-D', this.opts.device] : []), wav];
      const player = spawn('aplay', args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: this.opts.env ?? process.env,
      });
      this.#player = player;
      let stderr = '';
      player.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => {
        player.on('error', (err) => {
          stderr += errorMessage(err);
          resolve(-1);
        });
        player.on('close', (c, signal) => resolve(signal ? null : c));
      });
      if (this.#player === player) this.#player = null;
      if (code === null) return; // cancelled
      if (code !== 0) throw new Error(stderr.trim() || `aplay exited with ${code}`);
      this.emit('played', prompt);
    } catch (err) {
      // No sound card, no espeak-ng: one warning, then silence (the screens say it all).
      this.#silent = true;
      this.opts.logger.warn(
        { err: errorMessage(err) },
        'spoken prompts off: no sound output (check audio.device, espeak-ng, alsa-utils)',
      );
      this.emit('failed', prompt, errorMessage(err));
    }
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`${cmd}: ${stderr.trim() || err.message}`)) : resolve(),
    );
  });
}
