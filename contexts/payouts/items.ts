import type { StoredCode } from '#contexts/accounts/rules/verification.ts';
import type {
  InstructionStatus,
  PayoutAccountStatus,
  RunStatus,
  RunTally,
} from '#contexts/payouts/rules/payouts.ts';
import { auditIndex } from '#platform/items.ts';
import { item } from '#platform/store/item.ts';

export const payoutRunsPartition = 'PAYOUTRUNS';

// A participant's payout account: one item in their partition (the number sealed with
// the data key, a keyed hash for its uniqueness marker) and a marker that gives each
// partner account number to one participant only. A change is refused while a run holds
// one of the participant's incentives: the transaction checks each of them.
export interface PayoutAccount {
  accountId: string;
  partnerCode: string;
  accountNumberSealed: string;
  accountNumberMasked: string;
  numberHash: string;
  status: PayoutAccountStatus;
  reason?: string;
  otp?: StoredCode;
  /** Bumped by every change: staging checks the version it read is still the one. */
  version: number;
  requestedAt: string;
  verifiedAt?: string;
  /** When a partner refused a payment to it (status REJECTED, `payment-rejected`). */
  rejectedAt?: string;
}

export interface PayoutLimit {
  links?: number;
  wrongCodes?: number;
  expiresAtEpoch: number;
}

// Payout runs: the run item, one batch item per queue message (a partner's instructions,
// with the batch's tally), and the instructions in their batch's partition. The run's
// totals are the sum of its batches: no counter item that every settlement would hit.
export interface PayoutRun {
  runId: string;
  period: string;
  /** The last day paid up to (YYYY-MM-DD). */
  periodEnd: string;
  budgetIdr: number;
  /** What staging claimed so far: each claim is conditional on staying within the budget. */
  stagedIdr: number;
  status: RunStatus;
  createdBy: string;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  completedAt?: string;
  /** Incentives left due because claiming them would have passed the budget. */
  budgetReached?: boolean;
  totals?: RunTotals;
  reconciliation?: Reconciliation;
  /** Why a disbursing run handed instructions back (not in the run's view, which has no
   *  such field): `dead-letter: <partners>` (contexts/payouts/dead-letter.ts). */
  reason?: string;
  /** Who rejected or cancelled it, when, and why (REJECTED, CANCELLED). */
  closedBy?: string;
  closedAt?: string;
  closedReason?: string;
  /** A digest of the approval's or the closing's Idempotency-Key: the same request
   *  retried after a fault resumes its work; another request is refused. */
  approvalKey?: string;
  closeKey?: string;
}

export interface PayoutBatch extends RunTally {
  /** Paid + failed: a tally write never lowers it (a slower duplicate cannot undo one). */
  settled: number;
  runId: string;
  batchId: string;
  partnerCode: string;
  stagedAt: string;
  updatedAt?: string;
  /** When the message's last delivery began (the dispatcher marks it before its work):
   *  what it leaves pending goes to the DLQ (contexts/payouts/dead-letter.ts). */
  lastDeliveryAt?: string;
  /** Its instructions were handed back to due unsent (`partner-not-live`, `run-rejected`...). */
  handedBack?: string;
}

export interface PayoutInstruction {
  instructionId: string;
  runId: string;
  batchId: string;
  accountId: string;
  incentiveKind: 'incentive' | 'survey';
  incentiveN: number;
  dueDate: string;
  partnerCode: string;
  accountNumberSealed: string;
  accountNumberMasked: string;
  amountIdr: number;
  status: InstructionStatus;
  /** The incentive's last failed instruction (reference and partner), if any. */
  previous?: { reference: string; partnerCode: string };
  partnerReference?: string;
  /** When the partner says it paid, on its clock (its settlement report's day). */
  partnerPaidAt?: string;
  reason?: string;
  settledAt?: string;
}

export interface PayoutEntry {
  accountId: string;
  instructionId: string;
  runId: string;
  partnerCode: string;
  amountIdr: number;
  partnerReference: string;
  incentiveKind: string;
  incentiveN: number;
  at: string;
}

/** The participant's bank account or e-wallet for incentives (account number sealed). */
export const payoutAccount = item<PayoutAccount>()({
  type: 'PayoutAccount',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PAYOUTACCOUNT' }),
});

/** One participant per partner account number: one agent's wallet cannot collect for many. */
export const payoutNumberMarker = item<{ accountId: string }>()({
  type: 'PayoutNumberMarker',
  key: ({ numberHash }: { numberHash: string }) => ({ PK: `PAYOUTNUMBER#${numberHash}`, SK: 'PAYOUTNUMBER' }),
});

