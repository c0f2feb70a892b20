import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { resolveInstruction } from '#contexts/payouts/disburse.ts';
import { handBackBatch, partnerLive } from '#contexts/payouts/hand-back.ts';
import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import { paymentPartners } from '#contexts/payouts/payments/https.ts';
import { payoutRedelivery } from '#contexts/payouts/redelivery.ts';
import { refusesAccount } from '#contexts/payouts/rules/payouts.ts';
import { markPayoutAccountRejected } from '#contexts/payouts/store/payout-accounts.ts';
import { settleFailed, settlePaid } from '#contexts/payouts/store/payout-settlement.ts';
import {
  batchInstructions,
  markLastDelivery,
  tallyOf,
  writeBatchTally,
} from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { decrypt } from '#platform/crypto.ts';
import { faults, type InjectedFault } from '#platform/faults.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';
import { delayRedelivery } from '#platform/queues-client.ts';

// The dispatcher of one partner's disbursement queue: a message is one batch of that
// partner's instructions. Each pending instruction is resolved with the partner and
// recorded with its ledger entry in one transaction on condition it is still pending;
// the batch's tally is then written from what its instructions say. A message with
// instructions still pending is reported failed (partial batch response) and comes back
// later, each time later (exponential visibility, platform/queues.ts: a partner's outage of
// up to six hours is waited out); the last delivery gives up what the partner never got.
// It marks its batch first (lastDeliveryAt): what it leaves pending goes to the DLQ, and
// the payout workflow's progress step resolves it with the partner's status query and
// hands it back to due (contexts/payouts/dead-letter.ts).

const Message = z.object({
  runId: z.string().min(1),
  batchId: z.string().min(1),
  partnerCode: z.string().min(1),
});
/** Instructions of one message in flight with the partner at once. */
const IN_FLIGHT = 8;
const RETRIES = { attempts: 3, baseMs: 100, capMs: 2000 };
/**
 * A message's work must end before the function times out and before the message becomes
 * visible again (locally the stack may shorten that: PAYOUT_VISIBILITY_TIMEOUT_S): no
 * instruction is started later than its worst case (every attempt and status query timing
 * out, plus backoff and the last delivery's status query) before that end. What is left
 * pending comes back with the message.
 */
function workDeadline(started: number): number {
  const { baseSeconds, timeoutSeconds } = payoutRedelivery();
  const endMs = Math.min(timeoutSeconds, baseSeconds / 2) * 1000;
  const backoffMs = Array.from({ length: RETRIES.attempts - 1 }, (_, a) =>
    Math.min(RETRIES.capMs, RETRIES.baseMs * 2 ** a),
  ).reduce((sum, ms) => sum + ms, 0);
  const worstMs = (2 * RETRIES.attempts + 1) * config.paymentTimeoutMs + backoffMs;
  return started + Math.max(1000, endMs - worstMs);
}

/** `work` on every item, `limit` at once; every item's work ends before the first error is
 *  thrown (no partner call is left running unawaited). */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!).catch((error: unknown) => errors.push(error));
    }),
  );
  if (errors.length) throw errors[0];
}

async function dispatchBatch(record: SQSRecord, killed: { fault?: InjectedFault }): Promise<void> {
  const deadline = workDeadline(Date.now());
  const message = Message.parse(JSON.parse(record.body));
  const redelivery = payoutRedelivery();
  const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
  const lastDelivery = receive >= redelivery.maxReceiveCount;
  // A partner suspended since the batch was enqueued is paid through by nobody: what is
  // pending goes back to due (`partner-not-live`). After a first delivery an instruction
  // may have reached the partner: its incentive keeps this reference, which the next run
  // asks about before it pays.
  // The partner's status and the batch's instructions are read at once (two reads, one wait).
  const [live, instructions] = await Promise.all([
    partnerLive(message.partnerCode),
    batchInstructions(message.runId, message.batchId),
  ]);
  if (!live) {
    await handBackBatch(message, 'partner-not-live', clock.now(), receive > 1);
    return;
  }
  // Before any partner call: the workflow may resolve what this delivery leaves pending
  // once it can no longer be talking to the partner (redelivery.lastDeliveryOverMs).
  if (lastDelivery && instructions.some((i) => i.status === 'PENDING'))
    await markLastDelivery(message, clock.now());
  let answered = 0;
  // Left pending: not tried before the work deadline, or tried and not resolved.
  let untried = 0;
  let unresolved = 0;
  // What this delivery settled itself: the batch's tally is then known without reading
  // the batch again (read again only when something was left to another or unresolved).
  const settledHere = new Map<string, PayoutInstruction['status']>();
  await eachLimited(
    instructions.filter((i) => i.status === 'PENDING'),
    IN_FLIGHT,
    async (i) => {
      if (killed.fault) return;
      if (Date.now() > deadline) {
        untried++;
        return;
      }
      const outcome = await resolveInstruction(paymentPartners(), i, await decrypt(i.accountNumberSealed), {
        ...RETRIES,
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
        if ((await settlePaid(i, outcome, now)) === 'settled') {
          settledHere.set(i.instructionId, 'PAID');
          count('IncentivePaid');
        }
      } else if (outcome.kind === 'rejected') {
        // The account itself refused: marked for relinking first (so a crash before the
        // settlement leaves it staged no more), then the incentive returns to due.
        if (
          refusesAccount(outcome.reason) &&
          (await markPayoutAccountRejected(i, outcome.reason, now)) === 'marked'
        )
          logger.info('payout account marked for relinking', {
            accountId: i.accountId,
            reason: outcome.reason,
          });
        if ((await settleFailed(i, outcome.reason, now)) === 'settled') {
          settledHere.set(i.instructionId, 'FAILED');
          count('PayoutFailed');
        }
      } else {
        unresolved++;
        logger.warn('instruction unresolved', { instructionId: i.instructionId, why: outcome.why });
      }
    },
  );
  if (killed.fault) throw killed.fault;
  const known = instructions.map((i) => {
    const status = settledHere.get(i.instructionId);
    return status ? { ...i, status } : i;
  });
  const tally = tallyOf(
    known.some((i) => i.status === 'PENDING')
      ? await batchInstructions(message.runId, message.batchId)
      : known,
  );
  await writeBatchTally(message, tally, clock.now());
  if (tally.pending > 0) {
    if (!lastDelivery) {
      // Back off: the partner may be down for hours (a bank's maintenance window). Only cut
      // short by the deadline (the partner resolved all it was asked): visible again at once,
      // the next delivery goes on (each one settles at least its first IN_FLIGHT instructions).
      const seconds = unresolved === 0 && untried > 0 ? 0 : redelivery.delaySeconds(receive);
      await delayRedelivery(record, seconds).catch((error: Error) =>
        // The queue's own visibility timeout then brings it back sooner: no harm.
        logger.warn('redelivery not delayed', { batchId: message.batchId, error: error.name }),
      );
    }
    throw new Error(`${tally.pending} instructions of batch ${message.batchId} still pending`);
  }
}

export const handler = (event: SQSEvent) => observed('payouts.dispatch', () => dispatch(event));

async function dispatch(event: SQSEvent) {
  const killed: { fault?: InjectedFault } = {};
  const processor = new BatchProcessor(EventType.SQS);
  // One message at a time: its instructions are already IN_FLIGHT at once with the partner.
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => dispatchBatch(record, killed),
    processor,
    { processInParallel: false, throwOnFullBatchFailure: false },
  );
  // A killed dispatcher answers nothing: every message of the invocation comes back.
  if (killed.fault) throw killed.fault;
  return response;
}
