import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ScreenModel } from '../display/screen-model.ts';
import { renderTextFrame } from '../display/text-frame.ts';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Display } from './display.ts';

export interface SimDisplayOptions {
  /** Where text frames go (the simulator's stdout). */
  out: { write(text: string): unknown };
  /** When set, every new frame is also written there as a PNG (for people and the web simulator). */
  pngPath: string | null;
  width: number;
  height: number;
  orientation: 'landscape' | 'portrait';
  logger: Logger;
}

/** Progress steps the text frames show. */
const TEXT_PROGRESS_STEPS = 4;

/**
 * The text frames show progress in quarters: a letter in 5 % steps would print about 20 frames
 * that differ in one number, burying the frames a script or a person looks for. The PNG (and
 * the real panel) keep the fine steps.
 */
function textProgress(screen: ScreenModel): ScreenModel {
  if (screen.progress === undefined) return screen;
  return { ...screen, progress: Math.floor(screen.progress * TEXT_PROGRESS_STEPS) / TEXT_PROGRESS_STEPS };
}

/**
 * Simulated display: prints each new screen as a text frame (first line `--- screen: <id> ---`)
 * and, with `pngPath`, writes the pixels the real panel would show, atomically (temp + rename),
 * so a reader never sees half a PNG. Identical frames are skipped, like the framebuffer does.
 */
export class SimDisplay implements Display {
  private lastFrame: string | null = null;
  private lastPngKey: string | null = null;
  private renderer: import('../display/renderer.ts').ScreenRenderer | null = null;
  private started = false;
  /** The newest screen not yet drawn as a PNG, and the drawing in progress. */
  private pngLatest: ScreenModel | null = null;
  private pngDrawing: Promise<void> | null = null;
  #pngWrites = 0;

  constructor(private readonly opts: SimDisplayOptions) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.opts.pngPath) {
      await mkdir(dirname(this.opts.pngPath), { recursive: true });
      // Loaded only when PNGs are wanted: a text-only simulator never loads sharp.
      const { ScreenRenderer, logicalSize } = await import('../display/renderer.ts');
      const size = logicalSize(this.opts.width, this.opts.height, this.opts.orientation);
      this.renderer = new ScreenRenderer(size.width, size.height);
      await this.renderer.warmUp();
    }
  }

  /** Stops after the PNG being written (if any) is in place: nothing is written after stop. */
  async stop(): Promise<void> {
    this.started = false;
    this.pngLatest = null;
    await this.pngDrawing?.catch(() => undefined);
  }

  async show(screen: ScreenModel): Promise<void> {
    const frame = renderTextFrame(textProgress(screen));
    if (frame !== this.lastFrame) {
      this.lastFrame = frame;
      this.opts.out.write(`${frame}\n`);
    }
    if (!this.opts.pngPath) return;
    // PNG writes run one at a time (two never race on the temp file), and only the newest screen
    // waits, as on the framebuffer: screens that change faster than they render (a script, the
    // time campaign's fake clock) used to queue every frame, unbounded.
    this.pngLatest = screen;
    if (!this.pngDrawing) {
      this.pngDrawing = this.drainPng().finally(() => {
        this.pngDrawing = null;
      });
    }
    return this.pngDrawing;
  }

  /** PNGs written so far (a screen replaced before its turn is never drawn). */
  get pngWrites(): number {
    return this.#pngWrites;
  }

  private async drainPng(): Promise<void> {
    while (this.pngLatest) {
      const screen = this.pngLatest;
      this.pngLatest = null;
      await this.writePng(screen);
    }
  }

  private async writePng(screen: ScreenModel): Promise<void> {
    const path = this.opts.pngPath;
    const key = JSON.stringify(screen);
    if (!path || key === this.lastPngKey) return;
    if (!this.renderer) await this.start();
    const renderer = this.renderer;
    if (!renderer) return;
    const png = await renderer.png(screen);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, png);
      await rename(tmp, path);
      this.lastPngKey = key;
      this.#pngWrites++;
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new KioskError(
        'config_invalid',
        `cannot write the screen PNG ${path}: check that the directory exists and is writable`,
        { cause: err },
      );
    }
  }

  describe(): string {
    const size = `${this.opts.width}x${this.opts.height} ${this.opts.orientation}`;
    return this.opts.pngPath
      ? `sim display ${size}, PNG at ${this.opts.pngPath}`
      : `sim display ${size} (text)`;
  }
}
