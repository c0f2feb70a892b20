import type { ReconciliationCounts } from '#contexts/payouts/items.ts';
import { sumCounts } from '#contexts/payouts/reconcile.ts';
import { endReconciliation } from '#contexts/payouts/store/payout-reconciliation.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

interface SumInput {
  runId: string;
  startedAt: string;
  parts: (ReconciliationCounts & { partnerCode: string })[];
}

// The partners' counts added up into the run's `reconciliation` (DONE), with its audit
// record, in one transaction on condition this attempt still runs: a retry writes nothing.
export const handler = workflowTask(
  'payouts.SumReconciliation',
  async ({ runId, startedAt, parts }: SumInput) => {
    const byPartner = Object.fromEntries(
      parts.map(({ partnerCode, ...counts }) => [partnerCode, counts] as const),
    );
    const all = sumCounts(parts);
    const written = await endReconciliation(runId, startedAt, {
      status: 'DONE',
      at: clock.now().toISOString(),
      ...all,
      byPartner,
    });
    return { runId, written, ...all };
  },
  (_, out) => out,
);
