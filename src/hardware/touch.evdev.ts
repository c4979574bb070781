/**
 * A touch panel read from its Linux input event device, without a native module:
 *
 *   /proc/bus/input/devices ─(name or capability)─▶ /dev/input/eventN ─InputDevice─▶ InputEventParser
 *     ─▶ ContactTracker ─▶ mapPoint (hardware.touch ranges, swap, mirror) ─▶ GestureRecognizer ─▶ tap / drag
 *
 * An absent or vanished panel takes nothing down: `presence` false, one warning, and it is
 * opened again when it returns (InputDevice watches /dev/input and retries).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TouchConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { InputDevice, type InputDeviceOptions, InputEventParser, inputEventSize } from './input-device.ts';
import { mmToPx, TAP_SLOP_MM } from './panel-metrics.ts';
import type { Touch, TouchEvents } from './touch.ts';
import { type AxisMap, ContactTracker, GestureRecognizer, mapPoint } from './touch-gestures.ts';

/** Raw axis ranges of known panels, matched by device name (substring, case-insensitive). */
// biome-ignore format: a table
const KNOWN_PANELS: { name: string; max_x: number; max_y: number }[] = [
  { name: 'raspberrypi-ts', max_x: 799, max_y: 479 },  // Pi 7" Touch Display, firmware driver
  { name: 'FT5406', max_x: 799, max_y: 479 },          // the same panel, edt-ft5x06 driver
  { name: 'Goodix', max_x: 719, max_y: 1279 },         // Pi Touch Display 2 (portrait native)
  { name: 'ILITEK', max_x: 16383, max_y: 16383 },      // USB HDMI panels
  { name: 'eGalax', max_x: 4095, max_y: 4095 },        // USB HDMI panels (eGalax / EETI)
];

export interface InputDeviceInfo {
  name: string;
  /** "event3" */
  handler: string;
  /** Supports ABS_MT_POSITION_X or ABS_X (a pointer with absolute axes). */
  absolute: boolean;
}

/** Parses /proc/bus/input/devices (blocks separated by blank lines: N: Name=, H: Handlers=, B: ABS=). */
export function parseInputDevices(
  text: string,
  wordBits = process.arch.includes('64') ? 64 : 32,
): InputDeviceInfo[] {
  const out: InputDeviceInfo[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const name = /^N: Name="(.*)"$/m.exec(block)?.[1];
    const handler = /^H: Handlers=.*\b(event\d+)\b/m.exec(block)?.[1];
    if (name === undefined || !handler) continue;
    const abs = /^B: ABS=([0-9a-f ]+)$/m.exec(block)?.[1]?.trim().split(/\s+/) ?? [];
    let bits = 0n;
    for (const word of abs) bits = (bits << BigInt(wordBits)) | BigInt(`0x${word}`);
    out.push({ name, handler, absolute: ((bits >> 0x35n) & 1n) === 1n || (bits & 1n) === 1n });
  }
  return out;
}

/** The configured device, else the first device whose name matches, else the first touch-like one. */
export function findTouchDevice(
  cfg: TouchConfig,
  devices: InputDeviceInfo[],
  devDir = '/dev/input',
): string | null {
  if (cfg.device) return cfg.device;
  const wanted = cfg.name?.toLowerCase();
  const match = wanted
    ? devices.find((d) => d.name.toLowerCase().includes(wanted))
    : (devices.find((d) => KNOWN_PANELS.some((p) => d.name.toLowerCase().includes(p.name.toLowerCase()))) ??
      devices.find((d) => d.absolute));
  return match ? join(devDir, match.handler) : null;
}

