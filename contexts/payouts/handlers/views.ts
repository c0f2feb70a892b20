import type { PayoutInstruction, PayoutRun, RunTotals } from '#contexts/payouts/items.ts';
import type { RunTally } from '#contexts/payouts/rules/payouts.ts';

// What the payout routes show (their response schemas allow-list the fields).

const tallyView = (t: RunTally) => ({
  instructions: t.instructions,
  amountIdr: t.amountIdr,
  byStatus: { PAID: t.paid, FAILED: t.failed, PENDING: t.pending },
  paidIdr: t.paidIdr,
  failedIdr: t.failedIdr,
});

export function runView(run: PayoutRun, totals: RunTotals) {
  return {
    ...run,
    totals: {
      ...tallyView(totals.all),
      byPartner: Object.fromEntries(
        Object.entries(totals.byPartner).map(([code, t]) => [
          code,
          { ...tallyView(t), ...(totals.handedBack?.[code] ? { reason: totals.handedBack[code] } : {}) },
        ]),
      ),
    },
  };
}

export function instructionView(i: PayoutInstruction) {
  return { ...i, incentive: { kind: i.incentiveKind, n: i.incentiveN, dueDate: i.dueDate } };
}
