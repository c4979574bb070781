/**
 * Selftest: what the config points at, checked as `anjungan provision` checks it: the logo, the
 * district command key, the GPIO pins (each valid, none shared). A config edited by hand after
 * provisioning gets the same scrutiny; the broker's TLS files are the MQTT check's.
 */
import { referenceProblems } from '../config/file-checks.ts';
import type { SelftestCheck } from './checks.ts';

export const configCheck: SelftestCheck = {
  name: 'config',
  async run(ctx) {
    const problems = referenceProblems(ctx.config);
    if (problems.length === 0)
      return { ok: true, detail: 'logo, district key and pins usable', remedy: null };
    return {
      ok: false,
      detail: problems.join('; '),
      remedy: 'fix these keys in the config (or run `anjungan provision --force` with corrected flags)',
    };
  },
};

export default configCheck;
