/**
 * Software version and build date. The build date is a floor for the clock check: a system
 * clock earlier than the day this software was built is certainly wrong (a Pi without RTC after
 * a power cut). scripts/stamp-build.mjs rewrites BUILD_DATE on `npm run build`.
 */
export const VERSION = '0.1.0';
export const BUILD_DATE = '2026-11-23T00:00:00Z';
