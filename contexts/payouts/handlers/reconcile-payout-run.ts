import { httpHandler } from '#contexts/http.ts';
import { paymentPartners } from '#contexts/payouts/payments/https.ts';
import { PartnerTimeout, PartnerUnavailable, type SettlementLine } from '#contexts/payouts/payments/port.ts';
import { compare, partnerDays, reportedLines } from '#contexts/payouts/reconcile.ts';
import { reconcilePayoutRun } from '#contexts/payouts/routes.ts';
import { allBatches, batchInstructions, getRun, setRunFields } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

export const handler = httpHandler(reconcilePayoutRun, async ({ params }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  if (run.status !== 'COMPLETED' && run.status !== 'COMPLETED_WITH_FAILURES')
    throw new Problem('run-not-settled', `The run is ${run.status}: reconcile it once it has completed.`);
  const batches = await allBatches(run.runId);
  const instructions = (
    await Promise.all(batches.map((b) => batchInstructions(run.runId, b.batchId)))
  ).flat();
  const now = clock.now();
  // Each partner's reports of its own days: around the times it said it paid, on its clock
  // and its calendar (contexts/payouts/reconcile.ts `partnerDays`), not the days on ours.
  const ours = { from: run.approvedAt ?? run.createdAt, to: now.toISOString() };
  const codes = [...new Set(batches.map((b) => b.partnerCode))];
  let reported: Map<string, Map<string, SettlementLine>>;
  try {
    reported = new Map(
      await Promise.all(
        codes.map(async (code) => {
          const days = partnerDays(
            instructions.filter((i) => i.partnerCode === code),
            ours,
          );
          return [code, await reportedLines(paymentPartners(), code, run.runId, days)] as const;
        }),
      ),
    );
  } catch (error) {
    if (error instanceof PartnerTimeout || error instanceof PartnerUnavailable)
      throw new Problem('partner-unavailable', 'A payment partner did not send its report: try again later.');
    throw error;
  }
  const result = { at: now.toISOString(), ...compare(instructions, reported) };
  const { byPartner: _, differences: __, ...summary } = result;
  await setRunFields(run.runId, { reconciliation: summary });
  return { status: 200, body: result };
});
