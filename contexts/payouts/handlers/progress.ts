import { isDead, releaseDeadBatches } from '#contexts/payouts/dead-letter.ts';
import { paymentPartners } from '#contexts/payouts/payments/https.ts';
import { allBatches, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// A look at the run while the dispatchers work: done when no instruction is pending. A
// batch whose message's last delivery is over with instructions still pending (its
// message goes to the DLQ) is ended here: resolved with the partner's status query, then
// paid or handed back to due (contexts/payouts/dead-letter.ts). The look counts itself: the
// workflow stops looking after MAX_PROGRESS_LOOKS (contexts/payouts/workflow.ts).
export const handler = workflowTask(
  'payouts.Progress',
  async ({ runId, looks }: { runId: string; looks?: number }) => {
    const now = clock.now();
    let batches = await allBatches(runId);
    const dead = batches.filter((b) => isDead(b, now));
    let released = { paid: 0, handedBack: 0, unresolved: 0 };
    if (dead.length) {
      released = await releaseDeadBatches(paymentPartners(), runId, dead, now);
      batches = await allBatches(runId);
    }
    const { all } = totalsOf(batches);
    return {
      done: all.pending === 0,
      looks: (looks ?? 0) + 1,
      pending: all.pending,
      paid: all.paid,
      failed: all.failed,
      deadBatches: dead.length,
      released,
    };
  },
  (input, out) => ({ runId: input.runId, looks: out.looks, pending: out.pending, dead: out.deadBatches }),
);
