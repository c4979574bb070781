/**
 * Physical size of the panel, for finger-sized targets: a finger needs about 9 mm whatever the
 * pixel count, so targets are sized in millimetres and converted with the panel's dpi.
 */

/** Pixels per inch of the panels villages buy, by their native resolution (long × short side). */
// biome-ignore format: a table
const KNOWN_DPI: Record<string, number> = {
  '800x480': 133,  // Raspberry Pi 7" Touch Display (FT5406), 7" HDMI/USB panels
  '1280x720': 210, // Raspberry Pi Touch Display 2 (Goodix), 7"
  '1024x600': 170, // 7" HDMI USB panels (ILITEK, eGalax)
  '480x320': 165,  // 3.5" SPI/GPIO panels
  '320x240': 143,  // 2.8" SPI panels
};

/** dpi from `hardware.display.dpi`, else the known panel of that size, else a 7"-class 133. */
export function panelDpi(width: number, height: number, configured: number | null): number {
  if (configured) return configured;
  const key = `${Math.max(width, height)}x${Math.min(width, height)}`;
  return KNOWN_DPI[key] ?? 133;
}

/** Millimetres → whole pixels at `dpi`, rounded up (a target is never smaller than asked). */
export function mmToPx(mm: number, dpi: number): number {
  return Math.ceil((mm * dpi) / 25.4);
}

/** The smallest height of a touch target (issue 12: 9 mm). */
export const MIN_TARGET_MM = 9;
/** How far a finger may wander and still tap. */
export const TAP_SLOP_MM = 5;
