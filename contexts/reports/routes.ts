import * as z from 'zod';
import { route } from '#platform/http/contract.ts';

const TotalsSchema = z.object({
  purchases: z.number().int(),
  paid: z.number().int(),
  redemptions: z.number().int(),
  completions: z.number().int(),
  cancellations: z.number().int(),
  amountIdr: z.number().int(),
});

const PlatformRow = TotalsSchema.extend({
  partnerId: z.string(),
  code: z.string(),
  name: z.string(),
  feeFree: z.boolean(),
  institutions: z.array(TotalsSchema.extend({ id: z.string(), name: z.string() })),
});

export const PurchaseReportView = z.object({
  platforms: z.array(PlatformRow),
  privatePlatforms: TotalsSchema,
  governmentPlatform: TotalsSchema,
});

export const purchaseReport = route({
  operationId: 'purchaseReport',
  method: 'GET',
  path: '/v1/admin/reports/purchases',
  access: 'staff',
  handler: 'reports/purchase-report',
  uses: { indexes: { GSI1: 'query' } },
  summary:
    'Purchases, redemptions, completions and amounts per platform and institution; the fee-free government platform apart',
  tags: ['reports'],
  responses: {
    200: {
      description: 'The report',
      schema: PurchaseReportView,
    },
  },
});
