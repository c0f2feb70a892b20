import type { Wave } from '#contexts/waves/rules/waves.ts';

// Who may join a wave, judged from the citizen's own declarations and age. Selection
// judges again against the imported exclusion lists, which may arrive later.
export interface Declarations {
  student: boolean;
  civilServant: boolean;
  militaryOrPolice: boolean;
  villageOfficial: boolean;
  stateEnterpriseBoard: boolean;
  otherAidRecipient: boolean;
}

export const INELIGIBLE_REASONS = [
  'student',
  'civil-servant',
  'military-or-police',
  'village-official',
  'state-enterprise-board',
  'other-aid-recipient',
  'under-age',
  'over-age',
] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

const DECLARED: [keyof Declarations, IneligibleReason][] = [
  ['student', 'student'],
  ['civilServant', 'civil-servant'],
  ['militaryOrPolice', 'military-or-police'],
  ['villageOfficial', 'village-official'],
  ['stateEnterpriseBoard', 'state-enterprise-board'],
  ['otherAidRecipient', 'other-aid-recipient'],
];

/** Whole years between a birth date (YYYY-MM-DD) and a day; a 29 February birthday
 *  comes of age on 1 March in common years. */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const years = on.getUTCFullYear() - y;
  const month = on.getUTCMonth() + 1;
  const day = on.getUTCDate();
  return month > m || (month === m && day >= d) ? years : years - 1;
}

export interface Applicant {
  birthDate: string;
  declarations: Declarations;
}

export function ineligibility(
  applicant: Applicant,
  wave: Pick<Wave, 'closesAt' | 'minAge' | 'maxAge' | 'excludeOtherAidRecipients'>,
): IneligibleReason[] {
  const reasons = DECLARED.filter(([field, reason]) => {
    if (reason === 'other-aid-recipient' && !wave.excludeOtherAidRecipients) return false;
    return applicant.declarations[field];
  }).map(([, reason]) => reason);
  const age = ageOn(applicant.birthDate, new Date(wave.closesAt));
  if (age < wave.minAge) reasons.push('under-age');
  if (wave.maxAge !== undefined && age > wave.maxAge) reasons.push('over-age');
  return reasons;
}
