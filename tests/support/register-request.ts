/** A register reservation for an SKTM letter at `at`, with a pseudonymous resident (tests only). */
export function sktmRequest(at: Date) {
  return {
    letter_type: 'sktm',
    code: 'S-11',
    resident_ref: 'r_0123456789abcdef0123',
    nik_masked: '************1234',
    purpose: 'Persyaratan beasiswa',
    policy: 'final' as const,
    at,
  };
}
