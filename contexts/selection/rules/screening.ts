import { EXCLUSION_LISTS } from '#contexts/lists/rules/lists.ts';
import { type Declarations, INELIGIBLE_REASONS, ineligibility } from '#contexts/waves/rules/eligibility.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';

// Screening at selection: first the civil registry's check of the applicant's identity
// (only a VERIFIED one is drawn: pending, failed or never checked are excluded), then the
// citizen's own declarations and age (judged again, on the
// wave's closing date), then the lists imported from other agencies (which may have
// arrived after the citizen joined), then previous participation. The KK cap comes
// last, once the draw keys are known (see draw.ts). The first failing stage is the one
// an applicant is counted under, so the funnel adds up.
export const FUNNEL_STAGES = [
  { stage: 'civil-registry', reasons: ['registry-unverified'] },
  { stage: 'declarations-and-age', reasons: INELIGIBLE_REASONS },
  { stage: 'agency-lists', reasons: EXCLUSION_LISTS },
  { stage: 'previous-participation', reasons: ['previous-participant'] },
  { stage: 'family-card-cap', reasons: ['kk-cap'] },
] as const;

export type ExclusionReason = (typeof FUNNEL_STAGES)[number]['reasons'][number];

export interface ScreenedApplicant {
  birthDate: string;
  declarations: Declarations;
}

export interface NikFlags {
  /** Exclusion lists the NIK is on (`blocked` included). */
  lists: string[];
  /** Priority lists the NIK is on (`laid-off`). */
  priorities: string[];
  /** The wave in which the NIK became a participant, if it has. */
  participatedIn?: string;
}

export interface ScreeningFacts extends NikFlags {
  /** The civil registry verified this applicant's NIK, name and birth date. */
  registryVerified: boolean;
}

/** Every reason the applicant is excluded, in funnel order; empty when screened in. */
export function screeningReasons(
  applicant: ScreenedApplicant,
  wave: Pick<Wave, 'waveId' | 'closesAt' | 'minAge' | 'maxAge' | 'excludeOtherAidRecipients'>,
  flags: ScreeningFacts,
): ExclusionReason[] {
  const reasons: ExclusionReason[] = flags.registryVerified ? [] : ['registry-unverified'];
  reasons.push(...ineligibility(applicant, wave));
  const listed = FUNNEL_STAGES[2].reasons as readonly string[];
  for (const list of listed) {
    if (list === 'aid-recipients' && !wave.excludeOtherAidRecipients) continue;
    if (flags.lists.includes(list)) reasons.push(list as ExclusionReason);
  }
  // Selected by this very wave (a resumed run) is not a previous participation.
  if (flags.participatedIn && flags.participatedIn !== wave.waveId) reasons.push('previous-participant');
  return reasons;
}

export interface FunnelCounts {
  applicants: number;
  excludedByReason: Partial<Record<ExclusionReason, number>>;
  selected: number;
}

/** The wave's funnel: how many remain after each stage, like the wave-1 figures. */
export function funnel(counts: FunnelCounts): { stage: string; count: number }[] {
  const stages = [{ stage: 'joined', count: counts.applicants }];
  let remaining = counts.applicants;
  for (const { stage, reasons } of FUNNEL_STAGES) {
    for (const reason of reasons) remaining -= counts.excludedByReason[reason] ?? 0;
    stages.push({ stage: `passed-${stage}`, count: remaining });
  }
  stages.push({ stage: 'selected', count: counts.selected });
  return stages;
}
