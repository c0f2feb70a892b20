import { createHash } from 'node:crypto';

// Incentive payouts, the pure rules: which period a run may pay, what a payout account
// number must look like, when a holder's name matches, the run's lifecycle, and the
// dispatcher's retry schedule.

export type RunStatus =
  | 'STAGING'
  | 'AWAITING_APPROVAL'
  | 'DISBURSING'
  | 'COMPLETED'
  | 'COMPLETED_WITH_FAILURES'
  | 'REJECTED'
  | 'CANCELLED';
/** A run that holds its period: one at a time (the period's marker, contexts/payouts/store/payouts.ts). */
export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['STAGING', 'AWAITING_APPROVAL', 'DISBURSING'];
/** A run not yet approved may be cancelled (a staging that failed leaves it STAGING). */
export const CANCELLABLE_RUN_STATUSES: readonly RunStatus[] = ['STAGING', 'AWAITING_APPROVAL'];
/** Why an instruction was handed back to due without being sent. */
export const HANDED_BACK = {
  rejected: 'run-rejected',
  cancelled: 'run-cancelled',
  partnerNotLive: 'partner-not-live',
} as const;
export type InstructionStatus = 'PENDING' | 'PAID' | 'FAILED';
export type PayoutAccountStatus = 'PENDING_VERIFICATION' | 'VERIFIED' | 'REJECTED';

/** `YYYY-MM` -> its last day, `YYYY-MM-DD`; undefined for a malformed period. */
export function periodEnd(period: string): string | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) return undefined;
  const last = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0));
  return last.toISOString().slice(0, 10);
}

/** A run pays what is due up to its period's end: a period after the current month would
 *  pay nothing that is due yet, so it is refused rather than staged empty. */
export function periodOpen(period: string, now: Date): boolean {
  return period <= now.toISOString().slice(0, 7);
}

/**
 * What a citizen is told when the partner's inquiry does not make the number their own:
 * one reason whatever the partner said (not found, another holder's name, another NIK, no
 * KYC), so linking is no oracle of which numbers exist and whose they are. The partner's
 * own reason goes to the audit record only.
 */
export const NOT_VERIFIED = 'account-not-verified';
/** A verified account a partner refused a payment to: the citizen must link one again. */
export const PAYMENT_REJECTED = 'payment-rejected';
/** Partner refusals of a disbursement that are about the account itself (not an outage):
 *  the account is marked REJECTED and staged no more until it is relinked. */
const ACCOUNT_REFUSALS = new Set([
  'account-rejected',
  'account-not-found',
  'kyc-not-verified',
  'account-closed',
]);
export const refusesAccount = (reason: string) => ACCOUNT_REFUSALS.has(reason);

/** Link attempts that reach the partner, per participant and per account number, a day. */
export const LINKS_PER_DAY = 3;

/** The UTC day of `now` (`yyyy-mm-dd`): the window of the link and wrong-code counters. */
export const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/** Seconds until the next UTC day, when a day's counters start again (at least 1). */
export function secondsToNextDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** A bank account number (digits), or for an e-wallet the participant's registered phone. */
export function accountNumberProblem(
  kind: PaymentPartnerKind,
  accountNumber: string,
  registeredPhone: string,
): string | undefined {
  if (kind === 'bank')
    return /^\d{10,16}$/.test(accountNumber) ? undefined : 'a bank account number is 10 to 16 digits';
  if (accountNumber !== registeredPhone)
    return "an e-wallet must be registered to the account's own phone number";
  return undefined;
}

const normalName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();

/** The partner's holder name is the participant's (case, accents, punctuation aside). */
export function sameHolder(registered: string, holder: string): boolean {
  const a = normalName(registered);
  return a.length > 0 && a === normalName(holder);
}

/** `1234567890` -> `******7890`; a phone keeps its prefix: `+6281*****5678`. */
export function maskAccountNumber(accountNumber: string): string {
  const keep = accountNumber.startsWith('+') ? 5 : 0;
  const tail = accountNumber.slice(-4);
  return accountNumber.slice(0, keep) + '*'.repeat(Math.max(0, accountNumber.length - keep - 4)) + tail;
}

