// Partners' onboarding (DOMAIN.md): platforms and payment partners alike go through the
// MoU, the cooperation agreement (PKS) and technical integration before going live, and
// may be suspended and reinstated. Going live needs the four criteria of Permenko 3/2020.
export type PartnerKind = 'platform' | 'payment';
export type PartnerStatus =
  | 'APPLIED'
  | 'MOU_SIGNED'
  | 'AGREEMENT_SIGNED'
  | 'INTEGRATING'
  | 'LIVE'
  | 'SUSPENDED';

export const PARTNER_STATUSES: readonly PartnerStatus[] = [
  'APPLIED',
  'MOU_SIGNED',
  'AGREEMENT_SIGNED',
  'INTEGRATING',
  'LIVE',
  'SUSPENDED',
];

const NEXT: Record<PartnerStatus, readonly PartnerStatus[]> = {
  APPLIED: ['MOU_SIGNED'],
  MOU_SIGNED: ['AGREEMENT_SIGNED'],
  AGREEMENT_SIGNED: ['INTEGRATING'],
  INTEGRATING: ['LIVE'],
  LIVE: ['SUSPENDED'],
  SUSPENDED: ['LIVE'],
};

export interface Criteria {
  nationalCoverage: boolean;
  adequateSystems: boolean;
  dataSecurity: boolean;
  pseRegistered: boolean;
}

export const allCriteriaMet = (c: Partial<Criteria> | undefined): c is Criteria =>
  !!c &&
  c.nationalCoverage === true &&
  c.adequateSystems === true &&
  c.dataSecurity === true &&
  c.pseRegistered === true;

export type TransitionRefusal = 'invalid-transition' | 'criteria-not-met';

/** Why `from -> to` may not happen, given the criteria recorded (or sent with the move). */
export function transitionRefusal(
  from: PartnerStatus,
  to: PartnerStatus,
  criteria: Partial<Criteria> | undefined,
): TransitionRefusal | undefined {
  if (!NEXT[from].includes(to)) return 'invalid-transition';
  if (to === 'LIVE' && !allCriteriaMet(criteria)) return 'criteria-not-met';
  return undefined;
}

/** At most two keys at once: the old and the new, while a partner rotates. */
export const MAX_ACTIVE_KEYS = 2;
/** The highest `rateLimitPerSecond` a partner may be agreed (WAF's per-key ceiling is sized
 *  from it: cdk/constructs/firewall.ts). */
export const MAX_RATE_PER_SECOND = 10_000;
