import type { RegistryCheck, RegistryCheckStatus } from '#contexts/registry/items.ts';
import type { RegistryResult } from '#contexts/registry/port.ts';

// The civil-registry check's rules: what an answer makes of a check, when a profile
// save starts a new one, and who may be drawn.

/** A match verifies the identity; a mismatch or an unknown NIK fails it. */
export function statusOf(result: RegistryResult): Exclude<RegistryCheckStatus, 'PENDING'> {
  return result === 'match' ? 'VERIFIED' : 'FAILED';
}

export interface CheckedIdentity {
  nikHash: string;
  birthDate: string;
}

/** A save starts a new check when there was no profile, or its NIK or birth date changed
 *  (the name is the account's, which no route changes). */
export function needsNewCheck(before: CheckedIdentity | undefined, after: CheckedIdentity): boolean {
  return !before || before.nikHash !== after.nikHash || before.birthDate !== after.birthDate;
}

/**
 * Whether the registry verified this very identity. An applicant brings the NIK hash and
 * birth date of their profile at join time (both locked from then on): a check of
 * another identity, a pending or failed one, or none at all, is not a verification.
 */
export function registryVerified(check: RegistryCheck | undefined, applicant: CheckedIdentity): boolean {
  return (
    check?.status === 'VERIFIED' &&
    check.nikHash === applicant.nikHash &&
    check.birthDate === applicant.birthDate
  );
}
