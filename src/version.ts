/**
 * Software version and release date. The release date is a floor for the clock check: a system
 * clock earlier than the day this software was built is certainly wrong (a Pi without a battery
 * clock after a power cut). Bump both with every release.
 */
export const VERSION = '0.1.0';
export const BUILD_DATE = '2026-11-23T00:00:00+07:00';
