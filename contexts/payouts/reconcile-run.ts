import type { PayoutBatch, PayoutRun } from '#contexts/payouts/items.ts';
import { paymentPartners } from '#contexts/payouts/payments/https.ts';
import { partnerDays, reportedLines } from '#contexts/payouts/reconcile.ts';
import { batchInstructions } from '#contexts/payouts/store/payouts.ts';

// What reconciling one partner of a run reads, the same for the request (every partner at
// once, a small run) and for the workflow (one partner a task, a large run): our
// instructions in its batches, and its reports of its own days around the times it said
// it paid, on its clock and its calendar (reconcile.ts `partnerDays`), not the days on ours.

/** The days on our clock a partner's payments fall in when it gave no time of its own. */
export const ourDays = (run: Pick<PayoutRun, 'approvedAt' | 'createdAt'>, now: Date) => ({
  from: run.approvedAt ?? run.createdAt,
  to: now.toISOString(),
});

export async function readPartner(
  runId: string,
  code: string,
  batches: PayoutBatch[],
  ours: { from: string; to: string },
) {
  const mine = batches.filter((b) => b.partnerCode === code);
  const instructions = (await Promise.all(mine.map((b) => batchInstructions(runId, b.batchId)))).flat();
  const lines = await reportedLines(paymentPartners(), code, runId, partnerDays(instructions, ours));
  return { instructions, lines };
}
