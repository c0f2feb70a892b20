import { compare } from '#contexts/payouts/reconcile.ts';
import { readPartner } from '#contexts/payouts/reconcile-run.ts';
import { allBatches } from '#contexts/payouts/store/payouts.ts';
import { workflowTask } from '#platform/workflows/task.ts';

interface PartnerInput {
  runId: string;
  partnerCode: string;
  ours: { from: string; to: string };
}

// One partner of a large run: our instructions in its batches against its reports of its
// own days (the request's comparison, reconcile.ts). It only reads, so a retry after a
// fault or a partner's timeout (the task's Retry) compares again; it answers the counts.
export const handler = workflowTask(
  'payouts.ReconcilePartner',
  async ({ runId, partnerCode, ours }: PartnerInput) => {
    const batches = await allBatches(runId);
    const { instructions, lines } = await readPartner(runId, partnerCode, batches, ours);
    const { matched, missingAtPartner, unknownAtPartner, amountMismatches } = compare(
      instructions,
      new Map([[partnerCode, lines]]),
    );
    return { partnerCode, matched, missingAtPartner, unknownAtPartner, amountMismatches };
  },
  (input, out) => ({ runId: input.runId, partnerCode: input.partnerCode, matched: out.matched }),
);
