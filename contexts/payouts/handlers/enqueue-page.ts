import { handBackNotLive } from '#contexts/payouts/hand-back.ts';
import { payoutQueueName } from '#contexts/payouts/payments/partners.ts';
import { batchPage } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { sendBatch } from '#platform/queues-client.ts';
import { workflowTask } from '#platform/workflows/task.ts';

/** Batches (queue messages) per call: a page of the run's batch items. */
export const BATCHES_PER_CALL = 500;

// Disbursement begins: each batch becomes one message on its partner's queue. A retried
// call may send a batch twice; the dispatcher finds its instructions settled and pays
// nothing twice.
export const handler = workflowTask(
  'payouts.EnqueuePage',
  async ({ runId, cursor }: { runId: string; cursor: Record<string, unknown> | null }) => {
    const { batches, next } = await batchPage(runId, cursor ?? undefined, BATCHES_PER_CALL);
    // A partner suspended since the approval: its batches are handed back, not sent.
    const notLive = await handBackNotLive(batches, clock.now());
    const byQueue = new Map<string, { runId: string; batchId: string; partnerCode: string }[]>();
    for (const b of batches.filter((b) => b.pending > 0 && !notLive.includes(b.partnerCode))) {
      const queue = payoutQueueName(b.partnerCode);
      byQueue.set(queue, [
        ...(byQueue.get(queue) ?? []),
        { runId, batchId: b.batchId, partnerCode: b.partnerCode },
      ]);
    }
    await Promise.all([...byQueue].map(([queue, bodies]) => sendBatch(queue, bodies)));
    return { cursor: next ?? null, done: !next, sent: batches.length };
  },
  (input, out) => ({ runId: input.runId, sent: out.sent }),
);
