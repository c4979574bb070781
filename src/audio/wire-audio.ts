/**
 * Spoken guidance wired to the screens (a few lines in main.ts): each new screen, or a new item
 * under the selection, is said once; a long press of OK says it again.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { ScreenModel } from '../display/screen-model.ts';
import type { KioskState } from '../flows/kiosk-state.ts';
import type { Logger } from '../log.ts';
import { promptFor } from './prompts.ts';
import { Speaker } from './speaker.ts';

export interface Speech {
  /** The screen drawn: speaks when what it says changed. */
  shown(state: KioskState, model: ScreenModel): void;
  repeat(): void;
  stop(): void;
}

/** null when `audio.driver` is "none" (the default). */
export function createSpeech(config: Config, logger: Logger): Speech | null {
  if (config.audio.driver !== 'alsa') return null;
  const speaker = new Speaker({
    device: config.audio.device,
    volume: config.audio.volume,
    promptsDir: config.audio.prompts_dir,
    cacheDir: join(config.data_dir, 'audio-cache'),
    logger: logger.child({ part: 'audio' }),
  });
  let last = '';
  return {
    shown(state, model) {
      const prompt = promptFor(state, model);
      const key = `${state.screen.name}\n${prompt?.text ?? ''}`;
      // The clock redraws idle every 20 s: the same words are not said again.
      if (key === last) return;
      last = key;
      if (prompt) speaker.say(prompt);
      else speaker.cancel();
    },
    repeat: () => speaker.repeat(),
    stop: () => speaker.cancel(),
  };
}
