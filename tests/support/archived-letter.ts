/** An issued letter as the archive keeps it (Desa Hanura, a domisili or any shipped type). */
import type { KeyObject } from 'node:crypto';
import { defaultConfig } from '../../src/config/defaults.ts';
import type { IssuedLetter } from '../../src/letters/letter-archive.ts';
import { loadLetterTypes } from '../../src/letters/letter-types.ts';
import { signToken } from '../../src/letters/verification-token.ts';
import { sampleClaims, sampleResident } from './letter-fixtures.ts';

export function sampleIssuedLetter(
  key: KeyObject,
  typeId = 'domisili',
  over: Partial<IssuedLetter> = {},
): IssuedLetter {
  const type = loadLetterTypes({}).find((t) => t.id === typeId);
  if (!type) throw new Error(`no letter type ${typeId}`);
  const number = `${type.code}/001/1809102004/XII/2026`;
  return {
    v: 1,
    id: '20261204-000001',
    number,
    type,
    village: defaultConfig().village,
    resident: sampleResident(),
    purpose: type.purposes[0] ?? 'Lainnya',
    issued_at: '2026-12-04T10:00:00.000+07:00',
    token: signToken(sampleClaims({ number, type: typeId, policy: type.policy, issued: '2026-12-04' }), key),
    verify_url: 'https://anjungan.pesawarankab.go.id/v/',
    logo: null,
    ...over,
  };
}