/** A day's link attempts and wrong codes of one participant (`participant`, accountId) or
 *  link attempts of one partner account number (`number`, its keyed hash): conditional
 *  counters (store/payout-limits.ts), TTL two days. */
export const payoutLimit = item<PayoutLimit>()({
  type: 'PayoutLimit',
  key: ({ scope, id, day }: { scope: string; id: string; day: string }) => ({
    PK: `PAYOUTLIMIT#${scope}#${id}`,
    SK: `DAY#${day}`,
  }),
  untagged: true,
});

/** What the programme paid a participant: one entry per paid instruction, never twice. */
export const payoutEntry = item<PayoutEntry>()({
  type: 'PayoutEntry',
  key: ({ accountId, instructionId }: { accountId: string; instructionId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `PAYOUT#${instructionId}`,
  }),
  // In the audit trail as `money.incentive-payout`, actor the partner that paid.
  indexes: (e) =>
    auditIndex({
      at: e.at,
      id: `PAYOUT#${e.instructionId}`,
      actor: `partner:${e.partnerCode}`,
      kind: 'money.incentive-payout',
    }),
});

export const payoutRun = item<PayoutRun>()({
  type: 'PayoutRun',
  key: ({ runId }: { runId: string }) => ({ PK: `PAYOUTRUN#${runId}`, SK: 'RUN' }),
  indexes: (r) => ({ GSI1PK: payoutRunsPartition, GSI1SK: `${r.createdAt}#${r.runId}` }),
});

/** A period's open run (STAGING, AWAITING_APPROVAL, DISBURSING): written in the run's own
 *  creation transaction on condition it does not exist, deleted when the run ends. */
export const payoutPeriodMarker = item<{ period: string; runId: string }>()({
  type: 'PayoutPeriodMarker',
  key: ({ period }: { period: string }) => ({ PK: `PAYOUTPERIOD#${period}`, SK: 'OPEN' }),
});

/** A batch of one partner's instructions: one queue message, its tally kept here. */
export const payoutBatch = item<PayoutBatch>()({
  type: 'PayoutBatch',
  key: ({ runId, batchId }: { runId: string; batchId: string }) => ({
    PK: `PAYOUTRUN#${runId}`,
    SK: `BATCH#${batchId}`,
  }),
});

/** A staging shard's share of the run's budget and what it claimed against it: each shard
 *  claims on its own counter (its own partition), so staging does not queue on the run. */
export const payoutStageShard = item<PayoutStageShard>()({
  type: 'PayoutStageShard',
  key: ({ runId, shard }: { runId: string; shard: number }) => ({
    PK: `PAYOUTSTAGE#${runId}#${shard}`,
    SK: 'SHARD',
  }),
});
/** A batch's instructions share a partition: the dispatcher reads them in one Query. */
export const payoutInstruction = item<PayoutInstruction>()({
  type: 'PayoutInstruction',
  key: ({ runId, batchId, instructionId }: { runId: string; batchId: string; instructionId: string }) => ({
    PK: `PAYOUTRUN#${runId}#${batchId}`,
    SK: `INSTRUCTION#${instructionId}`,
  }),
});

export interface PayoutStageShard {
  runId: string;
  shard: number;
  /** Its share of the budget: the shards' shares sum to the budget (domain `allotBudget`). */
  allotIdr: number;
  stagedIdr: number;
  /** Claims stop: the run left STAGING (finished, rejected, cancelled). */
  closed?: boolean;
  /** A claim found its share spent: some incentives stay due for the next run. */
  budgetReached?: boolean;
}

export type PartnerTotals = Record<string, RunTally>;

export interface RunTotals {
  all: RunTally;
  byPartner: PartnerTotals;
  /** Partners whose instructions were handed back unsent, and why (`partner-not-live`). */
  handedBack?: Record<string, string>;
}

export interface ReconciliationCounts {
  matched: number;
  missingAtPartner: number;
  unknownAtPartner: number;
  amountMismatches: number;
}

/** The run's last reconciliation: its counts once DONE (`at`); while the workflow
 *  reconciles a large run, RUNNING since `startedAt` (that attempt's id); FAILED with why. */
export interface Reconciliation extends Partial<ReconciliationCounts> {
  status?: 'RUNNING' | 'DONE' | 'FAILED';
  at?: string;
  startedAt?: string;
  byPartner?: Record<string, ReconciliationCounts>;
  error?: string;
}
