import * as z from 'zod';
import { route } from '#platform/http/contract.ts';
import { PageQuery, page } from '#platform/http/schemas.ts';

// Payout accounts (citizens) and payout runs (administrators: an admin stages, a second
// administrator with the approver role approves; maker-checker).
const tags = ['payouts'];

export const PayoutAccountView = z
  .object({
    partnerCode: z.string(),
    accountNumberMasked: z.string(),
    status: z.enum(['PENDING_VERIFICATION', 'VERIFIED', 'REJECTED']),
    reason: z.string().optional(),
    requestedAt: z.string(),
    verifiedAt: z.string().optional(),
  })
  .meta({ id: 'PayoutAccount' });

export const putPayoutAccount = route({
  operationId: 'putPayoutAccount',
  method: 'PUT',
  path: '/v1/me/payout-account',
  access: 'citizen',
  handler: 'payouts/put-payout-account',
  // The handler adds the account (masked), the one it replaced and the partner's own
  // reason for a refusal (never the number in clear, never the NIK).
  audit: {
    kind: 'payout-account.changed',
    subject: 'response.partnerCode',
    detail: { status: 'response.status', reason: 'response.reason' },
  },
  uses: {
    items: {
      account: 'read',
      application: 'read',
      incentive: 'read',
      ledgerEntry: 'read',
      outcome: 'read',
      participant: 'read',
      payoutAccount: ['read', 'put'],
      payoutEntry: 'read',
      profile: 'read',
      surveyAnswers: 'read',
      // Read by the Query of the account's partition (contexts/registry).
      registryCheck: 'read',
      pendingApplicant: 'read',
      payoutNumberMarker: 'put',
      payoutLimit: 'update',
      partner: 'read',
      partnerCode: 'read',
      outbox: 'put',
    },
    payments: true,
  },
  summary:
    "Link a bank account or e-wallet (the registered phone) for incentives: the partner checks the holder's name and NIK, then an SMS code confirms it, so the phone is verified first (409 `phone-not-verified`). A refusal has one reason (`account-not-verified`) whatever the partner said; at most 3 attempts a day per participant and per account number (429 `rate-limited` with Retry-After beyond)",
  tags,
  body: z
    .strictObject({
      partnerCode: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'a payment partner code, e.g. bni'),
      accountNumber: z.string().regex(/^\+?\d{6,20}$/, 'digits, or a phone number +628...'),
    })
    .meta({ id: 'PutPayoutAccount' }),
  responses: { 202: { description: 'Checked with the partner', schema: PayoutAccountView } },
  problems: [
    'validation',
    'not-participant',
    'phone-not-verified',
    'partner-not-live',
    'payout-in-progress',
    'duplicate-payout-account',
    'payout-account-changed',
    'partner-unavailable',
    'rate-limited',
  ],
});

export const confirmPayoutAccount = route({
  operationId: 'confirmPayoutAccount',
  method: 'POST',
  path: '/v1/me/payout-account/confirmation',
  access: 'citizen',
  handler: 'payouts/confirm-payout-account',
  audit: { kind: 'payout-account.verified', subject: 'response.partnerCode' },
  event: 'PayoutAccountLinked',
  uses: { items: { payoutAccount: ['read', 'update'], payoutLimit: ['read', 'update'] } },
  summary: 'The SMS code sent after the partner matched the account: the account is verified',
  tags,
  body: z.strictObject({ otp: z.string().regex(/^\d{6}$/, 'expected 6 digits') }),
  responses: { 200: { description: 'Verified', schema: PayoutAccountView } },
  problems: [
    'validation',
    'not-found',
    'invalid-code',
    'code-expired',
    'code-locked',
    'payout-account-not-pending',
  ],
});

/** What a reconciliation counts (for the whole run, and per partner). */
const ReconciliationCounts = z.object({
  matched: z.number().int(),
  missingAtPartner: z.number().int(),
  unknownAtPartner: z.number().int(),
  amountMismatches: z.number().int(),
});

const Tally = z.object({
  instructions: z.number().int(),
  amountIdr: z.number().int(),
  byStatus: z.object({ PAID: z.number().int(), FAILED: z.number().int(), PENDING: z.number().int() }),
  paidIdr: z.number().int(),
  failedIdr: z.number().int(),
});

