import { randomInt } from 'node:crypto';
import type { Scheme } from '#contexts/waves/rules/waves.ts';

// Buying and completing a course (DOMAIN.md), as pure rules: who may buy, the purchase
// lifecycle, and the incentives a review schedules.
export type PurchaseStatus = 'PENDING_OTP' | 'PAID' | 'REDEEMED' | 'COMPLETED' | 'CANCELLED';

export interface ParticipantState {
  status: 'ACTIVE' | 'REVOKED';
  balanceIdr: number;
  purchaseDeadline: string;
  /** A paid course not yet completed: no second course until it is. */
  activePurchase?: string;
  /** Set by the first purchase; the deadline only applies before it. */
  firstPurchaseAt?: string;
}

export type PurchaseRefusal =
  | 'participation-revoked'
  | 'deadline-passed'
  | 'previous-course-not-completed'
  | 'insufficient-balance';

/** The first reason a participant may not buy a course at `priceIdr` now. */
export function purchaseRefusal(
  p: ParticipantState,
  priceIdr: number,
  now: Date,
): PurchaseRefusal | undefined {
  if (p.status !== 'ACTIVE') return 'participation-revoked';
  if (!p.firstPurchaseAt && now.getTime() > Date.parse(p.purchaseDeadline)) return 'deadline-passed';
  if (p.activePurchase) return 'previous-course-not-completed';
  if (p.balanceIdr < priceIdr) return 'insufficient-balance';
  return undefined;
}

/** Voucher codes as people type them: no 0/O or 1/I to confuse. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newVoucherCode(): string {
  let code = 'PKJ-';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export interface ScheduledIncentive {
  kind: 'incentive' | 'survey';
  n: number;
  amountIdr: number;
  dueDate: string;
}

/** After the first completed course is reviewed: the scheme's post-training incentive,
 *  one a month from the review date for `incentiveMonths` months. */
export function incentivesAfterReview(scheme: Scheme, reviewedAt: Date): ScheduledIncentive[] {
  return Array.from({ length: scheme.incentiveMonths }, (_, i) => {
    const due = new Date(reviewedAt);
    due.setUTCMonth(due.getUTCMonth() + i);
    return {
      kind: 'incentive' as const,
      n: i + 1,
      amountIdr: scheme.incentiveIdr,
      dueDate: due.toISOString().slice(0, 10),
    };
  });
}

export type SurveyStatus =
  | { n: number; status: 'ANSWERED'; answeredAt: string }
  | { n: number; status: 'OPEN' | 'NOT_YET' };

/** Surveys 1..surveyCount as the participant stands: answered ones with their time, the
 *  others open once a first course is completed (as `POST /v1/me/surveys/{n}` requires). */
export function surveyStatuses(
  surveyCount: number,
  completedCourses: number,
  answered: { n: number; at: string }[],
): SurveyStatus[] {
  const answeredAt = new Map(answered.map((a) => [a.n, a.at]));
  return Array.from({ length: surveyCount }, (_, i): SurveyStatus => {
    const n = i + 1;
    const at = answeredAt.get(n);
    if (at !== undefined) return { n, status: 'ANSWERED', answeredAt: at };
    return { n, status: completedCourses > 0 ? 'OPEN' : 'NOT_YET' };
  });
}
