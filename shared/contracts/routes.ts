import * as accounts from '#shared/contracts/accounts.ts';
import * as audit from '#shared/contracts/audit.ts';
import * as catalog from '#shared/contracts/catalog.ts';
import * as docs from '#shared/contracts/docs.ts';
import * as lists from '#shared/contracts/lists.ts';
import * as local from '#shared/contracts/local.ts';
import * as partners from '#shared/contracts/partners.ts';
import * as payouts from '#shared/contracts/payouts.ts';
import * as purchases from '#shared/contracts/purchases.ts';
import * as reports from '#shared/contracts/reports.ts';
import * as selection from '#shared/contracts/selection.ts';
import * as waves from '#shared/contracts/waves.ts';
import type { RouteContract } from '#shared/http/contract.ts';

function contracts(module: Record<string, unknown>): RouteContract[] {
  return Object.values(module).filter(
    (v): v is RouteContract => typeof v === 'object' && v !== null && 'operationId' in v,
  );
}

/** Every route of the API: the CDK app deploys those that are not `localOnly`. */
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
  ...contracts(docs),
  ...contracts(local),
];

export const deployedRoutes = routes.filter((r) => !r.localOnly);
