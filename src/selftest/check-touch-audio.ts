/**
 * Selftest lines for the resident's side: the touch panel (opened, or why not) and the spoken
 * prompts' sound output (a prompt rendered by espeak-ng and played on audio.device: the
 * technician hears it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMPT_TEXT } from '../audio/prompts.ts';
import { Speaker } from '../audio/speaker.ts';
import { panelDpi } from '../hardware/panel-metrics.ts';
import { logicalCanvas } from '../hardware/touch-adapter.ts';
import type { CheckResult, SelftestCheck } from './checks.ts';

const touch: SelftestCheck = {
  name: 'touch',
  async run({ config, logger }): Promise<CheckResult> {
    const cfg = config.hardware.touch;
    if (cfg.driver === 'none')
      return { ok: true, detail: 'no touch panel configured (buttons only)', remedy: null };
    if (cfg.driver === 'sim') return { ok: true, detail: 'simulated touch panel', remedy: null };
    const { EvdevTouch } = await import('../hardware/touch.evdev.ts');
    const display = config.hardware.display;
    const panel = new EvdevTouch(cfg, logger, {
      ...logicalCanvas(display),
      dpi: panelDpi(display.width, display.height, display.dpi),
    });
    try {
      await panel.start();
      return panel.present
        ? { ok: true, detail: panel.describe(), remedy: null }
        : {
            ok: false,
            detail: `${panel.describe()}: not found`,
            remedy:
              'check the cable; `cat /proc/bus/input/devices` lists the input devices: set hardware.touch.device or .name; the service user must be in group "input"',
          };
    } finally {
      await panel.stop();
    }
  },
};

const audio: SelftestCheck = {
  name: 'audio',
  async run({ config, logger, env }): Promise<CheckResult> {
    const cfg = config.audio;
    if (cfg.driver === 'none')
      return { ok: true, detail: 'spoken prompts off (audio.driver "none")', remedy: null };
    const cacheDir = mkdtempSync(join(tmpdir(), 'anjungan-selftest-audio-'));
    const speaker = new Speaker({
      device: cfg.device,
      volume: cfg.volume,
      promptsDir: cfg.prompts_dir,
      cacheDir,
      logger,
      env,
    });
    try {
      const outcome = await new Promise<string | null>((resolve) => {
        speaker.once('played', () => resolve(null));
        speaker.once('failed', (_p, why) => resolve(why));
        speaker.say({ id: 'tap_card', text: PROMPT_TEXT.tap_card, fixed: true });
      });
      const device = cfg.device ?? 'default';
      return outcome === null
        ? { ok: true, detail: `prompt played on ALSA device ${device}`, remedy: null }
        : {
            ok: false,
            detail: `no sound on ${device}: ${outcome}`,
            remedy:
              'apt-get install espeak-ng alsa-utils; `aplay -L` lists the devices: set audio.device; the service user must be in group "audio"',
          };
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  },
};

export const checks = [touch, audio];
