import type { StoredCode } from '#contexts/accounts/rules/verification.ts';
import type { PurchaseStatus, ScheduledIncentive } from '#contexts/purchases/rules/purchases.ts';
import { item } from '#platform/store/item.ts';
import { shardOf } from '#platform/store/shard.ts';

// The purchases context's items: purchases, vouchers, survey answers and the incentives
// a review or survey schedules (payouts stage and settle them).

/** A platform's purchases (GSI1), for the PMO's reports. */
export const purchasesPartition = (partnerId: string) => `PURCHASES#${partnerId}`;

/** A participant's own purchases (GSI2), in order of `<createdAt>#<purchaseId>`. */
export const accountPurchasesPartition = (accountId: string) => `ACCOUNT-PURCHASES#${accountId}`;

/** Incentives due for payment (GSI1): payout staging's segments. */
export const incentivesDuePartition = (shard: number) => `INCENTIVE-DUE#${shard}`;

// Purchases: one item each (listed per platform in GSI1 for the reports), a voucher
// marker per paid purchase, and every balance movement in the same transaction as the
// purchase's move, with its ledger entry. The participant item carries `activePurchase`
// (a paid course not yet completed), so a second purchase cannot slip in beside it.
export interface Purchase {
  purchaseId: string;
  partnerId: string;
  courseId: string;
  /** The course's title when it was sold (absent on purchases made before it was kept). */
  courseTitle?: string;
  institution: { id: string; name: string };
  priceIdr: number;
  accountId: string;
  cardNumber: string;
  status: PurchaseStatus;
  createdAt: string;
  otp?: StoredCode;
  voucherCode?: string;
  paidAt?: string;
  redeemedAt?: string;
  cancelledAt?: string;
  completedAt?: string;
  certificateNumber?: string;
  reviewedAt?: string;
}

/** Incentives due for payment sit in GSI1 in this many shards (payout staging's segments). */
export const DUE_SHARDS = 16;

export interface Incentive extends ScheduledIncentive {
  accountId: string;
  status: 'SCHEDULED' | 'STAGED' | 'PAID' | 'FAILED';
  scheduledAt: string;
  purchaseId?: string;
  /** While staged: the run holding it, and its instruction (the partner's reference). */
  runId?: string;
  instructionId?: string;
  paidAt?: string;
  failedReason?: string;
  /** The reference of its last failed instruction, and that instruction's partner: the
   *  next run asks whether a late payment went through under it before paying again. */
  lastReference?: string;
  lastPartner?: string;
}

/** The GSI1 keys of an incentive that is due for payment (scheduled, or failed before). */
export const incentiveDueKeys = (i: { accountId: string; kind: string; n: number; dueDate: string }) => ({
  GSI1PK: incentivesDuePartition(shardOf(i.accountId, DUE_SHARDS)),
  GSI1SK: `${i.dueDate}#${i.accountId}#${i.kind}#${i.n}`,
});

export const incentive = item<Incentive>()({
  type: 'Incentive',
  key: ({ accountId, kind, n }: { accountId: string; kind: string; n: number }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `INCENTIVE#${kind}#${n}`,
  }),
  // Sparse: a staged or paid incentive leaves the due index (store/payouts.ts).
  indexes: (i) => (i.status === 'SCHEDULED' || i.status === 'FAILED' ? incentiveDueKeys(i) : {}),
});

export const surveyAnswers = item<{ answers: Record<string, unknown>; at: string }>()({
  type: 'SurveyAnswers',
  key: ({ accountId, n }: { accountId: string; n: number }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `SURVEY#${n}`,
  }),
});

export const purchase = item<Purchase>()({
  type: 'Purchase',
  key: ({ purchaseId }: { purchaseId: string }) => ({ PK: `PURCHASE#${purchaseId}`, SK: 'PURCHASE' }),
  // GSI1: the platform's purchases (the PMO's reports); GSI2: the participant's own
  // (GET /v1/me/purchases). Both keys are fixed at creation, so updates never move them.
  indexes: (p) => ({
    GSI1PK: purchasesPartition(p.partnerId),
    GSI1SK: `${p.createdAt}#${p.purchaseId}`,
    GSI2PK: accountPurchasesPartition(p.accountId),
    GSI2SK: `${p.createdAt}#${p.purchaseId}`,
  }),
});

export const voucher = item<{ purchaseId: string; partnerId?: string; institutionId: string }>()({
  type: 'Voucher',
  key: ({ code }: { code: string }) => ({ PK: `VOUCHER#${code}`, SK: 'VOUCHER' }),
});
