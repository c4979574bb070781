/**
 * `anjungan letters revoke <number> --reason "…" [--code C]`: the village office withdraws a
 * printed letter. The request goes to the running kiosk (see letters/revocations.ts), which
 * appends the revocation to the register and reports `letter_revoked` to the district.
 */
import { KioskError } from '../errors.ts';
import {
  awaitRevocation,
  REVOCATION_CODES,
  type RevocationCode,
  submitRevocation,
} from '../letters/revocations.ts';
import type { CommandIo } from './command.ts';
import { findLetter, openContext, settleOwnership, usageError } from './context.ts';

export const REVOKE_HELP = `revoke   Withdraw a printed letter: --reason "…" (kept in the register on the kiosk) and
         --code ${REVOCATION_CODES.join('|')} (default lainnya; all the district is told).
         The running kiosk records it (the letter's line is never rewritten) and reports
         letter_revoked; the district then adds it to the verification page's key list
         (anjungan district keylist revoke-letter). A kiosk that is stopped applies it at start;
         --wait S: seconds to wait for the running kiosk (default 10).`;

export async function revokeCommand(
  args: string[],
  values: {
    config?: string | undefined;
    reason?: string | undefined;
    code?: string | undefined;
    wait?: string | undefined;
  },
  io: CommandIo,
): Promise<number> {
  if (args.length !== 1) throw usageError('letters revoke takes one letter number', 'letters');
  const reason = values.reason?.trim() ?? '';
  if (reason === '' || reason.length > 300) {
    throw usageError('letters revoke needs --reason "…" (at most 300 characters)', 'letters');
  }
  const code = (values.code ?? 'lainnya') as RevocationCode;
  if (!REVOCATION_CODES.includes(code)) {
    throw usageError(`--code must be one of ${REVOCATION_CODES.join(', ')}`, 'letters');
  }
  const waitS = Number(values.wait ?? 10);
  if (!Number.isFinite(waitS) || waitS < 0) throw usageError('--wait takes seconds', 'letters');
  const ctx = openContext(io, values.config);
  const entry = await findLetter(ctx, args[0]!);
  if (entry.revoked_at) {
    io.stdout.write(`${entry.number} was already revoked at ${entry.revoked_at}\n`);
    return 0;
  }
  if (entry.status !== 'printed' && entry.status !== 'interrupted') {
    throw new KioskError('usage', `${entry.number} is ${entry.status}: only a printed letter can be revoked`);
  }
  const file = await submitRevocation(ctx.config.data_dir, {
    id: entry.id,
    number: entry.number,
    letter_type: entry.letter_type,
    reason,
    code,
    requested_at: new Date().toISOString(),
  });
  settleOwnership(ctx);
  const result = await awaitRevocation(file, waitS * 1000);
  if (result.outcome === 'rejected') throw new KioskError('usage', `the kiosk refused: ${result.why}`);
  io.stdout.write(
    result.outcome === 'applied'
      ? `${entry.number} revoked (${code}); the district is told; ask it to run: anjungan district keylist revoke-letter ${ctx.config.village.code}/${ctx.config.device.id} ${entry.number}\n`
      : `${entry.number}: the kiosk service is not running; the revocation is queued and applied at its next start\n`,
  );
  return 0;
}