export const PayoutRunView = z
  .object({
    runId: z.string(),
    period: z.string(),
    budgetIdr: z.number().int(),
    status: z.enum([
      'STAGING',
      'AWAITING_APPROVAL',
      'DISBURSING',
      'COMPLETED',
      'COMPLETED_WITH_FAILURES',
      'REJECTED',
      'CANCELLED',
    ]),
    createdBy: z.string(),
    createdAt: z.string(),
    approvedBy: z.string().optional(),
    approvedAt: z.string().optional(),
    completedAt: z.string().optional(),
    /** Who rejected or cancelled the run, when, and the reason they gave. */
    closedBy: z.string().optional(),
    closedAt: z.string().optional(),
    closedReason: z.string().optional(),
    budgetReached: z.boolean().optional(),
    totals: Tally.extend({
      byPartner: z.record(
        z.string(),
        // `partner-not-live`: its instructions were handed back to due unsent (FAILED).
        Tally.extend({ reason: z.string().optional() }),
      ),
    }),
    /** The last reconciliation: its counts once DONE; RUNNING while the workflow reconciles
     *  a large run (since `startedAt`); FAILED with why (docs/payouts-scale.md). */
    reconciliation: ReconciliationCounts.partial()
      .extend({
        status: z.enum(['RUNNING', 'DONE', 'FAILED']).optional(),
        at: z.string().optional(),
        startedAt: z.string().optional(),
        byPartner: z.record(z.string(), ReconciliationCounts).optional(),
        error: z.string().optional(),
      })
      .optional(),
    /** A rejected or cancelled run: instructions not yet handed back to due (a large run is
     *  handed back by the workflow after the 200), and whether none are left. */
    handBack: z.object({ pending: z.number().int(), done: z.boolean() }).optional(),
  })
  .meta({ id: 'PayoutRun' });

const RunParams = z.object({ runId: z.string().regex(/^[0-9a-f-]{36}$/, 'a run id') });

export const createPayoutRun = route({
  operationId: 'createPayoutRun',
  method: 'POST',
  path: '/v1/admin/payout-runs',
  access: 'admin',
  handler: 'payouts/create-payout-run',
  audit: {
    kind: 'payout-run.created',
    subject: 'response.runId',
    detail: { period: 'response.period', budgetIdr: 'response.budgetIdr' },
  },
  event: 'PayoutRunCreated',
  uses: {
    items: {
      payoutRun: 'put',
      payoutPeriodMarker: 'put',
      payoutAccount: 'read',
      partner: 'read',
      partnerCode: 'read',
    },
    indexes: { GSI1: 'query' },
    workflows: { payout: 'start' },
  },
  summary:
    'Stage every incentive due up to the end of the period whose participant has a verified payout account; refused when nothing is due and while the period has a run that has not ended; 409 `over-budget` when what is due exceeds the budget and the request saw it (one page of each due shard); a larger due set is summed by the workflow, and a run over the budget then ends `REJECTED` (`closedReason` `over-budget: ...`)',
  tags,
  idempotent: 'required',
  body: z
    .strictObject({
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
      budgetIdr: z.number().int().min(1).max(1_000_000_000_000_000),
    })
    .meta({ id: 'CreatePayoutRun' }),
  responses: { 202: { description: 'Staging', schema: PayoutRunView } },
  problems: ['validation', 'period-not-open', 'over-budget', 'nothing-due', 'run-open-for-period'],
});

export const approvePayoutRun = route({
  operationId: 'approvePayoutRun',
  method: 'POST',
  path: '/v1/admin/payout-runs/{runId}/approval',
  access: 'approver',
  handler: 'payouts/approve-payout-run',
  // Written with the move to DISBURSING, on condition the run awaited approval: ten
  // approvals at once write one record.
  audit: { kind: 'payout-run.approved', subject: 'params.runId', inTransaction: true },
  event: 'PayoutRunApproved',
  uses: {
    items: {
      payoutRun: ['read', 'update'],
      // A partner not LIVE any more: its instructions are handed back to due.
      payoutBatch: ['read', 'update'],
      payoutInstruction: ['read', 'update'],
      incentive: 'update',
      partner: 'read',
      partnerCode: 'read',
    },
    workflows: { payout: 'start' },
  },
  summary:
    'The second administrator approves a staged run (not the one who created it): disbursement starts; the instructions of a partner that is no longer LIVE are handed back to due (FAILED, `partner-not-live`)',
  tags,
  idempotent: 'required',
  params: RunParams,
  responses: { 202: { description: 'Disbursing', schema: PayoutRunView } },
  problems: ['not-found', 'own-run', 'run-not-awaiting-approval'],
});

const CloseRun = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'ClosePayoutRun' });
/** What a rejection or a cancellation touches: the run and its period's marker, a staging
 *  run's shard counters (closed), and each pending instruction with its incentive (handed
 *  back to due). */
const closeUses = {
  items: {
    payoutRun: ['read', 'update'],
    payoutPeriodMarker: ['read', 'delete'],
    payoutStageShard: 'update',
    payoutBatch: ['read', 'update'],
    payoutInstruction: ['read', 'update'],
    incentive: 'update',
  },
  // The hand-back execution each close starts (contexts/payouts/handlers/close-run.ts).
  workflows: { payout: 'start' },
} as const;

export const rejectPayoutRun = route({
  operationId: 'rejectPayoutRun',
  method: 'POST',
  path: '/v1/admin/payout-runs/{runId}/rejection',
  access: 'approver',
  handler: 'payouts/reject-payout-run',
  audit: { kind: 'payout-run.rejected', subject: 'params.runId', inTransaction: true },
  event: 'PayoutRunRejected',
  uses: closeUses,
  summary:
    "The checker says no to a staged run: the run's incentives are due again and its participants' payout accounts free",
  tags,
  idempotent: 'required',
  params: RunParams,
  body: CloseRun,
  responses: { 200: { description: 'Rejected', schema: PayoutRunView } },
  problems: ['validation', 'not-found', 'run-not-awaiting-approval'],
});

