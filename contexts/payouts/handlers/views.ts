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
  const closed = run.status === 'REJECTED' || run.status === 'CANCELLED';
  return {
    ...run,
    // A large run is handed back by the workflow after the close answered (close-run.ts).
    ...(closed ? { handBack: { pending: totals.all.pending, done: totals.all.pending === 0 } } : {}),
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
