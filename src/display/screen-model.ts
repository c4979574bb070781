/**
 * What a screen says, independent of how it is drawn. Built from the flow state by
 * display/screens.ts; drawn as text by the sim display and as pixels by the framebuffer.
 * All strings are resident-facing Bahasa Indonesia from display/text-id.ts.
 */
export type Tone = 'normal' | 'success' | 'warning' | 'error';

export interface ScreenModel {
  /** The flow screen this came from (for tests, logs, the web simulator). */
  id: string;
  tone: Tone;
  title: string;
  /** Body lines, large type. Wrapping/shrinking is the renderer's job. */
  lines: string[];
  /**
   * Lines from this index on repeat what the hint bar already says ("Tekan OK untuk mencetak"):
   * on a panel too small for every line at the legible floor they are left out, not shrunk.
   */
  optional_from?: number;
  /** A list with the selection visible (letter menu, purpose menu). */
  menu?: { items: string[]; selected: number };
  /**
   * Which page of a body too long for the panel is shown (presses of ▲▼ counted by the flow);
   * the layout splits the body into pages and shows this one modulo their count.
   */
  page?: number;
  /** A picture shown under the lines where there is room (an announcement's, on idle). */
  image?: { data_uri: string; width: number; height: number };
  /** 0..1 for a progress bar (printing). */
  progress?: number;
  /** What each button does here; absent buttons do nothing on this screen. */
  hints: Partial<Record<'up' | 'down' | 'ok' | 'back', string>>;
  /** Shown in the hint bar instead of button hints when no button acts (idle, reading, printing). */
  footer?: string;
  status: StatusBar;
  /** *Batal* (end the session) on a touch panel, on every step of a session; absent elsewhere. */
  cancel?: string;
  /** *Ulangi* (say it again) on a touch panel when spoken prompts are on. */
  repeat?: string;
  /** Set when the kiosk has a touch panel: the screen is laid out with finger-sized targets. */
  touch?: TouchOptions;
  /** Touch calibration: a crosshair to touch at this logical point (nothing else to touch). */
  crosshair?: { x: number; y: number };
}

export interface TouchOptions {
  /** Smallest target height in pixels (9 mm on this panel). */
  target_px: number;
  /** Physical buttons exist too: their keys are drawn on the targets they share an action with. */
  buttons: boolean;
}

export type StatusLevel = 'ok' | 'warn' | 'bad';

export interface StatusBar {
  village: string;
  /** "Printer siap", "Kertas hampir habis", … */
  printer: string;
  printer_ok: boolean;
  /** The printer dot: ok, a warning (paper near its end) or a fault; default from printer_ok. */
  printer_level?: StatusLevel;
  /** "Terhubung" / "Tidak terhubung" (the district link, MQTT). */
  network: string;
  network_ok: boolean;
  /** HH:MM local time, or "--:--" while the clock is untrusted. */
  time: string;
}
