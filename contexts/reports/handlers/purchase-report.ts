import { httpHandler } from '#contexts/http.ts';
import type { Partner } from '#contexts/partners/items.ts';
import { listPartners } from '#contexts/partners/store/partners.ts';
import type { Purchase } from '#contexts/purchases/items.ts';
import { purchasesOf } from '#contexts/purchases/store/purchases.ts';
import { purchaseReport } from '#contexts/reports/routes.ts';
import { FEE_FREE_PLATFORMS, platformReport, sumTotals } from '#contexts/reports/rules/reports.ts';

// Reads every platform's purchases through its index partition. Fine for the PMO's
// daily report; at full scale this would be fed by counters or an analytics export.
export const handler = httpHandler(purchaseReport, async () => {
  const platforms: Partner[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPartners(500, cursor);
    platforms.push(...page.partners.filter((p) => p.kind === 'platform'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const rows = await Promise.all(
    platforms.map(async (platform) => {
      const purchases: Purchase[] = [];
      for await (const page of purchasesOf(platform.partnerId)) purchases.push(...page);
      return {
        partnerId: platform.partnerId,
        code: platform.code,
        name: platform.name,
        feeFree: FEE_FREE_PLATFORMS.includes(platform.code),
        ...platformReport(purchases),
      };
    }),
  );
  const totals = (feeFree: boolean) => sumTotals(rows.filter((r) => r.feeFree === feeFree));
  return {
    status: 200,
    body: { platforms: rows, privatePlatforms: totals(false), governmentPlatform: totals(true) },
  };
});
