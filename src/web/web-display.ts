/**
 * The web simulator's display adapter: a display that passes every screen on to the kiosk's own
 * display and also renders it, with the same renderer and canvas, for the browser. The page
 * therefore shows the very pixels the panel gets (touch layout included), live.
 */
import { EventEmitter } from 'node:events';
import { layoutScreen } from '../display/layout.ts';
import { ScreenRenderer } from '../display/renderer.ts';
import type { ScreenModel } from '../display/screen-model.ts';
import type { TouchTarget } from '../display/touch-targets.ts';
import type { Display } from '../hardware/display.ts';
import type { Logger } from '../log.ts';

export interface WebFrame {
  /** Increases with every new frame (the page asks for /frame.png?seq=N). */
  seq: number;
  /** The flow screen it shows. */
  screen: string;
  png: Buffer;
  /** Where a touch does something on this frame (the page shows a hand there; tests aim at them). */
  targets: TouchTarget[];
}

export class WebDisplay extends EventEmitter<{ frame: [WebFrame] }> implements Display {
  readonly #renderer: ScreenRenderer;
  readonly #canvas: { width: number; height: number };
  #last: WebFrame | null = null;
  #lastKey = '';
  #seq = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: Display,
    canvas: { width: number; height: number },
    private readonly logger: Logger,
  ) {
    super();
    this.#renderer = new ScreenRenderer(canvas.width, canvas.height);
    this.#canvas = canvas;
  }

  get frame(): WebFrame | null {
    return this.#last;
  }

  async start(): Promise<void> {
    await this.inner.start();
  }

  async stop(): Promise<void> {
    await this.#chain;
    await this.inner.stop();
  }

  describe(): string {
    return `${this.inner.describe()}, mirrored to the web simulator`;
  }

  async show(screen: ScreenModel): Promise<void> {
    // Frames are rendered one at a time, in order; a failed render never hides the panel's own.
    const next = this.#chain.then(() => this.#render(screen));
    this.#chain = next.catch((err: unknown) =>
      this.logger.warn({ err }, 'web simulator: frame not rendered'),
    );
    await this.inner.show(screen);
  }

  async #render(screen: ScreenModel): Promise<void> {
    const key = JSON.stringify(screen);
    if (key === this.#lastKey) return;
    const png = await this.#renderer.png(screen);
    const targets = layoutScreen(screen, this.#canvas).targets ?? [];
    this.#lastKey = key;
    this.#last = { seq: ++this.#seq, screen: screen.id, png, targets };
    this.emit('frame', this.#last);
  }
}
