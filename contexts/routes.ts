import * as accounts from '#contexts/accounts/routes.ts';
import * as admission from '#contexts/admission/routes.ts';
import * as audit from '#contexts/audit/routes.ts';
import * as catalog from '#contexts/catalog/routes.ts';
import * as docs from '#contexts/docs/routes.ts';
import * as lists from '#contexts/lists/routes.ts';
import * as notifications from '#contexts/notifications/routes.ts';
import * as partners from '#contexts/partners/routes.ts';
import * as payouts from '#contexts/payouts/routes.ts';
import * as purchases from '#contexts/purchases/routes.ts';
import * as reports from '#contexts/reports/routes.ts';
import * as selection from '#contexts/selection/routes.ts';
import * as waves from '#contexts/waves/routes.ts';
import type { RouteContract } from '#platform/http/contract.ts';

export function contracts(module: Record<string, unknown>): RouteContract[] {
  return Object.values(module).filter(
    (v): v is RouteContract => typeof v === 'object' && v !== null && 'operationId' in v,
  );
}

/** Every route of the API, by context (the local stack's own: local/routes.ts). */
export const routes: RouteContract[] = [
  ...contracts(accounts),
  ...contracts(waves),
  ...contracts(lists),
  ...contracts(selection),
  ...contracts(partners),
  ...contracts(catalog),
  ...contracts(purchases),
  ...contracts(reports),
  ...contracts(payouts),
  ...contracts(audit),
  ...contracts(notifications),
  ...contracts(docs),
  ...contracts(admission),
];

export const deployedRoutes = routes.filter((r) => !r.localOnly);
