import { count, percent, rupiah } from './format.ts';
import { PAYOUT_PARTNERS } from './plan.ts';
import type { DemoResult } from './tally.ts';

// The terminal summary: the funnel, the money, the purchases, the payouts, the time.

const table = (rows: string[][], align: ('l' | 'r')[]) => {
  const widths = align.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        `  ${r.map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`,
    )
    .join('\n');
};

export function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m ? `${m} min ${Math.round(seconds - 60 * m)} s` : `${seconds.toFixed(1)} s`;
}

/** Per run and partner: instructions, paid (count, rupiah), failed (count, rupiah). */
export function payoutRows(result: DemoResult) {
  return result.runs.flatMap((run) =>
    [
      ...PAYOUT_PARTNERS,
      ...Object.keys(run.totals.byPartner).filter((c) => !(PAYOUT_PARTNERS as readonly string[]).includes(c)),
    ]
      .filter((code) => run.totals.byPartner[code])
      .map((code) => {
        const t = run.totals.byPartner[code]!;
        return {
          run: run.label,
          code,
          instructions: t.instructions,
          paid: t.byStatus.PAID,
          paidIdr: t.paidIdr,
          failed: t.byStatus.FAILED,
          failedIdr: t.failedIdr,
        };
      }),
  );
}

export function summaryText(r: DemoResult): string {
  const out: string[] = [];
  out.push(
    `\nPrakerja demo: ${count(r.n)} citizens, seed ${r.seed}, ${r.startedStack ? 'an in-memory stack it started' : r.apiUrl}; ${duration(r.seconds)}`,
  );
  out.push(
    `\nFunnel (wave ${r.waveId}, quota ${count(r.quota)}, ${count(r.reservedQuota)} reserved for the laid-off)`,
  );
  out.push(
    table(
      [
        ['step', 'count', 'of registered', 'of previous'],
        ...r.funnel.map((s, i) => [
          s.step,
          count(s.count),
          percent(s.count, r.funnel[0]!.count),
          i ? percent(s.count, r.funnel[i - 1]!.count) : '',
        ]),
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  const excluded = Object.entries(r.selection.excludedByReason).filter(([, n]) => n > 0);
  if (excluded.length)
    out.push(`  excluded at selection: ${excluded.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push('\nTraining balances');
  out.push(
    table(
      [
        ['credited', rupiah(r.money.creditedIdr), `${count(r.selection.selected)} cards`],
        ['spent on courses', rupiah(r.money.spentIdr), ''],
        ['remaining', rupiah(r.money.remainingIdr), ''],
        [
          'returned to treasury',
          rupiah(r.money.returnedIdr),
          `${count(r.money.revoked)} revoked at the purchase deadline`,
        ],
        ['credited = spent + remaining + returned', r.money.balanced ? 'yes' : 'NO', ''],
      ],
      ['l', 'r', 'l'],
    ),
  );
  out.push(
    `  quota pool: ${count(r.sweep.placesFreed)} places freed, ${rupiah(r.sweep.returnedIdr)} returned (whole stack)`,
  );
  out.push('\nPurchases by platform');
  const total = r.purchasesByPlatform.reduce(
    (t, p) => ({
      count: t.count + p.count,
      amountIdr: t.amountIdr + p.amountIdr,
      completed: t.completed + p.completed,
    }),
    { count: 0, amountIdr: 0, completed: 0 },
  );
  out.push(
    table(
      [
        ['platform', 'purchases', 'rupiah', 'completed'],
        ...r.purchasesByPlatform.map((p) => [
          p.platform,
          count(p.count),
          rupiah(p.amountIdr),
          count(p.completed),
        ]),
        ['total', count(total.count), rupiah(total.amountIdr), count(total.completed)],
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push(
    `  GET /v1/admin/reports/purchases (every wave on this stack): ${count(r.purchaseReport.paid)} paid, ${rupiah(r.purchaseReport.amountIdr)}`,
  );
  out.push('\nIncentives by payment partner');
  for (const run of r.runs) {
    const rec = run.reconciliation;
    out.push(
      `  ${run.label} ${run.runId} ${run.period} ${run.faults}: ${run.status} in ${duration(run.seconds)}`,
    );
    out.push(
      table(
        [
          ['partner', 'instructions', 'paid', 'rupiah', 'failed', 'rupiah'],
          ...payoutRows(r)
            .filter((x) => x.run === run.label)
            .map((x) => [
              x.code,
              count(x.instructions),
              count(x.paid),
              rupiah(x.paidIdr),
              count(x.failed),
              rupiah(x.failedIdr),
            ]),
          [
            'total',
            count(run.totals.instructions),
            count(run.totals.byStatus.PAID),
            rupiah(run.totals.paidIdr),
            count(run.totals.byStatus.FAILED),
            rupiah(run.totals.failedIdr),
          ],
        ],
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    if (rec)
      out.push(
        `  reconciliation: ${count(rec.matched)} matched, ${rec.missingAtPartner} missing at the partner, ${rec.unknownAtPartner} unknown at the partner, ${rec.amountMismatches} amount mismatches`,
      );
  }
  out.push(
    `  the demo's participants: ${count(r.incentives.paid)} incentives paid (${rupiah(r.incentives.paidIdr)}) of ${count(r.incentives.scheduled)} scheduled (${rupiah(r.incentives.scheduledIdr)}); ${count(r.incentives.waiting)} (${rupiah(r.incentives.waitingIdr)}) wait for a payout account`,
  );
  out.push(
    `  reviewed with an account linked: ${count(r.reviewedAndLinked)}, all paid: ${count(r.reviewedAndLinkedPaid)}`,
  );
  out.push('\nTime');
  out.push(
    table(
      r.phases.map((p) => [p.label, `${p.seconds.toFixed(1)} s`]),
      ['l', 'r'],
    ),
  );
  out.push(`  total ${duration(r.seconds)}`);
  out.push(`\nReport: ${r.reportPath}`);
  if (r.consoleUrl) out.push(`The wave in the console: ${r.consoleUrl}/#/waves/${r.waveId}`);
  out.push('');
  return out.join('\n');
}
