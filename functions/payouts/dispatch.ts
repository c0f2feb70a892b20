import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { clock } from '#shared/clock.ts';
import { decrypt } from '#shared/crypto.ts';
import { faults, type InjectedFault } from '#shared/faults.ts';
import { logger } from '#shared/logger.ts';
import { count, observed } from '#shared/observability.ts';
import { paymentPartners } from '#shared/payments/https.ts';
import { resolveInstruction } from '#shared/payouts/disburse.ts';
import { payoutQueues } from '#shared/queues.ts';
import { settleFailed, settlePaid } from '#shared/store/payout-settlement.ts';
import { batchInstructions, tallyOf, writeBatchTally } from '#shared/store/payouts.ts';

// The dispatcher of one partner's disbursement queue: a message is one batch of that
// partner's instructions. Each pending instruction is resolved with the partner and
// recorded with its ledger entry in one transaction on condition it is still pending;
// the batch's tally is then written from what its instructions say. A message with
// instructions still pending is reported failed (partial batch response) and comes back
// after the visibility timeout; the last delivery gives up what the partner never got.

const Message = z.object({
  runId: z.string().min(1),
  batchId: z.string().min(1),
  partnerCode: z.string().min(1),
});
/** Instructions of one message in flight with the partner at once. */
const IN_FLIGHT = 8;
const MAX_RECEIVES = payoutQueues[0]?.maxReceiveCount ?? 5;
/** A message's work stops well before it becomes visible again (and before the function
 *  times out): what is left pending comes back with the message. Locally the stack may
 *  shorten the visibility timeout (PAYOUT_VISIBILITY_TIMEOUT_S). */
const visibilityS =
  Number(process.env.PAYOUT_VISIBILITY_TIMEOUT_S) || (payoutQueues[0]?.visibilityTimeoutSeconds ?? 60);
const WORK_BUDGET_MS = Math.min(visibilityS, payoutQueues[0]?.timeoutSeconds ?? 50) * 500;

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function dispatchBatch(
  record: SQSRecord,
  killed: { fault?: InjectedFault },
  deadline: number,
): Promise<void> {
  const message = Message.parse(JSON.parse(record.body));
  const lastDelivery = Number(record.attributes.ApproximateReceiveCount) >= MAX_RECEIVES;
  const instructions = await batchInstructions(message.runId, message.batchId);
  let answered = 0;
  await eachLimited(
    instructions.filter((i) => i.status === 'PENDING'),
    IN_FLIGHT,
    async (i) => {
      if (killed.fault || Date.now() > deadline) return;
      const outcome = await resolveInstruction(paymentPartners(), i, await decrypt(i.accountNumberSealed), {
        attempts: 3,
        baseMs: 100,
        capMs: 2000,
        lastDelivery,
      });
      try {
        // A crash between the partner's answer and our write (local fault injection).
        faults.check('payouts.dispatch', { done: ++answered });
      } catch (error) {
        killed.fault = error as InjectedFault;
        return;
      }
      const now = clock.now();
      if (outcome.kind === 'paid') {
        if ((await settlePaid(i, outcome, now)) === 'settled') count('IncentivePaid');
      } else if (outcome.kind === 'rejected') {
        if ((await settleFailed(i, outcome.reason, now)) === 'settled') count('PayoutFailed');
      } else logger.warn('instruction unresolved', { instructionId: i.instructionId, why: outcome.why });
    },
  );
  if (killed.fault) throw killed.fault;
  const tally = tallyOf(await batchInstructions(message.runId, message.batchId));
  await writeBatchTally(message, tally, clock.now());
  if (tally.pending > 0)
    throw new Error(`${tally.pending} instructions of batch ${message.batchId} still pending`);
}

export const handler = (event: SQSEvent) => observed('payouts.dispatch', () => dispatch(event));

async function dispatch(event: SQSEvent) {
  const killed: { fault?: InjectedFault } = {};
  const deadline = Date.now() + WORK_BUDGET_MS;
  const processor = new BatchProcessor(EventType.SQS);
  // One message at a time: its instructions are already IN_FLIGHT at once with the partner.
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => dispatchBatch(record, killed, deadline),
    processor,
    { processInParallel: false, throwOnFullBatchFailure: false },
  );
  // A killed dispatcher answers nothing: every message of the invocation comes back.
  if (killed.fault) throw killed.fault;
  return response;
}
