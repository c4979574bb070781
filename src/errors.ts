/**
 * One error type for the whole kiosk. `code` is what code branches on; `message` tells a
 * technician what happened and what to do ("printer reports paper out: load paper").
 */
export type ErrorCode =
  // configuration and start-up
  | 'config_invalid'
  | 'config_unreadable'
  | 'data_corrupt'
  | 'dependency_missing'
  | 'permission_denied'
  // card reader
  | 'reader_missing'
  | 'card_removed'
  | 'card_error'
  | 'card_random_uid'
  // printer
  | 'paper_out'
  | 'cover_open'
  | 'printer_offline'
  | 'print_timeout'
  | 'print_connection_lost'
  // residents, cards, letters
  | 'resident_not_found'
  | 'card_already_bound'
  | 'card_not_bound'
  | 'import_invalid'
  | 'letter_type_unknown'
  | 'register_corrupt'
  | 'clock_untrusted'
  | 'token_invalid'
  // reporting
  | 'mqtt_error'
  | 'command_rejected'
  | 'usage'
  // technicians' commands
  | 'letter_not_found'
  // software updates
  | 'update_refused'
  | 'update_failed';

export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is a KioskError, optionally with one of the given codes. */
export function isKioskError(err: unknown, ...codes: ErrorCode[]): err is KioskError {
  return err instanceof KioskError && (codes.length === 0 || codes.includes(err.code));
}

/** True when `err` (or what caused it) is a refusal by file permissions (EACCES / EPERM). */
export function isPermissionDenied(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isKioskError(e, 'permission_denied')) return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return true;
  }
  return false;
}

/** A readable message for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
