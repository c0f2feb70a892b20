import { handBackSome } from '#contexts/payouts/hand-back.ts';
import { CANCELLABLE_RUN_STATUSES, HANDED_BACK } from '#contexts/payouts/rules/payouts.ts';
import { getRun } from '#contexts/payouts/store/payouts.ts';
import { HAND_BACK_PER_CALL, HAND_BACK_WAITS } from '#contexts/payouts/workflow.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

interface PageInput {
  runId: string;
  key: string;
  looks: number;
}

// A rejected or cancelled run too large for its request, handed back to due a bounded
// number of instructions a call. The request starts this before it moves the run: while
// the run is still open the step waits (bounded), so a request that dies after its move
// still has its run handed back, and one that was refused (another close or an approval
// won) hands back nothing here (the winner's own close does). Each instruction goes back
// in its own transaction on condition it is still pending: a retry, or two of these at
// once, never hands one back twice.
export const handler = workflowTask(
  'payouts.HandBackPage',
  async ({ runId, key, looks }: PageInput) => {
    const run = await getRun(runId);
    if (!run) throw new Error(`payout run ${runId} not found`);
    if (CANCELLABLE_RUN_STATUSES.includes(run.status))
      return { done: looks + 1 >= HAND_BACK_WAITS, waiting: true, looks: looks + 1, handedBack: 0 };
    if ((run.status !== 'REJECTED' && run.status !== 'CANCELLED') || run.closeKey !== key)
      return { done: true, waiting: false, looks, handedBack: 0 };
    const why = run.status === 'REJECTED' ? HANDED_BACK.rejected : HANDED_BACK.cancelled;
    const { handedBack, more } = await handBackSome(runId, why, clock.now(), HAND_BACK_PER_CALL);
    return { done: !more, waiting: false, looks, handedBack };
  },
  (input, out) => ({ runId: input.runId, ...out }),
);
