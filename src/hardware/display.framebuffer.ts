import { type FileHandle, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { type FbGeometry, packFrame } from '../display/pixels.ts';
import { logicalSize, ScreenRenderer } from '../display/renderer.ts';
import type { ScreenModel } from '../display/screen-model.ts';
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Display } from './display.ts';

export interface FramebufferPaths {
  /** Root of sysfs (tests pass a fake tree). Default "/sys". */
  sysfsRoot?: string;
  /** Where the fbN device nodes are (tests pass a dir with a regular file). Default "/dev". */
  devRoot?: string;
}

export interface FramebufferInfo extends FbGeometry {
  /** "fb1" */
  id: string;
  /** The driver's name from sysfs ("fb_ili9486", "vc4drmfb"). */
  name: string;
  devicePath: string;
}

/**
 * Finds the panel under <sysfs>/class/graphics/fbN: by `device` = "fbN", or a substring of its
 * `name` (case-insensitive), or the first one when null; reads its geometry.
 */
export async function findFramebuffer(
  device: string | null,
  paths: FramebufferPaths = {},
): Promise<FramebufferInfo> {
  const sysfs = paths.sysfsRoot ?? '/sys';
  const dev = paths.devRoot ?? '/dev';
  const classDir = join(sysfs, 'class', 'graphics');
  const ids = (await readdir(classDir).catch(() => [] as string[]))
    .filter((d) => /^fb\d+$/.test(d))
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
  const found = await Promise.all(
    ids.map(async (id) => ({
      id,
      name: (await readFile(join(classDir, id, 'name'), 'utf8').catch(() => '')).trim(),
    })),
  );
  if (found.length === 0) {
    throw new KioskError(
      'config_invalid',
      `no framebuffer under ${classDir}: enable the panel's driver (dtoverlay in /boot/firmware/config.txt) or set hardware.display.driver to "sim"`,
    );
  }
  const wanted = device?.trim() ?? null;
  const fb = !wanted
    ? found[0]
    : /^fb\d+$/.test(wanted)
      ? found.find((f) => f.id === wanted)
      : found.find((f) => f.name.toLowerCase().includes(wanted.toLowerCase()));
  if (!fb) {
    const list = found.map((f) => `${f.id} "${f.name}"`).join(', ');
    throw new KioskError(
      'config_invalid',
      `no framebuffer matches hardware.display.device "${wanted}" (found: ${list}): set it to one of these`,
    );
  }
  const attr = (file: string) => readFile(join(classDir, fb.id, file), 'utf8').then((s) => s.trim());
  const [sizeText, bppText] = await Promise.all([attr('virtual_size'), attr('bits_per_pixel')]).catch(
    (err: unknown) => {
      throw new KioskError(
        'config_invalid',
        `cannot read the geometry of ${fb.id} under ${classDir}: is it a framebuffer?`,
        { cause: err },
      );
    },
  );
  const [width, height] = sizeText.split(',').map((n) => Number.parseInt(n, 10));
  const bpp = Number.parseInt(bppText, 10);
  if (!width || !height)
    throw new KioskError('config_invalid', `${fb.id}: unreadable virtual_size "${sizeText}"`);
  if (bpp !== 16 && bpp !== 32) {
    throw new KioskError(
      'config_invalid',
      `${fb.id} uses ${bpp} bits per pixel; only 16 (RGB565) and 32 (XRGB8888) are supported: set the panel driver to one of them`,
    );
  }
  // Older kernels lack `stride`: rows are then exactly width * bytes per pixel.
  const strideText = await attr('stride').catch(() => '');
  const stride = Number.parseInt(strideText, 10) || (width * bpp) / 8;
  if (stride < (width * bpp) / 8)
    throw new KioskError('config_invalid', `${fb.id}: stride ${stride} is shorter than a row`);
  return { id: fb.id, name: fb.name, width, height, bpp, stride, devicePath: join(dev, fb.id) };
}

