import { createHash } from 'node:crypto';
import { handBackRun } from '#contexts/payouts/hand-back.ts';
import { runView } from '#contexts/payouts/handlers/views.ts';
import { HANDED_BACK, handsBackInRequest, type RunStatus } from '#contexts/payouts/rules/payouts.ts';
import { closeShards } from '#contexts/payouts/store/payout-staging.ts';
import { allBatches, getRun, moveRunWith, totalsOf } from '#contexts/payouts/store/payouts.ts';
import type { PayoutHandBackInput } from '#contexts/payouts/workflow.ts';
import { auditPut } from '#platform/audit.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { readIdempotencyKey } from '#platform/http/idempotency.ts';
import { Problem, type ProblemSlug, problems } from '#platform/http/problem.ts';
import type { Principal } from '#platform/principal.ts';
import { startExecution } from '#platform/workflows/client.ts';

// The payout routes that change a run's status once for many requests (approval,
// rejection, cancellation): the move and its audit record are one transaction on
// condition of the status it leaves, so of ten requests at once one moves the run and
// writes the record, the others are refused. The request's Idempotency-Key is kept on
// the run (digested): the same request retried after a fault (its key freed by the 500)
// finds its own move and resumes the work after it; any other request is refused.

/** A digest of the caller's Idempotency-Key, scoped to the caller. */
export function requestKey(principal: Principal, headers: Record<string, string>): string {
  const key = readIdempotencyKey(headers) ?? '';
  return createHash('sha256').update(`${principal.accountId}\n${key}`).digest('hex').slice(0, 32);
}

export const auditOf = (principal: Principal, kind: string, runId: string, detail = {}) =>
  auditPut({ actor: principal.accountId, role: principal.role, kind, subject: runId, detail });

interface Closing {
  to: Extract<RunStatus, 'REJECTED' | 'CANCELLED'>;
  from: readonly RunStatus[];
  kind: string;
  refusal: ProblemSlug;
}

export const REJECTION: Closing = {
  to: 'REJECTED',
  from: ['AWAITING_APPROVAL'],
  kind: 'payout-run.rejected',
  refusal: 'run-not-awaiting-approval',
};
export const CANCELLATION: Closing = {
  to: 'CANCELLED',
  // Staging that failed leaves the run STAGING (its failure recorded on it).
  from: ['STAGING', 'AWAITING_APPROVAL'],
  kind: 'payout-run.cancelled',
  refusal: 'run-not-cancellable',
};

/**
 * Rejects or cancels a run not yet approved: its status moves (releasing its period) with
 * the audit record, then every pending instruction is handed back to due. Staging claims
 * each batch on condition its shard's counter is open, and the move from STAGING closes
 * them all: once it commits no claim can, and every claim that committed before it is
 * found by the hand-back. Every close starts a hand-back execution BEFORE its move: it
 * waits for the move, so a request that dies right after it still has its run handed
 * back, and it hands back what the request leaves. Up to HAND_BACK_IN_REQUEST pending
 * instructions the request hands them back itself (the 200 then shows none pending); a
 * larger run is left to the execution. The view's `handBack` says what is still pending.
 */
export async function closeRun(
  closing: Closing,
  runId: string,
  reason: string,
  principal: Principal,
  headers: Record<string, string>,
) {
  const run = await getRun(runId);
  if (!run) throw problems.notFound('No such payout run.');
  const key = requestKey(principal, headers);
  const now = clock.now().toISOString();
  const resumed = run.status === closing.to && run.closeKey === key;
  // A resumed request's first execution may have ended: each start is its own execution.
  if (resumed || closing.from.includes(run.status))
    await startHandBack(runId, key, resumed ? `-${Date.now()}` : '');
  if (!resumed) {
    const moved =
      closing.from.includes(run.status) &&
      (await moveRunWith(
        run,
        closing.from,
        closing.to,
        { closedBy: principal.accountId, closedAt: now, closedReason: reason, closeKey: key },
        {
          also: [
            auditOf(principal, closing.kind, runId, { from: run.status, reason: reason.slice(0, 200) }),
            // A staging run: its shards claim no more once the move commits.
            ...(run.status === 'STAGING' ? closeShards(runId) : []),
          ],
        },
      ));
    if (!moved) {
      const current = (await getRun(runId))?.status ?? run.status;
      throw new Problem(closing.refusal, `The run is ${current}.`);
    }
  }
  const why = closing.to === 'REJECTED' ? HANDED_BACK.rejected : HANDED_BACK.cancelled;
  // What the move left pending (no claim commits after it): few enough, handed back here.
  if (handsBackInRequest(totalsOf(await allBatches(runId)).all.pending))
    await handBackRun(runId, why, clock.now());
  const closed = (await getRun(runId))!;
  return { status: 200, body: runView(closed, totalsOf(await allBatches(runId))) };
}

async function startHandBack(runId: string, key: string, suffix: string) {
  const input: PayoutHandBackInput = { phase: 'handback', runId, key, looks: 0 };
  await startExecution(config.payoutStateMachineArn, `handback-${runId}-${key.slice(0, 16)}${suffix}`, input);
}