export const cancelPayoutRun = route({
  operationId: 'cancelPayoutRun',
  method: 'POST',
  path: '/v1/admin/payout-runs/{runId}/cancellation',
  access: 'admin',
  handler: 'payouts/cancel-payout-run',
  audit: { kind: 'payout-run.cancelled', subject: 'params.runId', inTransaction: true },
  event: 'PayoutRunCancelled',
  uses: closeUses,
  summary:
    'A run not yet approved (staging, staging failed, or awaiting approval) is cancelled: staging stops and what it staged is due again',
  tags,
  idempotent: 'required',
  params: RunParams,
  body: CloseRun,
  responses: { 200: { description: 'Cancelled', schema: PayoutRunView } },
  problems: ['validation', 'not-found', 'run-not-cancellable'],
});

export const getPayoutRun = route({
  operationId: 'getPayoutRun',
  method: 'GET',
  path: '/v1/admin/payout-runs/{runId}',
  access: 'staff',
  handler: 'payouts/get-payout-run',
  uses: { items: { payoutRun: 'read', payoutBatch: 'read' } },
  summary: 'A payout run with its totals, all and per payment partner',
  tags,
  params: RunParams,
  responses: { 200: { description: 'The run', schema: PayoutRunView } },
  problems: ['not-found'],
});

export const listPayoutRuns = route({
  operationId: 'listPayoutRuns',
  method: 'GET',
  path: '/v1/admin/payout-runs',
  access: 'staff',
  handler: 'payouts/list-payout-runs',
  uses: { indexes: { GSI1: 'query' } },
  summary: 'Payout runs, newest first',
  tags,
  query: PageQuery,
  responses: { 200: { description: 'Runs', schema: page(PayoutRunView.omit({ totals: true })) } },
});

export const InstructionView = z
  .object({
    instructionId: z.string(),
    accountId: z.string(),
    partnerCode: z.string(),
    accountNumberMasked: z.string(),
    amountIdr: z.number().int(),
    status: z.enum(['PENDING', 'PAID', 'FAILED']),
    incentive: z.object({ kind: z.enum(['incentive', 'survey']), n: z.number().int(), dueDate: z.string() }),
    partnerReference: z.string().optional(),
    reason: z.string().optional(),
    settledAt: z.string().optional(),
  })
  .meta({ id: 'PayoutInstruction' });

export const listPayoutInstructions = route({
  operationId: 'listPayoutInstructions',
  method: 'GET',
  path: '/v1/admin/payout-runs/{runId}/instructions',
  access: 'staff',
  handler: 'payouts/list-payout-instructions',
  uses: { items: { payoutRun: 'read', payoutBatch: 'read', payoutInstruction: 'read' } },
  summary: "A run's instructions with their status and the partner's reference",
  tags,
  params: RunParams,
  query: PageQuery,
  responses: { 200: { description: 'Instructions', schema: page(InstructionView) } },
  problems: ['validation', 'not-found'],
});

export const ReconciliationView = ReconciliationCounts.extend({
  at: z.string(),
  byPartner: z.record(z.string(), ReconciliationCounts),
  differences: z.array(
    z.object({
      instructionId: z.string(),
      partnerCode: z.string(),
      kind: z.enum(['missingAtPartner', 'unknownAtPartner', 'amountMismatch']),
      ourAmountIdr: z.number().int().optional(),
      partnerAmountIdr: z.number().int().optional(),
    }),
  ),
}).meta({ id: 'Reconciliation' });

/** A reconciliation the workflow does: read its result in the run at `location`. */
export const ReconciliationStarted = z
  .object({
    runId: z.string(),
    status: z.enum(['RUNNING', 'DONE', 'FAILED']).optional(),
    startedAt: z.string().optional(),
    location: z.string(),
  })
  .meta({ id: 'ReconciliationStarted' });

export const reconcilePayoutRun = route({
  operationId: 'reconcilePayoutRun',
  method: 'POST',
  path: '/v1/admin/payout-runs/{runId}/reconciliation',
  access: 'admin',
  handler: 'payouts/reconcile-payout-run',
  audit: {
    kind: 'payout-run.reconciled',
    subject: 'params.runId',
    detail: {
      matched: 'response.matched',
      missingAtPartner: 'response.missingAtPartner',
      unknownAtPartner: 'response.unknownAtPartner',
      amountMismatches: 'response.amountMismatches',
    },
  },
  uses: {
    items: { payoutRun: ['read', 'update'], payoutBatch: 'read', payoutInstruction: 'read' },
    payments: true,
    workflows: { payout: 'start' },
  },
  summary:
    "Compare the run with each partner's settlement reports: matched, missing at the partner, unknown at the partner, amount mismatches. A run of more than 400 instructions is reconciled by the workflow: 202, and the result appears in the run's `reconciliation`",
  tags,
  idempotent: 'required',
  params: RunParams,
  responses: {
    200: { description: 'The comparison', schema: ReconciliationView },
    202: { description: 'A large run: the workflow reconciles it', schema: ReconciliationStarted },
  },
  problems: ['not-found', 'run-not-settled', 'partner-unavailable'],
});