/**
 * Linux framebuffer display: renders each screen (cached items composited into one reused RGBA
 * buffer, see display/compositor.ts), packs it for the panel
 * (RGB565 or XRGB8888, honouring the stride, rotated for portrait on a landscape panel) and
 * writes it at offset 0 of /dev/fbN. Identical screens are not redrawn; when screens arrive
 * faster than they are drawn, only the newest is drawn.
 */
export async function createFramebufferDisplay(
  cfg: Config['hardware']['display'],
  logger: Logger,
  opts: FramebufferPaths = {},
): Promise<Display> {
  const fb = await findFramebuffer(cfg.device, opts);
  if (
    Math.max(fb.width, fb.height) !== Math.max(cfg.width, cfg.height) ||
    Math.min(fb.width, fb.height) !== Math.min(cfg.width, cfg.height)
  ) {
    logger.warn(
      { fb: fb.id, fb_size: `${fb.width}x${fb.height}`, config_size: `${cfg.width}x${cfg.height}` },
      'framebuffer size differs from hardware.display width/height: drawing at the framebuffer size',
    );
  }
  return new FramebufferDisplay(fb, cfg.orientation, logger);
}

class FramebufferDisplay implements Display {
  private handle: FileHandle | null = null;
  private readonly renderer: ScreenRenderer;
  /** The RGBA render target, reused frame after frame (no 1.5 MB garbage per frame). */
  private readonly rgba: Buffer;
  private readonly frame: Buffer;
  /** `frame` holds the packing of the previous `rgba` (false until the first frame). */
  private packed = false;
  private lastKey: string | null = null;
  private latest: ScreenModel | null = null;
  private drawing: Promise<void> | null = null;

  constructor(
    private readonly fb: FramebufferInfo,
    private readonly orientation: 'landscape' | 'portrait',
    private readonly logger: Logger,
  ) {
    const size = logicalSize(fb.width, fb.height, orientation);
    this.renderer = new ScreenRenderer(size.width, size.height);
    this.rgba = Buffer.allocUnsafeSlow(size.width * size.height * 4);
    this.frame = Buffer.alloc(fb.stride * fb.height);
  }

  async start(): Promise<void> {
    if (this.handle) return;
    try {
      this.handle = await open(this.fb.devicePath, 'r+');
    } catch (err) {
      throw new KioskError(
        'config_invalid',
        `cannot open ${this.fb.devicePath}: add the kiosk user to the "video" group (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: err },
      );
    }
    const started = performance.now();
    await this.renderer.warmUp();
    this.logger.info(
      { fb: this.fb.id, name: this.fb.name, ms: Math.round(performance.now() - started) },
      'display ready',
    );
  }

  async stop(): Promise<void> {
    await this.drawing?.catch(() => undefined);
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }

  show(screen: ScreenModel): Promise<void> {
    this.latest = screen;
    if (!this.drawing) {
      this.drawing = this.drain().finally(() => {
        this.drawing = null;
      });
    }
    return this.drawing;
  }

  /** Draws the newest screen until no newer one arrived meanwhile. */
  private async drain(): Promise<void> {
    while (this.latest) {
      const screen = this.latest;
      this.latest = null;
      const key = JSON.stringify(screen);
      if (key === this.lastKey) continue;
      if (!this.handle) await this.start();
      // Only the rows that changed are drawn and packed; the whole frame is written, so the
      // panel's memory is always the full frame even if something else drew on it.
      const rows = await this.renderer.rawInto(screen, this.rgba);
      packFrame(
        this.rgba,
        this.renderer.width,
        this.renderer.height,
        this.fb,
        this.frame,
        this.packed ? rows : undefined,
      );
      this.packed = true;
      const handle = this.handle;
      if (!handle) return;
      try {
        await handle.write(this.frame, 0, this.frame.length, 0);
      } catch (err) {
        this.lastKey = null;
        throw new KioskError(
          'config_invalid',
          `writing to ${this.fb.devicePath} failed: check the panel and its driver`,
          { cause: err },
        );
      }
      this.lastKey = key;
    }
  }

  describe(): string {
    return `framebuffer ${this.fb.devicePath} "${this.fb.name}" ${this.fb.width}x${this.fb.height} ${this.fb.bpp}bpp stride ${this.fb.stride} ${this.orientation}`;
  }
}