/** One incentive's instruction in one run: the same incentive staged again by the same
 *  run gets the same id, and that id is the partner's idempotency reference. */
export function instructionId(runId: string, accountId: string, kind: string, n: number): string {
  const digest = createHash('sha256').update(`${accountId}|${kind}|${n}`).digest('hex').slice(0, 20);
  return `${runId}-${digest}`;
}

/** The run an instruction belongs to (its id starts with the run id). */
export const runOfInstruction = (id: string) => id.slice(0, id.lastIndexOf('-'));

export interface RunTally {
  instructions: number;
  amountIdr: number;
  paid: number;
  failed: number;
  pending: number;
  paidIdr: number;
  failedIdr: number;
}

export const emptyTally = (): RunTally => ({
  instructions: 0,
  amountIdr: 0,
  paid: 0,
  failed: 0,
  pending: 0,
  paidIdr: 0,
  failedIdr: 0,
});

export function addTally(into: RunTally, more: RunTally): RunTally {
  for (const key of Object.keys(into) as (keyof RunTally)[]) into[key] += more[key];
  return into;
}

/** A disbursing run ends when nothing is pending; failures return to due for the next run. */
export function finalStatus(tally: RunTally): RunStatus | undefined {
  if (tally.pending > 0) return undefined;
  return tally.failed > 0 ? 'COMPLETED_WITH_FAILURES' : 'COMPLETED';
}

/** Full-jitter exponential backoff (AWS Architecture Blog): attempt 0, 1, 2, ... */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** What one staging shard found payable when the workflow counted it. */
export interface ShardDue {
  shard: number;
  count: number;
  amountIdr: number;
}

/** What a count of the due index's shards comes to: the request's first look and the
 *  workflow's budget check add it up alike. */
export function totalDue(due: readonly { count: number; amountIdr: number }[]) {
  return {
    dueIdr: due.reduce((sum, d) => sum + d.amountIdr, 0),
    dueCount: due.reduce((sum, d) => sum + d.count, 0),
  };
}

/** Why a run is over its budget, in the 409's detail and in a rejected run's reason. */
export const overBudgetText = (due: { dueIdr: number; dueCount: number }, budgetIdr: number) =>
  `Rp ${due.dueIdr} is due to ${due.dueCount} incentives, over the budget of Rp ${budgetIdr}.`;

/**
 * Each shard's share of the budget for staging in parallel: what it was counted to owe,
 * plus an even part of the slack (for incentives that fall due between the count and the
 * claim). The shares sum to the budget exactly, so shards claiming each against its own
 * share never stage more than the budget together. Undefined when the count is over it.
 */
export function allotBudget(
  budgetIdr: number,
  due: ShardDue[],
): { shard: number; allotIdr: number }[] | undefined {
  const total = totalDue(due).dueIdr;
  if (total > budgetIdr || due.length === 0) return undefined;
  const slack = budgetIdr - total;
  const part = Math.floor(slack / due.length);
  return due.map((d, n) => ({
    shard: d.shard,
    allotIdr: d.amountIdr + part + (n === 0 ? slack - part * due.length : 0),
  }));
}

export type PaymentPartnerKind = 'bank' | 'e-wallet';

/**
 * What a request does itself, the rest going to the payout workflow (issue 18, item 8):
 * a run's reconciliation reads every instruction of the run and each partner's report of
 * each of its days, and a hand-back is one transaction per pending instruction. Within
 * these bounds the request answers with the result (well inside API Gateway's 29 s on a
 * loaded table and slow partners); beyond them it starts the work in the workflow and the
 * run shows its progress (docs/payouts-scale.md).
 */
export const RECONCILE_IN_REQUEST = 400;
export const HAND_BACK_IN_REQUEST = 500;

/** Whether the request reconciles the run itself: few enough instructions. */
export const reconcilesInRequest = (instructions: number) => instructions <= RECONCILE_IN_REQUEST;
/** Whether the request hands the run back itself: few enough pending instructions. */
export const handsBackInRequest = (pending: number) => pending <= HAND_BACK_IN_REQUEST;

/** A reconciliation still RUNNING after this long ended without its last step (a start
 *  that failed, an execution stopped): a new request may start another. */
export const RECONCILE_STALE_MS = 15 * 60_000;