/** Axis map from config, falling back to the named panel's known range, then to the display size. */
export function axisMapFor(
  cfg: TouchConfig,
  deviceName: string | null,
  width: number,
  height: number,
): AxisMap {
  const name = (cfg.name ?? deviceName ?? '').toLowerCase();
  const known = name ? KNOWN_PANELS.find((p) => name.includes(p.name.toLowerCase())) : undefined;
  const rawW = cfg.swap_xy ? height : width;
  const rawH = cfg.swap_xy ? width : height;
  return {
    min_x: cfg.min_x ?? 0,
    max_x: cfg.max_x ?? known?.max_x ?? rawW - 1,
    min_y: cfg.min_y ?? 0,
    max_y: cfg.max_y ?? known?.max_y ?? rawH - 1,
    swap_xy: cfg.swap_xy,
    invert_x: cfg.invert_x,
    invert_y: cfg.invert_y,
    width,
    height,
  };
}

export interface EvdevTouchOptions extends InputDeviceOptions {
  /** The display's logical size and dpi (taps may wander a few mm). */
  width: number;
  height: number;
  dpi: number;
  /** Where device names are listed (tests point it elsewhere). */
  procDevices?: string;
  /**
   * Calibration: taps carry the panel's raw values (no axis mapping), and any press released
   * within 5 s counts, wherever the finger slid.
   */
  raw?: boolean;
  devDir?: string;
}

export class EvdevTouch extends EventEmitter<TouchEvents> implements Touch {
  readonly #device: InputDevice;
  #parser: InputEventParser;
  #tracker = new ContactTracker();
  #gestures: GestureRecognizer;
  #map: AxisMap;

  constructor(
    private readonly cfg: TouchConfig,
    logger: Logger,
    private readonly opts: EvdevTouchOptions,
  ) {
    super();
    const log = logger.child({ port: 'touch', driver: 'evdev' });
    const size = opts.eventSize ?? inputEventSize();
    this.#parser = new InputEventParser(size);
    const limits = opts.raw
      ? { slopPx: Number.POSITIVE_INFINITY, tapMs: 5000 }
      : { slopPx: mmToPx(TAP_SLOP_MM, opts.dpi), tapMs: 1000 };
    this.#gestures = new GestureRecognizer(limits);
    this.#map = axisMapFor(cfg, null, opts.width, opts.height);
    let deviceName: string | null = null;
    const resolve = () => {
      const devices = this.#listDevices();
      const path = findTouchDevice(cfg, devices, opts.devDir);
      deviceName = devices.find((d) => path?.endsWith(`/${d.handler}`))?.name ?? null;
      return path;
    };
    this.#device = new InputDevice(resolve, 'touch panel', log, opts);
    this.#device.on('open', (path) => {
      // A fresh device starts from nothing: no half gesture survives an unplug.
      this.#parser = new InputEventParser(size);
      this.#tracker = new ContactTracker();
      this.#gestures = new GestureRecognizer(limits);
      this.#map = axisMapFor(cfg, deviceName, opts.width, opts.height);
      log.info({ device: path, name: deviceName, axes: this.#map }, 'touch panel axes');
      this.emit('presence', true);
    });
    this.#device.on('data', (chunk) => this.#feed(chunk));
    this.#device.on('lost', () => this.emit('presence', false));
  }

  get present(): boolean {
    return this.#device.open;
  }

  describe(): string {
    return `touch panel ${this.cfg.device ?? `named "${this.cfg.name ?? 'any'}"`}`;
  }

  async start(): Promise<void> {
    await this.#device.start();
    if (!this.#device.open) this.emit('presence', false);
  }

  async stop(): Promise<void> {
    this.#device.stop();
  }

  #listDevices(): InputDeviceInfo[] {
    if (this.cfg.device) return [];
    try {
      return parseInputDevices(readFileSync(this.opts.procDevices ?? '/proc/bus/input/devices', 'utf8'));
    } catch {
      return [];
    }
  }

  #feed(chunk: Buffer): void {
    for (const frame of this.#tracker.push(this.#parser.push(chunk))) {
      const point = this.opts.raw ? { x: frame.x, y: frame.y } : mapPoint(frame, this.#map);
      for (const g of this.#gestures.push({ ...frame, point })) {
        if (g.kind === 'tap') this.emit('tap', g.point);
        else this.emit('drag', g.drag);
      }
    }
  }
}
