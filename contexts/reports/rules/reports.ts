import type { PurchaseStatus } from '#contexts/purchases/rules/purchases.ts';

// Purchases per platform and per institution for the PMO (DOMAIN.md: purchases per
// platform and fees are reported; the ministry's own platform charges no fee and is
// reported apart).
export const FEE_FREE_PLATFORMS = ['kemnaker'];

export interface ReportedPurchase {
  status: PurchaseStatus;
  priceIdr: number;
  institution: { id: string; name: string };
  redeemedAt?: string;
}

export interface Totals {
  purchases: number;
  paid: number;
  redemptions: number;
  completions: number;
  cancellations: number;
  /** Rupiah spent on courses that were paid and not cancelled. */
  amountIdr: number;
}

const empty = (): Totals => ({
  purchases: 0,
  paid: 0,
  redemptions: 0,
  completions: 0,
  cancellations: 0,
  amountIdr: 0,
});

export function add(into: Totals, p: ReportedPurchase): Totals {
  into.purchases++;
  const paid = p.status === 'PAID' || p.status === 'REDEEMED' || p.status === 'COMPLETED';
  if (paid) {
    into.paid++;
    into.amountIdr += p.priceIdr;
  }
  if (p.status === 'REDEEMED' || p.status === 'COMPLETED') into.redemptions++;
  if (p.status === 'COMPLETED') into.completions++;
  if (p.status === 'CANCELLED') into.cancellations++;
  return into;
}

export function sumTotals(list: Totals[]): Totals {
  const total = empty();
  for (const t of list) for (const k of Object.keys(total) as (keyof Totals)[]) total[k] += t[k];
  return total;
}

export function platformReport(purchases: ReportedPurchase[]) {
  const totals = empty();
  const institutions = new Map<string, { id: string; name: string } & Totals>();
  for (const p of purchases) {
    add(totals, p);
    const row = institutions.get(p.institution.id) ?? { ...p.institution, ...empty() };
    institutions.set(p.institution.id, add(row, p) as typeof row);
  }
  return { ...totals, institutions: [...institutions.values()].sort((a, b) => b.amountIdr - a.amountIdr) };
}
